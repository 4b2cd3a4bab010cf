"""FreeOTP+ JSON exports (``freeotp-backup.json``): ``{"tokens": [...], "tokenOrder": [...]}``,
and the original FreeOTP's backup (``tokens.xml``, Android shared preferences): one
``<string>`` per token holding the same token JSON, keyed ``issuer:label``, beside
``tokenOrder``. FreeOTP 2's encrypted backup is read by :mod:`smartkey.importers.freeotp2`.

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
from xml.etree import ElementTree

from smartkey.account import Account
from smartkey.importers import fields
from smartkey.importers.errors import ImportFailed
from smartkey.importers.source import Source

WHAT = "FreeOTP+ export"
XML_WHAT = "FreeOTP backup"
_ORDER = "tokenOrder"
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


def is_xml(source: Source) -> bool:
    """Android shared preferences that name a ``tokenOrder``, as FreeOTP's do."""
    text = source.text
    return (
        text is not None
        and text.lstrip().startswith("<")
        and "<map" in text
        and f'name="{_ORDER}"' in text
    )


def load_xml(source: Source, password: str | None) -> list[Account]:
    """The accounts of FreeOTP's ``tokens.xml``, in its ``tokenOrder``."""
    strings = _strings(source.text or "")
    with fields.context(XML_WHAT):
        order = fields.parse_json(strings.get(_ORDER, "[]"), _ORDER)
        if not isinstance(order, list) or not all(isinstance(key, str) for key in order):
            raise ValueError(f"{_ORDER} must be a list of names")
    keys = [key for key in order if key in strings]
    keys += [key for key in strings if key != _ORDER and key not in keys]
    tokens: list[Any] = []
    for number, key in enumerate(keys):
        with fields.context(fields.entry(number, len(keys), None, key, XML_WHAT)):
            tokens.append(fields.parse_json(strings[key], "the token"))
    return [_account(i, len(tokens), token, XML_WHAT) for i, token in enumerate(tokens)]


def _strings(text: str) -> dict[str, str]:
    """name → text of each ``<string>`` in shared preferences."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # Shared preferences never declare entities; refusing them keeps expansion out.
        raise ImportFailed(f"this {XML_WHAT} declares XML entities, which FreeOTP never writes")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ImportFailed(f"this {XML_WHAT} is not valid XML: {error}") from None
    return {
        element.get("name", ""): element.text or ""
        for element in root.iter("string")
        if element.get("name")
    }


def account(
    index: int, count: int, record: Any, what: str = WHAT, stored_low: bool = True
) -> Account:
    """One FreeOTP token; ``stored_low`` when its HOTP counter is kept one below the URI's
    (FreeOTP and FreeOTP+ do; FreeOTP 2's backup does not)."""
    return _account(index, count, record, what, stored_low)


def _account(
    index: int, count: int, record: Any, what: str = WHAT, stored_low: bool = True
) -> Account:
    token = record if isinstance(record, dict) else {}
    issuer = token.get("issuerAlt") or token.get("issuerExt") or token.get("issuerInt")
    name = token.get("labelAlt") or token.get("label")
    with fields.context(fields.entry(index, count, issuer, name, what)):
        token = fields.obj(record, "the token")
        kind = fields.kind(token, "type", _TYPES)
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
            counter=fields.integer(token, "counter") + stored_low if hotp else 0,
        )


def _secret(token: dict[str, Any]) -> bytes:
    values = fields.records(token, "secret")
    if not all(type(value) is int and -128 <= value <= 255 for value in values):
        raise ValueError("secret must be a list of bytes")
    # Java writes bytes signed (-128 to 127); & 0xFF makes them the unsigned bytes they are.
    return bytes(value & 0xFF for value in values)
