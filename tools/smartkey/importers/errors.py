"""The one error every importer raises, and the messages several of them share."""

from __future__ import annotations


class ImportFailed(ValueError):
    """An export could not be loaded, and nothing of it was: the message says where and why.

    Messages name the entry (its position and issuer/name) and the field that is wrong; they
    never quote a secret.
    """


class PasswordNeeded(ImportFailed):
    """The export is encrypted and no password was given: ask for one and try again."""


def password_needed(what: str) -> ImportFailed:
    """An encrypted export given no password."""
    return PasswordNeeded(f"this {what} is encrypted: a password is needed")


def wrong_password(what: str) -> ImportFailed:
    """A password that does not open the export (AES-GCM's tag does not match)."""
    return ImportFailed(f"wrong password for this {what}")
