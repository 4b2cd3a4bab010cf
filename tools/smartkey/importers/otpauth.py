"""Text with one URI a line: ``otpauth://`` accounts and Google Authenticator
``otpauth-migration://`` exports, as apps export them and as QR codes hold them.

Blank lines and lines starting with ``#`` are skipped; any other line must be one of the two
URI kinds. Accounts come back in the order of the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from smartkey import uri
from smartkey.account import Account
from smartkey.importers import migration
from smartkey.importers.errors import ImportFailed
from smartkey.importers.fields import context

_URI = "otpauth:"
_MIGRATION = f"{migration.SCHEME}:"


def looks_like(text: str) -> bool:
    """Whether the first line that is not blank or a comment is an otpauth URI."""
    first = next(lines(text), None)
    return first is not None and (_starts(first[1], _URI) or _starts(first[1], _MIGRATION))


def lines(text: str, where: str = "") -> Iterator[tuple[str, str]]:
    """(where, line) for each line that is not blank or a comment; ``where`` names its number."""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield f"{where}line {number}", line


def load(items: Iterable[tuple[str, str]]) -> list[Account]:
    """The accounts of (where, URI) pairs; all of them, or :class:`ImportFailed` for the first
    bad one, named by its ``where`` and label."""
    groups: list[list[Account]] = []
    batches = migration.Batches()
    for where, line in items:
        if _starts(line, _MIGRATION):
            with context(where):
                batch = migration.decode(line)
                if batches.add(batch):
                    groups.append(batch.accounts)
        elif _starts(line, _URI):
            with context(f"{where} ({uri.label_hint(line)})"):
                groups.append([uri.parse(line)])
        else:
            raise ImportFailed(f"{where}: not an otpauth:// or otpauth-migration:// URI")
    batches.check_complete()
    return [account for group in groups for account in group]


def _starts(line: str, prefix: str) -> bool:
    """Whether ``line`` starts with ``prefix``; URI schemes are case-insensitive."""
    return line[: len(prefix)].lower() == prefix
