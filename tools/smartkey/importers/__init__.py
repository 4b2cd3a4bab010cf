"""Accounts from other authenticators' exports: :func:`load` finds the format by itself.

The formats read are listed, in the order they are tried, in :mod:`smartkey.importers.formats`;
one module per app reads its format. A file is loaded by the first format that recognises it,
and a password is asked for only when that format says the file is encrypted: anything no
format recognises is "unrecognised", with the list of what is supported.

An import is all or nothing: :func:`load` returns every account of the data or raises one
:class:`ImportFailed` (a ``ValueError``) saying which entry is wrong and why, that a password is
needed, that it is wrong, or which formats are supported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from smartkey.account import Account
from smartkey.importers import andotp, otpauth, qr
from smartkey.importers.errors import ImportFailed, PasswordNeeded
from smartkey.importers.formats import FORMATS, supported
from smartkey.importers.source import Format, Source

__all__ = [
    "FORMATS",
    "Format",
    "ImportFailed",
    "PasswordNeeded",
    "Source",
    "load",
    "load_all",
    "recognise",
    "supported",
]


def load(data: bytes, password: str | None = None) -> list[Account]:
    """Every account in ``data``, whatever supported format it is in.

    ``password`` opens an encrypted export and is not used otherwise; without one, an export
    recognised as encrypted raises :class:`PasswordNeeded`.
    """
    source = Source(data)
    if not source.data.strip() or (source.text is not None and not source.text.strip()):
        raise ImportFailed("the data is empty")
    fmt = recognise(source)
    if fmt is not None:
        if password is None and fmt.encrypted(source):
            raise PasswordNeeded(
                f"this {fmt.name.partition(' (')[0]} export is encrypted: a password is needed"
            )
        return fmt.load(source, password)
    if source.json_error is not None:
        raise source.json_error
    if password is not None and source.text is None:
        # andOTP's first encrypted format has no header: only a given password can tell.
        accounts = andotp.load_old(source.data, password)
        if accounts is not None:
            return accounts
        raise ImportFailed(
            "unrecognised file, or an andOTP backup from before 2019 and the wrong password: "
            f"supported are {supported()}"
        )
    kind = "JSON file" if source.is_json else "file"
    raise ImportFailed(f"unrecognised {kind}: supported are {supported()}")


def recognise(source: Source) -> Format | None:
    """The first format that recognises ``source``, if any."""
    return next((fmt for fmt in FORMATS if fmt.recognises(source)), None)


def load_all(
    files: Iterable[bytes], password: str | None = None, names: Sequence[str] | None = None
) -> list[Account]:
    """The accounts of several files as one import: all of them, or :class:`ImportFailed`.

    Google Authenticator splits a large export over several QR codes; they may come here as
    separate images (or text files) and are checked to be complete together, the error naming
    any QR code that is missing. Errors start with the file's name from ``names`` ("p2.png:
    …"), else its position ("file 2, …").
    """
    accounts: list[Account] = []
    uris: list[tuple[str, str]] = []
    for number, data in enumerate(files, 1):
        where = f"{names[number - 1]}: " if names else f"file {number}, "
        source = Source(data)
        if qr.is_image(source.data):
            uris += qr.read(source.data, where)
        elif source.text is not None and otpauth.looks_like(source.text):
            uris += otpauth.lines(source.text, where)
        else:
            try:
                accounts += load(source.data, password)
            except ImportFailed as error:
                # Same kind of error (a password may still be asked for), with the file named.
                raise type(error)(f"{where}{error}") from None
    return accounts + otpauth.load(uris)
