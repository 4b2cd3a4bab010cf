"""Proton's exports: Proton Pass (the ``.zip`` of ``Proton Pass/data.json``, that JSON on its
own, or ``.csv``) and Proton Authenticator (``.json``).

A Proton Pass login keeps its one-time password in ``content.totpUri`` (``totp`` in the CSV):
an ``otpauth://`` URI, or a bare secret named by the item's title and username (or email).
Items in the trash (``state`` 2) are passed over, as are logins without one. An encrypted
Proton Pass export is an OpenPGP message and is refused with what to export instead.

A Proton Authenticator entry is ``content.uri``, an otpauth URI, and ``content.name``, the
account's name as the user sees it in the app, which wins over the URI's (as in Aegis).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from smartkey.account import Account
from smartkey.importers import csvfile, fields
from smartkey.importers.errors import ImportFailed
from smartkey.importers.source import Source

PASS = "Proton Pass export"
AUTHENTICATOR = "Proton Authenticator export"
_DATA = "Proton Pass/data.json"
_MAX_DATA = 64 << 20  # a zip's data.json is read whole; bounded against a zip bomb
_TRASHED = 2
_CSV_COLUMNS = frozenset({"type", "name", "totp", "vault"})
_PGP = "-----BEGIN PGP MESSAGE-----"
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    EOFError,
)


def is_pass(source: Source) -> bool:
    return _DATA in source.zip_names or source.json_object("vaults", "version") is not None


def is_pass_csv(source: Source) -> bool:
    return source.csv_header >= _CSV_COLUMNS


def is_encrypted_pass(source: Source) -> bool:
    """An OpenPGP message: what Proton Pass writes when the export is encrypted."""
    return source.text is not None and source.text.lstrip().startswith(_PGP)


def is_authenticator(source: Source) -> bool:
    document = source.json_object("version", "entries")
    return document is not None and "vaults" not in document


def refuse_encrypted(source: Source, password: str | None) -> list[Account]:
    raise ImportFailed(
        f"this is an encrypted {PASS} (OpenPGP): in Proton Pass, export again without "
        "encryption, import that file and delete it"
    )


def load_pass(source: Source, password: str | None) -> list[Account]:
    document = source.document if source.is_json else _zip_document(source.data)
    with fields.context(PASS):
        vaults = fields.mapping(fields.obj(document, "data.json"), "vaults")
        items: list[tuple[str, Any]] = []
        for vault in vaults.values():
            vault = fields.obj(vault, "a vault")
            vault_items = fields.records(vault, "items")
            items += [(fields.text(vault, "name", ""), item) for item in vault_items]
    found = [(vault, item) for vault, item in items if _has_otp(item)]
    return [_pass_item(i, len(found), vault, item) for i, (vault, item) in enumerate(found)]


def load_pass_csv(source: Source, password: str | None) -> list[Account]:
    return csvfile.load_column(source, PASS, "totp", "name", ("username", "email"))


def load_authenticator(source: Source, password: str | None) -> list[Account]:
    with fields.context(AUTHENTICATOR):
        entries = fields.records(source.document, "entries")
    return [_authenticator_entry(i, len(entries), entry) for i, entry in enumerate(entries)]


def _zip_document(data: bytes) -> Any:
    with fields.context(PASS):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(_DATA) as member:
                # Read to a bound, whatever the directory claims: a zip bomb stops here.
                raw = member.read(_MAX_DATA + 1)
        except zipfile.LargeZipFile:
            raise ValueError(f"{_DATA} is too large") from None
        except _ZIP_ERRORS:
            # zipfile and zlib raise many kinds of error on a damaged archive; all mean this.
            raise ValueError(f"{_DATA} could not be read: the zip is damaged") from None
        if len(raw) > _MAX_DATA:
            raise ValueError(f"{_DATA} is too large")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(f"{_DATA} is not UTF-8 text") from None
    return fields.parse_json(text, f"{PASS} {_DATA}")


def _has_otp(item: Any) -> bool:
    if not isinstance(item, dict) or item.get("state") == _TRASHED:
        return False
    data = item.get("data")
    content = data.get("content") if isinstance(data, dict) else None
    return isinstance(content, dict) and bool(content.get("totpUri"))


def _pass_item(index: int, count: int, vault: str, item: dict[str, Any]) -> Account:
    data = item["data"]
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    title = metadata.get("name")
    with fields.context(fields.entry(index, count, title, None, PASS)):
        content = fields.mapping(data, "content")
        username = fields.text(content, "itemUsername", "") or fields.text(content, "itemEmail", "")
        if not username:
            username = fields.text(content, "username", "")  # before Proton Pass 1.18
        return fields.totp_field(
            fields.text(content, "totpUri"), title if isinstance(title, str) else "", username
        )


def _authenticator_entry(index: int, count: int, record: Any) -> Account:
    entry = record if isinstance(record, dict) else {}
    content = entry.get("content")
    if not isinstance(content, dict):
        content = {}
    with fields.context(fields.entry(index, count, None, content.get("name"), AUTHENTICATOR)):
        content = fields.mapping(fields.obj(record, "the entry"), "content")
        account = fields.totp_field(fields.text(content, "uri"))
        account.name = fields.text(content, "name", account.name)
        return account
