"""The one error every importer raises, and the messages several of them share."""

from __future__ import annotations

SUPPORTED = (
    "otpauth:// URIs one per line, Google Authenticator exports (otpauth-migration://), "
    "QR code images (PNG, JPEG), Aegis (plain or encrypted), 2FAS (plain or encrypted), "
    "andOTP (plain or encrypted) and FreeOTP+ (JSON)"
)


class ImportFailed(ValueError):
    """An export could not be loaded, and nothing of it was: the message says where and why.

    Messages name the entry (its position and issuer/name) and the field that is wrong; they
    never quote a secret.
    """


def unrecognised(what: str = "data") -> ImportFailed:
    """Data that is none of the supported formats: the message lists them."""
    return ImportFailed(f"unrecognised {what}: supported are {SUPPORTED}")


class PasswordNeeded(ImportFailed):
    """The export is encrypted and no password was given: ask for one and try again."""


def password_needed(what: str) -> ImportFailed:
    """An encrypted export given no password."""
    return PasswordNeeded(f"this {what} is encrypted: a password is needed")


def wrong_password(what: str) -> ImportFailed:
    """A password that does not open the export (AES-GCM's tag does not match)."""
    return ImportFailed(f"wrong password for this {what}")
