"""Aegis Authenticator vault exports (``aegis-export-*.json``), plain or encrypted.

An encrypted vault follows Aegis's documented vault format (docs/vault.md in its repository):
``db`` is the base64 of the entries' JSON sealed with AES-256-GCM under a random master key
(nonce and tag in ``header.params``); each key slot in ``header.slots`` seals that master key
again. A password slot (type 1) derives its key with scrypt from the password and the slot's
``salt``, ``n``, ``r`` and ``p``, and opens the slot's ``key`` with its ``key_params``. Biometric
and raw slots only open on the phone that made them.

Entries of type totp, hotp and steam are read; Aegis's other types (Yandex, mOTP) cannot be
computed by the token, so a vault that holds one is refused, naming it.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from smartkey.account import TYPES, Account
from smartkey.importers import crypto, fields
from smartkey.importers.errors import ImportFailed, password_needed, wrong_password

WHAT = "Aegis vault"
_PASSWORD_SLOT = 1


def is_vault(document: object) -> TypeGuard[dict[str, Any]]:
    """Whether a JSON document is shaped like an Aegis export."""
    return isinstance(document, dict) and "header" in document and "db" in document


def load(document: dict[str, Any], password: str | None) -> list[Account]:
    """The accounts of an Aegis export, opened with ``password`` if it is encrypted."""
    with fields.context(WHAT):
        db = document["db"]
        if isinstance(db, str):
            db = _decrypt(fields.mapping(document, "header"), db, password)
        entries = fields.records(fields.obj(db, "db"), "entries")
    return [_account(i, len(entries), record) for i, record in enumerate(entries)]


def _decrypt(header: dict[str, Any], db: str, password: str | None) -> Any:
    if password is None:
        raise password_needed(WHAT)
    slots = [
        slot
        for slot in fields.records(header, "slots")
        if isinstance(slot, dict) and slot.get("type") == _PASSWORD_SLOT
    ]
    if not slots:
        raise ImportFailed(f"this {WHAT} has no password slot: unlock it on the phone instead")
    master_key = None
    for slot in slots:
        key = crypto.scrypt(
            password,
            fields.hex_bytes(slot, "salt"),
            fields.integer(slot, "n"),
            fields.integer(slot, "r"),
            fields.integer(slot, "p"),
        )
        key_params = fields.mapping(slot, "key_params")
        sealed = fields.hex_bytes(slot, "key") + fields.hex_bytes(key_params, "tag")
        master_key = crypto.open_gcm(key, fields.hex_bytes(key_params, "nonce"), sealed)
        if master_key is not None:
            break
    if master_key is None:
        raise wrong_password(WHAT)
    params = fields.mapping(header, "params")
    sealed = fields.base64_bytes(db, "db") + fields.hex_bytes(params, "tag")
    content = crypto.open_gcm(master_key, fields.hex_bytes(params, "nonce"), sealed)
    if content is None:
        raise ImportFailed(f"this {WHAT} is damaged: its entries do not match its key")
    return fields.parse_json(content.decode("utf-8"), f"the decrypted {WHAT}")


def _account(index: int, count: int, record: Any) -> Account:
    names = record if isinstance(record, dict) else {}
    with fields.context(fields.entry(index, count, names.get("issuer"), names.get("name"), WHAT)):
        record = fields.obj(record, "the entry")
        kind = fields.text(record, "type")
        if kind not in TYPES:
            raise ValueError(f"type {kind[:20]!r} is not supported (only {', '.join(TYPES)})")
        info = fields.mapping(record, "info")
        return Account(
            secret=fields.secret(info),
            name=fields.text(record, "name", ""),
            issuer=fields.text(record, "issuer", ""),
            **fields.codes(info, kind, "algo"),
        )
