"""Accounts from other authenticators' exports: :func:`load` finds the format by itself.

Formats read: ``otpauth://`` URIs one per line, Google Authenticator's ``otpauth-migration://``
export, QR code images (PNG, JPEG) holding either, Aegis vaults (plain and encrypted), 2FAS
backups (plain and encrypted), andOTP backups (plain and both encrypted formats) and FreeOTP+
JSON. One module per format; this one only tells them apart.

An import is all or nothing: :func:`load` returns every account of the data or raises one
:class:`ImportFailed` (a ``ValueError``) saying which entry is wrong and why, that a password is
needed, that it is wrong, or which formats are supported.
"""

from __future__ import annotations

from collections.abc import Iterable

from smartkey.account import Account
from smartkey.importers import aegis, andotp, freeotp, otpauth, qr, twofas
from smartkey.importers.errors import SUPPORTED, ImportFailed, PasswordNeeded, unrecognised
from smartkey.importers.fields import parse_json

__all__ = ["SUPPORTED", "ImportFailed", "PasswordNeeded", "load", "load_all"]


def load(data: bytes, password: str | None = None) -> list[Account]:
    """Every account in ``data``, whatever supported format it is in.

    ``password`` opens an encrypted Aegis, 2FAS or andOTP export and is not used otherwise.
    """
    data = bytes(data)
    if qr.is_image(data):
        return otpauth.load(qr.read(data))
    text = _text(data)
    if text is not None:
        if not text.strip():
            raise ImportFailed("the data is empty")
        if text.lstrip()[0] in "[{":
            return _load_json(text, password)
        if otpauth.looks_like(text):
            return otpauth.load(otpauth.lines(text))
    if text is None and andotp.could_be_encrypted(data):
        if password is None:
            raise PasswordNeeded(
                f"unrecognised data: if it is an encrypted {andotp.WHAT}, a password is needed; "
                f"supported are {SUPPORTED}"
            )
        return andotp.load_encrypted(data, password)
    raise unrecognised()


def load_all(files: Iterable[bytes], password: str | None = None) -> list[Account]:
    """The accounts of several files as one import: all of them, or :class:`ImportFailed`.

    Google Authenticator splits a large export over several QR codes; they may come here as
    separate images (or text files) and are checked to be complete together. Errors start with
    the file's position ("file 2, …").
    """
    accounts: list[Account] = []
    uris: list[tuple[str, str]] = []
    for number, data in enumerate(files, 1):
        where = f"file {number}, "
        data = bytes(data)
        text = _text(data)
        if qr.is_image(data):
            uris += qr.read(data, where)
        elif text is not None and otpauth.looks_like(text):
            uris += otpauth.lines(text, where)
        else:
            try:
                accounts += load(data, password)
            except ImportFailed as error:
                # Same kind of error (a password may still be asked for), with the file named.
                raise type(error)(f"{where}{error}") from None
    return accounts + otpauth.load(uris)


def _text(data: bytes) -> str | None:
    """``data`` as text if it is UTF-8 (with or without a byte order mark), else None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _load_json(text: str, password: str | None) -> list[Account]:
    document = parse_json(text, "the data")
    if isinstance(document, list):
        return andotp.load_plain(document)
    if aegis.is_vault(document):
        return aegis.load(document, password)
    if twofas.is_backup(document):
        return twofas.load(document, password)
    if freeotp.is_export(document):
        return freeotp.load(document)
    raise unrecognised("JSON")
