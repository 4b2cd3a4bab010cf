"""One file to import, and the shapes a format may recognise it by: its bytes, its text, its
JSON value, its CSV header, the names in it as a zip archive. Each is worked out once, when a
format first asks, so that trying every format on a file costs one parse of each kind."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from smartkey.account import Account
from smartkey.importers.errors import ImportFailed
from smartkey.importers.fields import parse_json

_NOT_JSON = object()
_ZIP_MAGIC = b"PK\x03\x04"


class Source:
    """The data of one file, with lazily made views of it."""

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)

    def starts(self, *magic: bytes) -> bool:
        """Whether the data starts with one of ``magic``."""
        return self.data.startswith(magic)

    @cached_property
    def text(self) -> str | None:
        """The data as text if it is UTF-8 (with or without a byte order mark), else None."""
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    @cached_property
    def _json(self) -> tuple[Any, ImportFailed | None]:
        text = self.text
        if text is None or text.lstrip()[:1] not in ("[", "{"):
            return _NOT_JSON, None
        try:
            return parse_json(text, "the data"), None
        except ImportFailed as error:
            return _NOT_JSON, error

    @property
    def is_json(self) -> bool:
        return self._json[0] is not _NOT_JSON

    @property
    def document(self) -> Any:
        """The JSON value of the data; only meaningful when :attr:`is_json`."""
        return self._json[0]

    @property
    def json_error(self) -> ImportFailed | None:
        """Why data that starts like JSON is not JSON, if it is not."""
        return self._json[1]

    def json_object(self, *keys: str) -> dict[str, Any] | None:
        """The JSON object of the data if it has every key in ``keys``, else None."""
        document = self.document
        if isinstance(document, dict) and all(key in document for key in keys):
            return document
        return None

    @cached_property
    def csv_header(self) -> frozenset[str]:
        """The lower-case column names of the first line, if the data is text with commas."""
        text = self.text
        if text is None:
            return frozenset()
        first = text.lstrip("\r\n").partition("\n")[0]
        if "," not in first:
            return frozenset()
        try:
            names = next(csv.reader([first]), [])
        except csv.Error:
            return frozenset()
        return frozenset(name.strip().lower() for name in names)

    @cached_property
    def zip_names(self) -> frozenset[str]:
        """The names of the members if the data is a zip archive."""
        if not self.starts(_ZIP_MAGIC):
            return frozenset()
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                return frozenset(archive.namelist())
        except (
            zipfile.BadZipFile,
            NotImplementedError,
            RuntimeError,
            ValueError,
            OSError,
            EOFError,
        ):
            # Damaged or of a kind zipfile cannot read: not an archive any format can use.
            return frozenset()


def _never(source: Source) -> bool:
    return False


@dataclass(frozen=True)
class Format:
    """One export format the importers read: the lists of supported formats, the detection
    and the CLI's help all come from these declarations.

    ``recognises`` must be specific to the format: nothing else may pass it, because the first
    format that recognises a file loads it. ``encrypted`` says whether a recognised file
    needs a password; only then is the user ever asked for one.
    """

    name: str
    recognises: Callable[[Source], bool]
    load: Callable[[Source, str | None], list[Account]]
    encrypted: Callable[[Source], bool] = field(default=_never)
    listed: bool = True  # False for a variant that a listed format's name already covers
