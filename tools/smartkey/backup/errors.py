"""The errors of backups: one base type, so the CLI prints any of them as one line."""

from __future__ import annotations

DAMAGED = "wrong passphrase or damaged backup"


class BackupError(ValueError):
    """A backup could not be written or read; the message says why and never holds a secret."""


class BackupDamaged(BackupError):
    """The passphrase is wrong or the file was changed: the two cannot be told apart."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(DAMAGED + detail)


class BackupTooCostly(BackupError):
    """A header asks Argon2id for more work than smartkey ever writes: refused before any."""

    def __init__(self, cost: object) -> None:
        memory = getattr(cost, "memory_kib", 0) // 1024
        passes = getattr(cost, "iterations", 0)
        lanes = getattr(cost, "lanes", 0)
        super().__init__(
            f"the backup asks Argon2id for {memory} MiB x {passes} passes x {lanes} lanes, "
            "more than smartkey writes (64 MiB x 3 x 4) with a margin: refused unopened, "
            "the file is damaged or was not made by smartkey"
        )


class PassphraseNeeded(BackupError):
    """An encrypted backup was given no passphrase."""

    def __init__(self) -> None:
        super().__init__("this is an encrypted smartkey backup: a passphrase is needed")
