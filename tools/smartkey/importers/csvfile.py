"""Password managers' CSV exports: one row an item, the one-time password in one column.

Columns are found by name (any case), never by position, because the apps have added and
moved columns over the years. Rows whose one-time password column is empty are passwords
only and are passed over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from smartkey.account import Account
from smartkey.importers import fields
from smartkey.importers.errors import ImportFailed
from smartkey.importers.source import Source


def rows(source: Source, what: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of each row after the header, the row's keys in lower case."""
    text = source.text or ""
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, dict(zip(header, row, strict=False))
    except csv.Error as error:
        raise ImportFailed(f"{what} line {reader.line_num}: not valid CSV ({error})") from None


def load_column(
    source: Source, what: str, column: str, title: str, usernames: Sequence[str]
) -> list[Account]:
    """The account of every row with a value in ``column``; the row's ``title`` column and
    first non-empty ``usernames`` column name a bare secret, and the row in an error."""
    accounts = []
    for line, row in rows(source, what):
        value = row.get(column) or ""
        if not value.strip():
            continue
        name = next((row[key] for key in usernames if row.get(key)), "")
        with fields.context(f"{what} line {line} ({fields.label(row.get(title), name)})"):
            accounts.append(fields.totp_field(value, row.get(title) or "", name))
    return accounts
