"""Reading export records field by field, so that an error names the entry and the field.

Exports are untrusted JSON: every value is checked for its type here, and each problem is a
``ValueError`` naming the field, which :func:`context` turns into one :class:`ImportFailed`
that also says where in the export it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from smartkey import uri
from smartkey.account import ALGORITHMS, Account
from smartkey.base32 import b32decode
from smartkey.importers.errors import ImportFailed

_NAME_SHOWN = 60


@contextmanager
def context(where: str) -> Iterator[None]:
    """Raise any ``ValueError`` inside as one :class:`ImportFailed` that starts with ``where``."""
    try:
        yield
    except ImportFailed:
        raise
    except ValueError as error:
        # `from None`: the chained error may hold decoded data, and the message says it all.
        raise ImportFailed(f"{where}: {error}") from None


def entry(index: int, count: int, issuer: object, name: object, what: str = "") -> str:
    """How an error names entry ``index`` (from 0) of ``count`` of a ``what``: its position,
    then ``issuer: name`` as far as they are text."""
    prefix = f"{what} " if what else ""
    return f"{prefix}entry {index + 1} of {count} ({label(issuer, name)})"


def label(issuer: object, name: object) -> str:
    """``issuer: name`` of an entry, as far as they are text, to name it in an error."""
    parts = [part for part in (issuer, name) if isinstance(part, str) and part]
    shown = ": ".join(parts) or "unnamed"
    if len(shown) > _NAME_SHOWN:
        shown = shown[:_NAME_SHOWN] + "…"
    return shown


def parse_json(text: str, what: str) -> Any:
    """The JSON value of ``text``; :class:`ImportFailed` saying what was not JSON."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFailed(f"{what} is JSON nested too deeply") from None
    except ValueError as error:
        raise ImportFailed(f"{what} is not valid JSON: {error}") from None


def obj(value: object, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object")
    return value


def mapping(record: dict[str, Any], key: str) -> dict[str, Any]:
    """The object in field ``key``, which must be there."""
    if key not in record:
        raise ValueError(f"{key} is missing")
    return obj(record[key], key)


def records(record: dict[str, Any], key: str) -> list[Any]:
    """The list in field ``key``, which must be there; its items are checked by the caller."""
    value = record.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value


def text(record: dict[str, Any], key: str, default: str | None = None) -> str:
    """The text in field ``key``; ``default`` when it is missing or null, if there is one."""
    value = record.get(key)
    if value is None:
        if default is None:
            raise ValueError(f"{key} is missing")
        return default
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def integer(record: dict[str, Any], key: str, default: int | None = None) -> int:
    """The whole number in field ``key``; ``default`` when it is missing or null, if any."""
    value = record.get(key)
    if value is None:
        if default is None:
            raise ValueError(f"{key} is missing")
        return default
    # bool is an int in Python, and `true` is never a digit count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be a whole number")
    return value


def algorithm(record: dict[str, Any], key: str) -> str:
    """The hash named in field ``key`` (any case), SHA1 when missing."""
    value = text(record, key, "SHA1")
    name = value.upper() if value.isascii() else value
    if name not in ALGORITHMS:
        shown = value[:20]
        raise ValueError(f"{key} must be one of {', '.join(ALGORITHMS)}, not {shown!r}")
    return name


def kind(
    record: dict[str, Any], key: str, kinds: dict[str, str], default: str | None = None
) -> str:
    """The account type named in field ``key`` (any case): ``kinds`` maps the app's names of
    the types it has to smartkey's ("totp", "hotp", "steam")."""
    value = text(record, key, default)
    found = kinds.get(value.upper() if value.isascii() else value)
    if found is None:
        raise ValueError(f"{key} {value[:20]!r} is not supported ({', '.join(kinds)})")
    return found


def codes(
    record: dict[str, Any], kind: str, algorithm_key: str = "algorithm", counter: int | None = None
) -> dict[str, Any]:
    """How an account's codes are made, as Aegis, andOTP and 2FAS name the fields: its type,
    algorithm, digits (6 if missing), period (30 if missing; none for HOTP) and HOTP counter
    (``counter`` if missing, else required)."""
    hotp = kind == "hotp"
    return {
        "type": kind,
        "algorithm": algorithm(record, algorithm_key),
        "digits": integer(record, "digits", 6),
        "period": 30 if hotp else integer(record, "period", 30),
        "counter": integer(record, "counter", counter) if hotp else 0,
    }


def secret(record: dict[str, Any], key: str = "secret") -> bytes:
    """A base32 secret field; its errors name the secret but never quote it."""
    return b32decode(text(record, key))


def hex_bytes(record: dict[str, Any], key: str) -> bytes:
    """The bytes of the hexadecimal text in field ``key``."""
    try:
        return bytes.fromhex(text(record, key))
    except ValueError:
        raise ValueError(f"{key} must be hexadecimal") from None


def base64_bytes(value: str, what: str) -> bytes:
    """The bytes of standard, padded base64 ``value``."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} must be base64") from None


def totp_field(value: str, title: str = "", username: str = "") -> Account:
    """The account in a password manager's one-time password field.

    The field holds an ``otpauth://`` URI, whose issuer and name are the account's as in
    Aegis; a label-less URI takes the entry's ``title`` and ``username`` instead. Or it holds
    Bitwarden's ``steam://SECRET``, a Steam Guard account, or a bare base32 secret, a TOTP
    account of 6 digits every 30 s (what Bitwarden, KeePassXC and 1Password compute for one),
    both named by the entry.
    """
    value = value.strip()
    scheme = value.partition(":")[0].lower() if ":" in value[:20] else ""
    if scheme == uri.SCHEME:
        account = uri.parse(value)
        if not account.issuer and not account.name:
            account.issuer, account.name = title, username
        return account
    if scheme == "steam":
        secret = b32decode(value.partition(":")[2].lstrip("/"))
        return Account(secret=secret, issuer=title or "Steam", name=username, type="steam")
    if scheme:
        raise ValueError(f"{scheme[:20]}: URIs are not one-time password settings")
    return Account(secret=b32decode(value), issuer=title, name=username)
