"""Backups made on the computer, from the same sources that provision the token.

The token never reveals a secret over USB, so it cannot be backed up; instead the accounts are
backed up here, when they are added, in two forms:

* a paper sheet (:mod:`~smartkey.backup.paper`): a PDF to print, with each account's QR code
  and secret, which any authenticator app or ``smartkey restore`` reads back;
* an encrypted file (:mod:`~smartkey.backup.sealed`): the accounts sealed with a passphrase.

:mod:`~smartkey.backup.restore` reads either (and photos of the sheet) to provision a token
again, or a second one as a spare. Every error is a :class:`BackupError` (a ``ValueError``).
"""

from __future__ import annotations

from smartkey.backup.errors import BackupDamaged, BackupError, BackupTooCostly, PassphraseNeeded
from smartkey.backup.paper import sheet
from smartkey.backup.restore import dedupe, load, load_files
from smartkey.backup.sealed import DEFAULT_COST, Backup, Cost, seal, unseal

__all__ = [
    "DEFAULT_COST",
    "Backup",
    "BackupDamaged",
    "BackupError",
    "BackupTooCostly",
    "Cost",
    "PassphraseNeeded",
    "dedupe",
    "load",
    "load_files",
    "seal",
    "sheet",
    "unseal",
]
