"""Reading export records field by field, so that an error names the entry and the field.

Exports are untrusted JSON: every value is checked for its type here, and each problem is a
``ValueError`` naming the field, which :func:`context` turns into one :class:`ImportFailed`
that also says where in the export it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from smartkey.account import ALGORITHMS
from smartkey.base32 import b32decode
from smartkey.importers.errors import ImportFailed

_NAME_SHOWN = 60


@contextmanager
def context(where: str) -> Iterator[None]:
    """Raise any ``ValueError`` inside as one :class:`ImportFailed` that starts with ``where``."""
    try:
        yield
    except ImportFailed:
        raise
    except ValueError as error:
        # `from None`: the chained error may hold decoded data, and the message says it all.
        raise ImportFailed(f"{where}: {error}") from None


def entry(index: int, count: int, issuer: object, name: object, what: str = "") -> str:
    """How an error names entry ``index`` (from 0) of ``count`` of a ``what``: its position,
    then ``issuer: name`` as far as they are text."""
    parts = [part for part in (issuer, name) if isinstance(part, str) and part]
    label = ": ".join(parts) or "unnamed"
    if len(label) > _NAME_SHOWN:
        label = label[:_NAME_SHOWN] + "…"
    prefix = f"{what} " if what else ""
    return f"{prefix}entry {index + 1} of {count} ({label})"


def parse_json(text: str, what: str) -> Any:
    """The JSON value of ``text``; :class:`ImportFailed` saying what was not JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFailed(f"{what} is JSON nested too deeply") from None
    except ValueError as error:
        raise ImportFailed(f"{what} is not valid JSON: {error}") from None


def obj(value: object, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object")
    return value


def mapping(record: dict[str, Any], key: str) -> dict[str, Any]:
    """The object in field ``key``, which must be there."""
    if key not in record:
        raise ValueError(f"{key} is missing")
    return obj(record[key], key)


def records(record: dict[str, Any], key: str) -> list[Any]:
    """The list in field ``key``, which must be there; its items are checked by the caller."""
    value = record.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value


def text(record: dict[str, Any], key: str, default: str | None = None) -> str:
    """The text in field ``key``; ``default`` when it is missing or null, if there is one."""
    value = record.get(key)
    if value is None:
        if default is None:
            raise ValueError(f"{key} is missing")
        return default
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def integer(record: dict[str, Any], key: str, default: int | None = None) -> int:
    """The whole number in field ``key``; ``default`` when it is missing or null, if any."""
    value = record.get(key)
    if value is None:
        if default is None:
            raise ValueError(f"{key} is missing")
        return default
    # bool is an int in Python, and `true` is never a digit count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number")
    return value


def algorithm(record: dict[str, Any], key: str) -> str:
    """The hash named in field ``key`` (any case), SHA1 when missing."""
    value = text(record, key, "SHA1")
    name = value.upper() if value.isascii() else value
    if name not in ALGORITHMS:
        shown = value[:20]
        raise ValueError(f"{key} must be one of {', '.join(ALGORITHMS)}, not {shown!r}")
    return name


def secret(record: dict[str, Any], key: str = "secret") -> bytes:
    """A base32 secret field; its errors name the secret but never quote it."""
    return b32decode(text(record, key))


def hex_bytes(record: dict[str, Any], key: str) -> bytes:
    """The bytes of the hexadecimal text in field ``key``."""
    try:
        return bytes.fromhex(text(record, key))
    except ValueError:
        raise ValueError(f"{key} must be hexadecimal") from None


def base64_bytes(value: str, what: str) -> bytes:
    """The bytes of standard, padded base64 ``value``."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} must be base64") from None
