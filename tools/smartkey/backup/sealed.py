"""Encrypted backup files: accounts sealed with a passphrase (Argon2id, then AES-256-GCM).

A file of format version 1 is three parts, in this order::

    smartkey-backup\\n            the magic line: says what the file is, to a person or to `file`
    {"version":1,...}\\n         the header: one line of JSON, everything needed to open the file
    ciphertext + 16-byte tag     AES-256-GCM, to the end of the file

The header::

    {"version": 1,
     "kdf": {"name": "argon2id", "memory_kib": 65536, "iterations": 3, "lanes": 4,
             "salt": "<16 bytes, base64>"},
     "cipher": {"name": "aes-256-gcm", "nonce": "<12 bytes, base64>"}}

The key is Argon2id of the passphrase (NFC-normalised, so the same passphrase typed on another
system opens it; UTF-8) with the header's salt and costs. The magic line and the header, byte
for byte, are the associated data: a change anywhere in the file fails the tag exactly as a
wrong passphrase does, so every failure is the one :class:`BackupDamaged` error and never
garbage. The plaintext is JSON, padded with spaces to a multiple of 512 bytes so that the size
says little about how many accounts there are::

    {"format": "smartkey-backup", "version": 1, "created": "2025-01-31T12:00:00Z",
     "accounts": ["otpauth://totp/…", …]}

Accounts are canonical otpauth URIs (:func:`smartkey.uri.build`), which any authenticator reads.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from smartkey import uri
from smartkey.account import Account
from smartkey.backup.errors import BackupDamaged, BackupError, BackupTooCostly, PassphraseNeeded

MAGIC = b"smartkey-backup\n"
VERSION = 1
FORMAT = "smartkey-backup"
KDF = "argon2id"
CIPHER = "aes-256-gcm"
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
PAD_TO = 512
# A damaged or hostile header must not make opening the file cost gigabytes or minutes before
# the passphrase is even checked: costs beyond twice what `smartkey backup` writes (64 MiB, 3
# passes, 4 lanes; see Cost) are refused at once. The margin leaves room to raise the default
# once without making older tools refuse the newer files.
MAX_MEMORY_KIB = 2 * 65536
MAX_ITERATIONS = 6
MAX_LANES = 8
MAX_WORK = 2 * 65536 * 3  # memory (KiB) × passes: what sets the time, twice the default's
_MAX_HEADER = 4096
# A flipped byte or two in the magic line still marks a damaged backup rather than an unknown
# format; no other format the tool reads starts within two bytes of it.
_MAGIC_SLACK = 2


@dataclass(frozen=True)
class Cost:
    """Argon2id's costs. The default follows RFC 9106's second recommendation (64 MiB, 3 passes,
    4 lanes); tests pass a cheaper one, never by changing the default."""

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4


DEFAULT_COST = Cost()


@dataclass(frozen=True)
class Backup:
    """What an encrypted backup holds."""

    accounts: list[Account]
    created: datetime


def looks_sealed(data: bytes) -> bool:
    """Whether ``data`` is an encrypted backup, damaged or not: it starts with the magic line
    (give or take a damaged byte or two), or is a piece of it, as a truncated file would be."""
    head = bytes(data[: len(MAGIC)])
    if not head:
        return False
    different = sum(a != b for a, b in zip(head, MAGIC, strict=False))
    return different <= (_MAGIC_SLACK if len(head) == len(MAGIC) else 0)


def seal(
    accounts: Iterable[Account],
    passphrase: str,
    *,
    created: datetime | None = None,
    cost: Cost = DEFAULT_COST,
) -> bytes:
    """The encrypted backup file of ``accounts``, opened again with ``passphrase``."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise BackupError("the backup passphrase must not be empty")
    if not _sane(cost):
        raise BackupError(f"Argon2 cost out of range: {cost}")
    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    header = {
        "version": VERSION,
        "kdf": {
            "name": KDF,
            "memory_kib": cost.memory_kib,
            "iterations": cost.iterations,
            "lanes": cost.lanes,
            "salt": _b64(salt),
        },
        "cipher": {"name": CIPHER, "nonce": _b64(nonce)},
    }
    prefix = MAGIC + _compact(header) + b"\n"
    content = _compact(
        {
            "format": FORMAT,
            "version": VERSION,
            "created": when.isoformat().replace("+00:00", "Z"),
            "accounts": [uri.build(account) for account in accounts],
        }
    )
    content += b" " * (-len(content) % PAD_TO)
    key = _derive(passphrase, salt, cost)
    return prefix + AESGCM(key).encrypt(nonce, content, prefix)


def unseal(data: bytes, passphrase: str | None) -> Backup:
    """The accounts of an encrypted backup. :class:`PassphraseNeeded` without a passphrase;
    :class:`BackupDamaged` for a wrong one or for any change to the file."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce, cost, body_start = read_header(data)
    if passphrase is None:
        raise PassphraseNeeded()
    key = _derive(passphrase, salt, cost)
    try:
        content = AESGCM(key).decrypt(nonce, bytes(data[body_start:]), bytes(data[:body_start]))
    except InvalidTag:
        raise BackupDamaged() from None
    return _content(content)


def read_header(data: bytes) -> tuple[bytes, bytes, Cost, int]:
    """(salt, nonce, cost, where the ciphertext starts) of a backup file, checked before any
    passphrase is asked for; :class:`BackupDamaged` if the header is not one this reads."""
    data = bytes(data)
    if not data.startswith(MAGIC):
        raise BackupDamaged()
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER)
    if end < 0:
        raise BackupDamaged()
    try:
        header = json.loads(data[len(MAGIC) : end])
        version = header["version"]
        if _is_int(version) and version > VERSION:
            # Perhaps a newer smartkey wrote it, perhaps a damaged digit: both are possible.
            raise BackupDamaged(
                f" (it says format version {version}; this smartkey reads version {VERSION})"
            )
        kdf, cipher = header["kdf"], header["cipher"]
        if version != VERSION or kdf["name"] != KDF or cipher["name"] != CIPHER:
            raise BackupDamaged()
        cost = Cost(kdf["memory_kib"], kdf["iterations"], kdf["lanes"])
        salt = _unb64(kdf["salt"])
        nonce = _unb64(cipher["nonce"])
    except BackupDamaged:
        raise
    except (ValueError, KeyError, TypeError):
        raise BackupDamaged() from None
    if not _sane(cost) or len(salt) < SALT_BYTES or len(nonce) != NONCE_BYTES:
        if _within_range(cost) and not _sane(cost):
            raise BackupTooCostly(cost)
        raise BackupDamaged()
    return salt, nonce, cost, end + 1


def _content(content: bytes) -> Backup:
    """The accounts of a decrypted, authenticated plaintext. It can only be wrong if a program
    other than smartkey wrote it with the right key, so the error says that, not "damaged"."""
    try:
        document = json.loads(content)
        if document["format"] != FORMAT or document["version"] != VERSION:
            raise ValueError("format or version")
        created = datetime.fromisoformat(document["created"])
        items = document["accounts"]
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError("accounts")
    except (ValueError, KeyError, TypeError):
        raise BackupError("the backup opened but its content is not a smartkey backup") from None
    accounts = []
    for number, text in enumerate(items, 1):
        try:
            accounts.append(uri.parse(text))
        except ValueError as error:
            raise BackupError(f"the backup's account {number}: {error}") from None
    return Backup(accounts, created)


def _derive(passphrase: str, salt: bytes, cost: Cost) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def _sane(cost: Cost) -> bool:
    return (
        _within_range(cost)
        and cost.lanes <= MAX_LANES
        and cost.iterations <= MAX_ITERATIONS
        and cost.memory_kib <= MAX_MEMORY_KIB
        and cost.memory_kib * cost.iterations <= MAX_WORK
    )


def _within_range(cost: Cost) -> bool:
    """Costs Argon2id itself accepts, however large."""
    values = (cost.memory_kib, cost.iterations, cost.lanes)
    return (
        all(_is_int(value) for value in values)
        and cost.lanes >= 1
        and cost.iterations >= 1
        and cost.memory_kib >= 8 * cost.lanes
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not text")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
