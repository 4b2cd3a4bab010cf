"""FreeOTP+ JSON exports (``freeotp-backup.json``): ``{"tokens": [...], "tokenOrder": [...]}``.

The format is FreeOTP's saved token: the secret is a list of Java's signed bytes, the issuer is
the user's edit (``issuerAlt``) or the label's prefix (``issuerExt``) or the URI's parameter
(``issuerInt``), and the name ``labelAlt`` or ``label``. Two FreeOTP conventions are kept:

* a TOTP token whose ``issuerExt`` is ``Steam`` is a Steam Guard token, as FreeOTP computes it;
* FreeOTP stores an HOTP counter one below the URI's and adds the one back when it writes a URI
  (``counter + 1`` in its ``toUri``). The counter is read that way too: HOTP servers accept codes
  ahead of the counter they expect, never behind it.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from smartkey.account import Account
from smartkey.importers import fields

WHAT = "FreeOTP+ export"
_TYPES = {"TOTP": "totp", "HOTP": "hotp"}
_STEAM_ISSUER = "Steam"


def is_export(document: object) -> TypeGuard[dict[str, Any]]:
    """Whether a JSON document is shaped like a FreeOTP+ export."""
    return isinstance(document, dict) and "tokens" in document


def load(document: dict[str, Any]) -> list[Account]:
    """The accounts of a FreeOTP+ export."""
    with fields.context(WHAT):
        tokens = fields.records(document, "tokens")
    return [_account(i, len(tokens), token) for i, token in enumerate(tokens)]


def _account(index: int, count: int, record: Any) -> Account:
    token = record if isinstance(record, dict) else {}
    issuer = token.get("issuerAlt") or token.get("issuerExt") or token.get("issuerInt")
    name = token.get("labelAlt") or token.get("label")
    with fields.context(fields.entry(index, count, issuer, name, WHAT)):
        token = fields.obj(record, "the token")
        type_name = fields.text(token, "type")
        kind = _TYPES.get(type_name.upper() if type_name.isascii() else type_name)
        if kind is None:
            raise ValueError(f"type {type_name[:20]!r} is not supported (TOTP, HOTP)")
        label_prefix = fields.text(token, "issuerExt", "")
        if kind == "totp" and label_prefix == _STEAM_ISSUER:
            kind = "steam"
        hotp = kind == "hotp"
        return Account(
            secret=_secret(token),
            name=fields.text(token, "labelAlt", "") or fields.text(token, "label", ""),
            issuer=(
                fields.text(token, "issuerAlt", "")
                or label_prefix
                or fields.text(token, "issuerInt", "")
            ),
            type=kind,
            algorithm=fields.algorithm(token, "algo"),
            digits=fields.integer(token, "digits", 6),
            period=30 if hotp else fields.integer(token, "period", 30),
            counter=fields.integer(token, "counter") + 1 if hotp else 0,
        )


def _secret(token: dict[str, Any]) -> bytes:
    values = fields.records(token, "secret")
    if not all(type(value) is int and -128 <= value <= 255 for value in values):
        raise ValueError("secret must be a list of bytes")
    # Java writes bytes signed (-128 to 127); & 0xFF makes them the unsigned bytes they are.
    return bytes(value & 0xFF for value in values)
