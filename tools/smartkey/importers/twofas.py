"""2FAS Authenticator backups (``.2fas``), plain or encrypted, schema versions 1 to 4.

An encrypted backup keeps its services in ``servicesEncrypted`` as ``data:salt:iv``, each part
base64: the key is PBKDF2-HMAC-SHA256 of the password (10,000 iterations, 256 bits) with that
salt, and ``data`` is the AES-GCM ciphertext of the services' JSON followed by its tag, as 2FAS
writes it and Aegis reads it.

A service's issuer is its ``name`` (what 2FAS shows), else ``otp.issuer``. Before schema 4 there
was no ``otp.tokenType`` and 2FAS computed every service as TOTP, so that is what they become.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from smartkey.account import Account
from smartkey.importers import crypto, fields
from smartkey.importers.errors import password_needed, wrong_password
from smartkey.uri import split_label

WHAT = "2FAS backup"
_ITERATIONS = 10_000
_SCHEMAS = range(1, 5)
_TOKEN_TYPES = {"TOTP": "totp", "HOTP": "hotp", "STEAM": "steam"}


def is_backup(document: object) -> TypeGuard[dict[str, Any]]:
    """Whether a JSON document is shaped like a 2FAS backup."""
    return (
        isinstance(document, dict)
        and "schemaVersion" in document
        and ("services" in document or "servicesEncrypted" in document)
    )


def load(document: dict[str, Any], password: str | None) -> list[Account]:
    """The accounts of a 2FAS backup, opened with ``password`` if it is encrypted."""
    with fields.context(WHAT):
        version = fields.integer(document, "schemaVersion")
        if version not in _SCHEMAS:
            raise ValueError(f"schema version {version} is not supported (1 to 4 are)")
        sealed = document.get("servicesEncrypted")
        if sealed is None:
            services = fields.records(document, "services")
        else:
            services = _decrypt(sealed, password)
    return [_account(i, len(services), service) for i, service in enumerate(services)]


def _decrypt(sealed: object, password: str | None) -> list[Any]:
    if not isinstance(sealed, str) or sealed.count(":") < 2:
        raise ValueError("servicesEncrypted must be text of the form data:salt:iv")
    if password is None:
        raise password_needed(WHAT)
    data, salt, iv = (
        fields.base64_bytes(part, "servicesEncrypted") for part in sealed.split(":")[:3]
    )
    key = crypto.pbkdf2("sha256", password, salt, _ITERATIONS)
    plain = crypto.open_gcm(key, iv, data)
    if plain is None:
        raise wrong_password(WHAT)
    services = fields.parse_json(plain.decode("utf-8"), f"the decrypted {WHAT}")
    if not isinstance(services, list):
        raise ValueError("the decrypted services must be a list")
    return services


def _account(index: int, count: int, record: Any) -> Account:
    service = record if isinstance(record, dict) else {}
    otp = service.get("otp")
    if not isinstance(otp, dict):
        otp = {}
    issuer = service.get("name") or otp.get("issuer")
    with fields.context(fields.entry(index, count, issuer, otp.get("account"), WHAT)):
        service = fields.obj(record, "the service")
        otp = fields.mapping(service, "otp") if "otp" in service else {}
        issuer = fields.text(service, "name", "") or fields.text(otp, "issuer", "")
        name = fields.text(otp, "account", "")
        if not name:
            name = split_label(fields.text(otp, "label", ""), issuer)[1]
        kind = fields.kind(otp, "tokenType", _TOKEN_TYPES, "TOTP")
        return Account(
            secret=fields.secret(service),
            name=name,
            issuer=issuer,
            **fields.codes(otp, kind, counter=0),
        )
