"""andOTP backups: plain JSON (``otp_accounts.json``) and encrypted (``otp_accounts.json.aes``).

andOTP has written two encrypted formats, both AES-256-GCM over the plain JSON:

* new (andOTP today): a 4-byte big-endian PBKDF2 iteration count, a 12-byte salt, then
  the 12-byte IV, the ciphertext and the 16-byte tag; the key is PBKDF2-HMAC-SHA1 of the
  password over that salt, 256 bits;
* old: the IV, the ciphertext and the tag, keyed with the SHA-256 of the password.

The new format is recognised by its iteration count, which andOTP draws between 140,000 and
160,000; only such a file is ever asked a password for. The old one has nothing to recognise
it by, so it is tried only when a password was given and no format recognised the file.
Entries without an ``issuer`` field (old andOTP) keep ``Issuer - name`` in their label, which
is split as Aegis does. A plain backup is a JSON list of entries with ``secret`` and ``type``;
other JSON lists (Duo's, say) are not taken for one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from smartkey.account import Account
from smartkey.importers import crypto, fields
from smartkey.importers.errors import wrong_password
from smartkey.importers.source import Source
from smartkey.uri import strip_issuer

WHAT = "andOTP backup"
_COUNT_SIZE = 4
_SALT_SIZE = 12
_TYPES = {"TOTP": "totp", "HOTP": "hotp", "STEAM": "steam"}
_OLD_SEPARATOR = " - "
_SMALLEST = crypto.NONCE_SIZE + crypto.TAG_SIZE
_ITERATIONS = range(140_000, 160_001)  # andOTP's PBKDF2_MIN/MAX_BACKUP_ITERATIONS
_PLAIN_KEYS = frozenset({"secret", "type"})


def is_plain(source: Source) -> bool:
    """A JSON list of objects, at least one with andOTP's ``secret`` and ``type`` (or none:
    an empty backup)."""
    document = source.document
    return (
        isinstance(document, list)
        and all(isinstance(entry, dict) for entry in document)
        and (not document or any(entry.keys() >= _PLAIN_KEYS for entry in document))
    )


def is_encrypted(source: Source) -> bool:
    """Binary data that starts with an iteration count andOTP would have chosen."""
    data = source.data
    header = _COUNT_SIZE + _SALT_SIZE
    count = int.from_bytes(data[:_COUNT_SIZE], "big")
    return len(data) > header + _SMALLEST and count in _ITERATIONS


def load_plain(entries: list[Any]) -> list[Account]:
    """The accounts of a plain andOTP backup (a JSON list)."""
    return [_account(i, len(entries), record) for i, record in enumerate(entries)]


def load_encrypted(data: bytes, password: str) -> list[Account]:
    """Decrypt ``data`` in andOTP's current format (a recognised file)."""
    plain = _open_new(data, password)
    if plain is None:
        raise wrong_password(WHAT)
    return _decrypted(plain)


def load_old(data: bytes, password: str) -> list[Account] | None:
    """The accounts if ``password`` opens ``data`` as andOTP's first format, else None."""
    if len(data) <= _SMALLEST:
        return None
    plain = crypto.open_gcm(
        hashlib.sha256(password.encode("utf-8")).digest(),
        data[: crypto.NONCE_SIZE],
        data[crypto.NONCE_SIZE :],
    )
    return None if plain is None else _decrypted(plain)


def _decrypted(plain: bytes) -> list[Account]:
    with fields.context(f"the decrypted {WHAT}"):
        try:
            text = plain.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("is not UTF-8 text") from None
        entries = fields.parse_json(text, f"the decrypted {WHAT}")
        if not isinstance(entries, list):
            raise ValueError("must be a list of entries")
    return load_plain(entries)


def _open_new(data: bytes, password: str) -> bytes | None:
    header = _COUNT_SIZE + _SALT_SIZE
    if len(data) <= header + _SMALLEST:
        return None
    iterations = int.from_bytes(data[:_COUNT_SIZE], "big")
    if not 1 <= iterations <= crypto.MAX_PBKDF2_ITERATIONS:
        return None
    key = crypto.pbkdf2("sha1", password, data[_COUNT_SIZE:header], iterations)
    nonce_end = header + crypto.NONCE_SIZE
    return crypto.open_gcm(key, data[header:nonce_end], data[nonce_end:])


def _account(index: int, count: int, record: Any) -> Account:
    names = record if isinstance(record, dict) else {}
    with fields.context(fields.entry(index, count, names.get("issuer"), names.get("label"), WHAT)):
        record = fields.obj(record, "the entry")
        kind = fields.kind(record, "type", _TYPES)
        label = fields.text(record, "label", "")
        if "issuer" in record:
            issuer = fields.text(record, "issuer", "")
            name = strip_issuer(label, issuer)
        else:
            issuer, separator, name = label.partition(_OLD_SEPARATOR)
            if separator:
                # Those versions also repeated "Issuer:" in the name (Aegis keeps it; it is
                # the label's prefix, not part of the name).
                name = strip_issuer(name, issuer)
            else:
                issuer, name = "", label
        return Account(
            secret=fields.secret(record), name=name, issuer=issuer, **fields.codes(record, kind)
        )
