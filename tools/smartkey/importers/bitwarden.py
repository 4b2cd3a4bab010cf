"""Bitwarden exports: ``.json`` (not encrypted) and ``.csv``.

A login's ``totp`` field (``login_totp`` in the CSV) holds what the user pasted: an
``otpauth://`` URI, ``steam://SECRET`` for a Steam Guard account, or a bare base32 secret,
read by :func:`smartkey.importers.fields.totp_field` with the item's name and username.
Items without one are passwords only and are passed over. An encrypted JSON export
(``"encrypted": true``) is sealed with the account's or a file password in Bitwarden's own
scheme and is refused with what to export instead.
"""

from __future__ import annotations

from typing import Any

from smartkey.account import Account
from smartkey.importers import csvfile, fields
from smartkey.importers.errors import ImportFailed
from smartkey.importers.source import Source

WHAT = "Bitwarden export"
_CSV_COLUMN = "login_totp"


def is_json(source: Source) -> bool:
    """A JSON object with Bitwarden's ``encrypted`` flag and its ``items`` (or sealed data)."""
    document = source.json_object("encrypted")
    return document is not None and ("items" in document or "data" in document)


def is_csv(source: Source) -> bool:
    return _CSV_COLUMN in source.csv_header


def load_json(source: Source, password: str | None) -> list[Account]:
    document = source.document
    if document.get("encrypted") is not False:
        raise ImportFailed(
            f"this {WHAT} is encrypted: in Bitwarden, export again as .json (not the "
            "encrypted kind), import that file and delete it"
        )
    with fields.context(WHAT):
        items = fields.records(document, "items")
    logins = []
    for index, record in enumerate(items):
        login = record.get("login") if isinstance(record, dict) else None
        if isinstance(login, dict) and login.get("totp"):
            logins.append((index, record))
    return [_item(index, len(items), record) for index, record in logins]


def load_csv(source: Source, password: str | None) -> list[Account]:
    return csvfile.load_column(source, WHAT, _CSV_COLUMN, "name", ("login_username",))


def _item(index: int, count: int, record: dict[str, Any]) -> Account:
    with fields.context(fields.entry(index, count, record.get("name"), None, WHAT)):
        login = fields.mapping(record, "login")
        return fields.totp_field(
            fields.text(login, "totp"),
            fields.text(record, "name", ""),
            fields.text(login, "username", ""),
        )
