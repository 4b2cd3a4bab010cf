"""Authenticator Pro and Stratum backups (Stratum is Authenticator Pro renamed), plain
(``.authpro`` / ``.stratum`` JSON) or encrypted, following the apps' ``Backup`` classes:

* encrypted: ``AUTHENTICATORPRO``, a 16-byte salt, a 12-byte IV, then AES-256-GCM of the
  JSON (ciphertext and tag); the key is Argon2id of the password (3 passes, 64 MiB, 4 lanes);
* encrypted by older versions: ``AuthenticatorPro``, a 20-byte salt, a 16-byte IV, then
  AES-256-CBC with PKCS#7 padding; the key is PBKDF2-HMAC-SHA1 (64,000 iterations).

An authenticator's ``Type`` is 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam or 5 Yandex; the token computes
the first, second and fourth. ``Algorithm`` is 0 SHA1, 1 SHA256, 2 SHA512; ``Issuer`` and
``Username`` are the issuer and name.
"""

from __future__ import annotations

from typing import Any

from smartkey.account import ALGORITHMS, Account
from smartkey.importers import crypto, fields
from smartkey.importers.errors import ImportFailed, wrong_password
from smartkey.importers.source import Source

WHAT = "Authenticator Pro / Stratum backup"
_HEADER = b"AUTHENTICATORPRO"
_HEADER_LEGACY = b"AuthenticatorPro"
_SALT, _IV = 16, 12
_SALT_LEGACY, _IV_LEGACY = 20, 16
_ITERATIONS_LEGACY = 64_000
_TYPES = {1: "hotp", 2: "totp", 4: "steam"}
_OTHER_TYPES = {3: "mOTP", 5: "Yandex"}


def is_plain(source: Source) -> bool:
    return source.json_object("Authenticators") is not None


def is_encrypted(source: Source) -> bool:
    return source.starts(_HEADER, _HEADER_LEGACY)


def load_plain(source: Source, password: str | None) -> list[Account]:
    return _load(source.document)


def load_encrypted(source: Source, password: str | None) -> list[Account]:
    if password is None:  # the registry asks first; this is for direct callers
        raise ImportFailed(f"this {WHAT} is encrypted: a password is needed")
    data = source.data
    if data.startswith(_HEADER):
        plain = _open_argon2(data[len(_HEADER) :], password)
    else:
        plain = _open_legacy(data[len(_HEADER_LEGACY) :], password)
    if plain is None:
        raise wrong_password(WHAT)
    try:
        document = fields.parse_json(plain.decode("utf-8"), f"the decrypted {WHAT}")
    except (UnicodeDecodeError, ImportFailed):
        # Only the CBC format gets here with a wrong key: its padding matched by chance.
        raise wrong_password(WHAT) from None
    return _load(document)


def _open_argon2(data: bytes, password: str) -> bytes | None:
    if len(data) < _SALT + _IV + crypto.TAG_SIZE:
        raise ImportFailed(f"this {WHAT} is too short: it is damaged")
    key = crypto.argon2id(password, data[:_SALT], iterations=3, lanes=4, memory_kib=65536)
    return crypto.open_gcm(key, data[_SALT : _SALT + _IV], data[_SALT + _IV :])


def _open_legacy(data: bytes, password: str) -> bytes | None:
    body = data[_SALT_LEGACY + _IV_LEGACY :]
    if not body or len(body) % 16:
        raise ImportFailed(f"this {WHAT} is damaged: its length is not whole AES blocks")
    key = crypto.pbkdf2("sha1", password, data[:_SALT_LEGACY], _ITERATIONS_LEGACY)
    return crypto.open_cbc(key, data[_SALT_LEGACY : _SALT_LEGACY + _IV_LEGACY], body)


def _load(document: Any) -> list[Account]:
    with fields.context(WHAT):
        entries = fields.records(fields.obj(document, "the backup"), "Authenticators")
    return [_account(i, len(entries), entry) for i, entry in enumerate(entries)]


def _account(index: int, count: int, record: Any) -> Account:
    names = record if isinstance(record, dict) else {}
    with fields.context(
        fields.entry(index, count, names.get("Issuer"), names.get("Username"), WHAT)
    ):
        record = fields.obj(record, "the authenticator")
        number = fields.integer(record, "Type")
        kind = _TYPES.get(number)
        if kind is None:
            shown = _OTHER_TYPES.get(number, str(number))
            raise ValueError(f"Type {shown} is not supported (1 HOTP, 2 TOTP, 4 Steam are)")
        algorithm = fields.integer(record, "Algorithm", 0)
        if not 0 <= algorithm < len(ALGORITHMS):
            raise ValueError(f"Algorithm {algorithm} is not supported (0 SHA1 to 2 SHA512)")
        hotp = kind == "hotp"
        return Account(
            secret=fields.secret(record, "Secret"),
            name=fields.text(record, "Username", ""),
            issuer=fields.text(record, "Issuer", ""),
            type=kind,
            algorithm=ALGORITHMS[algorithm],
            digits=fields.integer(record, "Digits", 6),
            period=30 if hotp else fields.integer(record, "Period", 30),
            counter=fields.integer(record, "Counter", 0) if hotp else 0,
        )
