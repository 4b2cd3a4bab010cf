"""Ente Auth exports. The plain one is otpauth URIs one per line, each with Ente's own
``codeDisplay`` parameter: JSON of how the app shows the code, including ``trashed`` for a code
in the app's trash, which is passed over. The encrypted one (JSON with ``kdfParams`` and
``encryptedData``) is sealed with libsodium's secretstream, which this tool does not bind, and
is refused with what to export instead.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

from smartkey.account import Account
from smartkey.importers import otpauth
from smartkey.importers.errors import ImportFailed
from smartkey.importers.source import Source

_PARAMETER = "codedisplay"


def is_plain(source: Source) -> bool:
    text = source.text
    return text is not None and otpauth.looks_like(text) and f"{_PARAMETER}=" in text.lower()


def is_encrypted(source: Source) -> bool:
    return source.json_object("kdfParams", "encryptedData") is not None


def load_plain(source: Source, password: str | None) -> list[Account]:
    lines = otpauth.lines(source.text or "")
    return otpauth.load((where, line) for where, line in lines if not _trashed(line))


def refuse_encrypted(source: Source, password: str | None) -> list[Account]:
    raise ImportFailed(
        "this is an encrypted Ente Auth export: in Ente Auth, export the codes again as plain "
        "text, import that file and delete it"
    )


def _trashed(line: str) -> bool:
    """Whether the URI's ``codeDisplay`` says the code is in Ente's trash."""
    query = urlsplit(line).query
    for key, value in parse_qsl(query):
        if key.lower() == _PARAMETER:
            try:
                display = json.loads(value)
            except ValueError:
                return False  # not Ente's: the URI is read as it is
            return isinstance(display, dict) and display.get("trashed") is True
    return False
