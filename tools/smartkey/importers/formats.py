"""Every format the importers read, in the order files are tried against them.

This list is the one place that says which formats exist: :func:`smartkey.importers.load`
dispatches on it, and the CLI's help and the "unrecognised file" error list its names.
A format comes before any other whose recognition it could also pass (Ente Auth's URI list
before the plain one, say); formats that recognise by magic bytes or by distinct JSON keys
cannot be confused with each other.
"""

from __future__ import annotations

from smartkey.account import Account
from smartkey.importers import (
    aegis,
    andotp,
    bitwarden,
    csvfile,
    ente,
    freeotp,
    freeotp2,
    otpauth,
    proton,
    qr,
    stratum,
    twofas,
)
from smartkey.importers.source import Format, Source

_KEEPASSXC_COLUMNS = frozenset({"group", "title", "username", "password", "url", "notes", "totp"})
_ONEPASSWORD_COLUMNS = frozenset({"title", "otpauth"})


def _uri_lines(source: Source) -> bool:
    return source.text is not None and otpauth.looks_like(source.text)


def _load_uri_lines(source: Source, password: str | None) -> list[Account]:
    return otpauth.load(otpauth.lines(source.text or ""))


def _keepassxc(source: Source, password: str | None) -> list[Account]:
    return csvfile.load_column(source, "KeePassXC export", "totp", "title", ("username",))


def _onepassword(source: Source, password: str | None) -> list[Account]:
    return csvfile.load_column(source, "1Password export", "otpauth", "title", ("username",))


FORMATS: tuple[Format, ...] = (
    Format(
        "QR code images (PNG, JPEG)",
        lambda source: qr.is_image(source.data),
        lambda source, password: otpauth.load(qr.read(source.data)),
    ),
    Format("Ente Auth (plain text export)", ente.is_plain, ente.load_plain),
    Format("Ente Auth (encrypted)", ente.is_encrypted, ente.refuse_encrypted, listed=False),
    Format(
        "otpauth:// URIs one per line (and Google Authenticator's otpauth-migration://)",
        _uri_lines,
        _load_uri_lines,
    ),
    Format(
        "Aegis (plain or encrypted)",
        lambda source: aegis.is_vault(source.document),
        lambda source, password: aegis.load(source.document, password),
        lambda source: isinstance(source.document.get("db"), str),
    ),
    Format(
        "2FAS (plain or encrypted)",
        lambda source: twofas.is_backup(source.document),
        lambda source, password: twofas.load(source.document, password),
        lambda source: source.document.get("servicesEncrypted") is not None,
    ),
    Format(
        "andOTP (plain or encrypted)",
        andotp.is_plain,
        lambda source, password: andotp.load_plain(source.document),
    ),
    Format(
        "andOTP (encrypted)",
        andotp.is_encrypted,
        lambda source, password: andotp.load_encrypted(source.data, password or ""),
        andotp.is_encrypted,
        listed=False,
    ),
    Format(
        "FreeOTP+ (JSON)",
        lambda source: freeotp.is_export(source.document),
        lambda source, password: freeotp.load(source.document),
    ),
    Format(
        "FreeOTP (tokens.xml, or FreeOTP 2's encrypted backup)", freeotp.is_xml, freeotp.load_xml
    ),
    Format(
        "FreeOTP 2 (encrypted backup)",
        freeotp2.is_backup,
        freeotp2.load,
        freeotp2.is_backup,
        listed=False,
    ),
    Format(
        "Authenticator Pro / Stratum (plain or encrypted)", stratum.is_plain, stratum.load_plain
    ),
    Format(
        "Authenticator Pro / Stratum (encrypted)",
        stratum.is_encrypted,
        stratum.load_encrypted,
        stratum.is_encrypted,
        listed=False,
    ),
    Format("Proton Pass (zip, JSON or CSV)", proton.is_pass, proton.load_pass),
    Format("Proton Pass (CSV)", proton.is_pass_csv, proton.load_pass_csv, listed=False),
    Format(
        "Proton Pass (encrypted)", proton.is_encrypted_pass, proton.refuse_encrypted, listed=False
    ),
    Format("Proton Authenticator (JSON)", proton.is_authenticator, proton.load_authenticator),
    Format("Bitwarden (JSON or CSV)", bitwarden.is_json, bitwarden.load_json),
    Format("Bitwarden (CSV)", bitwarden.is_csv, bitwarden.load_csv, listed=False),
    Format("KeePassXC (CSV)", lambda source: source.csv_header >= _KEEPASSXC_COLUMNS, _keepassxc),
    Format(
        "1Password (CSV)", lambda source: source.csv_header >= _ONEPASSWORD_COLUMNS, _onepassword
    ),
)


def supported() -> str:
    """The formats, as the "unrecognised file" error and the CLI's help list them."""
    names = [fmt.name for fmt in FORMATS if fmt.listed]
    return ", ".join(names[:-1]) + " and " + names[-1]
