"""otpauth:// Key URIs (``otpauth://TYPE/LABEL?PARAMETERS``) to and from :class:`Account`.

The format is Google's Key Uri Format. Where the apps that write these URIs disagree, parsing
reads them like this:

* **Type**: ``totp``, ``hotp`` or ``steam``, in any case. ``steam`` is how Aegis and andOTP write
  a Steam Guard account, and what :func:`build` writes. Two other spellings are read as Steam
  too, because neither can mean anything else: ``encoder=steam`` on a totp URI (pyotp,
  KeePassXC), and a totp URI with issuer ``Steam`` and ``digits=5`` (FreeOTP, steamctl): a
  5-character code exists only for Steam. A totp URI with issuer Steam and no ``digits=5`` stays
  TOTP, as in Aegis and andOTP, where the issuer alone never changes the type.
* **Label**: ``Issuer:name``, the colon written as is or as ``%3A``, spaces around it ignored.
  The ``issuer`` parameter wins over the label's prefix. When both are there and differ, the
  parameter is the issuer and the prefix is dropped from the name, as yubikey-manager does
  (pyotp rejects such a URI; Aegis keeps the prefix). A prefix equal to the issuer parameter is
  recognised even when the issuer itself holds a colon. Spaces around the issuer and the name
  are not part of them.
* **Parameters**: ``+`` means a space; names are case-insensitive; unknown ones are ignored, and
  so is one that means nothing for the type (``period`` of an hotp URI, ``counter`` of a totp
  one). A known parameter given twice with different values is an error, never a guess.
  ``counter`` is required for hotp, as the Key Uri Format says. ``digits`` and ``period`` of a
  Steam URI are checked to be numbers but not used: Steam Guard codes always have 5
  characters and change every 30 s.
* **Secret**: base32 as :func:`smartkey.base32.b32decode` reads it, which is how the token reads it.

Every error is a :class:`UriError` (a ``ValueError``) whose message starts with the bad field;
no message ever quotes the secret.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from smartkey.account import ALGORITHMS, TYPES, Account, AccountError
from smartkey.base32 import b32decode, b32encode

SCHEME = "otpauth"
STEAM_ISSUER = "steam"

_NUMBER = re.compile(r"[0-9]+")
_MAX_NUMBER_LENGTH = 20  # 2**64 has 20 digits; longer text is out of range for every field
_SHOWN = 40  # characters of a bad (non-secret) value quoted in an error
_HINT = 60  # characters of a label quoted when an importer names a bad URI


class UriError(AccountError):
    """An otpauth URI is invalid; the message names the bad field."""


def parse(text: str) -> Account:
    """The account that an ``otpauth://`` URI describes.

    Raises :class:`UriError` naming the first bad field: scheme, type, label, secret, algorithm,
    digits, period, counter, issuer or a parameter that is given twice.
    """
    kind, label, params = _split(text)
    secret = _secret(params)
    algorithm = _algorithm(params)
    digits = _number(params, "digits")
    issuer, name = split_label(label, params.get("issuer"))
    if kind == "totp" and _means_steam(params, issuer, digits):
        kind = "steam"

    fields: dict[str, int] = {}
    if kind == "hotp":
        counter = _number(params, "counter")
        if counter is None:
            raise UriError("counter is missing: an hotp URI must say where its counter starts")
        fields["counter"] = counter
    else:
        period = _number(params, "period")
        if period is not None:
            fields["period"] = period
    if digits is not None and kind != "steam":
        fields["digits"] = digits
    try:
        return Account(
            secret=secret, name=name, issuer=issuer, type=kind, algorithm=algorithm, **fields
        )
    except AccountError as error:
        raise UriError(str(error)) from None


def build(account: Account) -> str:
    """The canonical otpauth URI of ``account``; :func:`parse` reads it back equal.

    Every parameter is written out (algorithm, digits, then period or counter) so that no app's
    defaults matter; the secret is upper-case base32 without padding. Names and issuers are
    percent-encoded UTF-8. Spaces around a name or issuer are not written, as :func:`parse`
    would drop them; the period of an hotp account and the counter of a totp or Steam account
    mean nothing and are not written either.
    """
    issuer = account.issuer.strip(" ")
    name = account.name.strip(" ")
    if issuer:
        label = f"{_quote(issuer)}:{_quote(name)}"
    elif ":" in name:
        # An empty prefix keeps the name's own colon from being read as the issuer separator.
        label = ":" + _quote(name)
    else:
        label = _quote(name)
    params = [("secret", b32encode(account.secret))]
    if issuer:
        params.append(("issuer", issuer))
    params += [("algorithm", account.algorithm), ("digits", str(account.digits))]
    if account.type == "hotp":
        params.append(("counter", str(account.counter)))
    else:
        params.append(("period", str(account.period)))
    query = "&".join(f"{key}={_quote(value)}" for key, value in params)
    return f"{SCHEME}://{account.type}/{label}?{query}"


def split_label(label: str, issuer: str | None = None) -> tuple[str, str]:
    """(issuer, name) from a decoded label and the ``issuer`` parameter, if the URI has one."""
    issuer = (issuer or "").strip(" ")
    if issuer:
        if label.startswith(issuer + ":"):
            name = label[len(issuer) + 1 :]
        else:
            prefix, colon, rest = label.partition(":")
            name = rest if colon else prefix
        return issuer, name.strip(" ")
    prefix, colon, rest = label.partition(":")
    if not colon:
        return "", label.strip(" ")
    return prefix.strip(" "), rest.strip(" ")


def strip_issuer(name: str, issuer: str) -> str:
    """``name`` without a leading ``issuer:``, which some exports repeat in the account name."""
    if issuer and name.startswith(issuer + ":"):
        return name[len(issuer) + 1 :].strip(" ")
    return name


def label_hint(text: str) -> str:
    """The label of a (possibly broken) URI, to name it in an error. Never reads the query, so
    never the secret."""
    rest = text.strip().partition("://")[2]
    path = rest.partition("?")[0].partition("/")[2]
    label = unquote(path.lstrip("/")).strip(" ")
    if len(label) > _HINT:
        label = label[:_HINT] + "…"
    return label or "no label"


def _split(text: str) -> tuple[str, str, dict[str, str]]:
    """(type, decoded label, decoded parameters) of a URI."""
    if not isinstance(text, str):
        raise UriError("uri must be text")
    scheme, separator, rest = text.strip().partition("://")
    if not separator or scheme.lower() != SCHEME:
        hint = ""
        if scheme.lower() == "otpauth-migration":
            hint = (
                " (otpauth-migration:// is a Google Authenticator export: see smartkey.importers)"
            )
        raise UriError(f"scheme must be {SCHEME}://{hint}")
    match = re.search(r"[/?]", rest)
    end = match.start() if match else len(rest)
    authority = rest[:end]
    kind = authority.lower() if authority.isascii() else authority
    if kind not in TYPES:
        raise UriError(f"type must be one of {', '.join(TYPES)}, not {_show(authority)}")
    path, _, query = rest[end:].partition("?")
    if "#" in path:
        raise UriError("label has a raw '#': a '#' in a name or issuer must be written %23")
    return kind, _decode(path.lstrip("/"), "label"), _params(query)


def _params(query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for piece in query.split("&"):
        if not piece:
            continue
        raw_key, _, raw_value = piece.partition("=")
        key = _decode(raw_key, "a parameter name", plus=True).lower()
        if "#" in piece:
            raise UriError(f"{key} has a raw '#': a '#' in a value must be written %23")
        value = _decode(raw_value, key, plus=True)
        if params.get(key, value) != value:
            raise UriError(f"{key} is given twice with different values")
        params[key] = value
    return params


def _decode(text: str, field: str, *, plus: bool = False) -> str:
    if plus:
        text = text.replace("+", " ")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise UriError(f"{field} is not UTF-8 once its %-escapes are decoded") from None


def _secret(params: dict[str, str]) -> bytes:
    text = params.get("secret")
    if text is None:
        raise UriError("secret is missing")
    try:
        return b32decode(text)
    except ValueError as error:
        raise UriError(str(error)) from None


def _algorithm(params: dict[str, str]) -> str:
    text = params.get("algorithm", "SHA1")
    # ASCII only: str.upper() would turn "ſha1" into "SHA1".
    algorithm = text.upper() if text.isascii() else text
    if algorithm not in ALGORITHMS:
        raise UriError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {_show(text)}")
    return algorithm


def _number(params: dict[str, str], field: str) -> int | None:
    text = params.get(field)
    if text is None:
        return None
    if not _NUMBER.fullmatch(text):
        raise UriError(f"{field} must be a whole number, not {_show(text)}")
    if len(text) > _MAX_NUMBER_LENGTH:
        raise UriError(f"{field} is out of range ({len(text)} digits)")
    return int(text)


def _means_steam(params: dict[str, str], issuer: str, digits: int | None) -> bool:
    if params.get("encoder", "").lower() == STEAM_ISSUER:
        return True
    return digits == 5 and issuer.lower() == STEAM_ISSUER


def _quote(text: str) -> str:
    return quote(text, safe="")


def _show(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")
