"""The errors of backups: one base type, so the CLI prints any of them as one line."""

from __future__ import annotations

DAMAGED = "wrong passphrase or damaged backup"


class BackupError(ValueError):
    """A backup could not be written or read; the message says why and never holds a secret."""


class BackupDamaged(BackupError):
    """The passphrase is wrong or the file was changed: the two cannot be told apart."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(DAMAGED + detail)


class PassphraseNeeded(BackupError):
    """An encrypted backup was given no passphrase."""

    def __init__(self) -> None:
        super().__init__("this is an encrypted smartkey backup: a passphrase is needed")
