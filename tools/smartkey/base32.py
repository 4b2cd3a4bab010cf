"""Base32 secrets as authenticator apps write them, read exactly as the token reads them.

The firmware's ``smartkey_fw.otp.b32decode`` is the contract: case-insensitive, spaces and hyphens
ignored, ``=`` padding optional but correct when present, and anything else an error rather than
a wrong secret. This is the same decoder for the host, built on :func:`base64.b32decode` after
ruling out what the standard decoder would reject with a less helpful message.

Only ASCII letters are base32 here, as on the device: CircuitPython's ``str.upper`` leaves
non-ASCII letters alone, so ``"ı"`` or ``"ſ"`` are not taken for ``I`` or ``S``.
"""

from __future__ import annotations

import base64

_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdefghijklmnopqrstuvwxyz")
# A group of 8 base32 characters encodes 5 bytes; no byte count leaves 1, 3 or 6 in the last one.
_BAD_TAILS = (1, 3, 6)
_IGNORED = str.maketrans("", "", " -")


def b32decode(text: str) -> bytes:
    """The bytes of a base32 secret; ``ValueError`` naming the secret on anything invalid.

    Error messages never quote the secret, not even the one character that is wrong.
    """
    if not isinstance(text, str):
        raise ValueError("secret must be text")
    cleaned = text.translate(_IGNORED)
    data = cleaned.rstrip("=")
    for ch in data:
        if ch not in _ALPHABET:
            if ch == "=":
                raise ValueError("secret has characters after '=' padding")
            raise ValueError("secret has a character that is not base32")
    if not data:
        raise ValueError("secret is empty")
    if len(data) % 8 in _BAD_TAILS:
        raise ValueError(f"secret has a length that is not valid base32 ({len(data)} characters)")
    if len(cleaned) != len(data) and len(cleaned) % 8:
        raise ValueError("secret has wrong '=' padding")
    return base64.b32decode(data.upper() + "=" * (-len(data) % 8))


def b32encode(secret: bytes) -> str:
    """Upper-case base32 without padding, the form Google's Key URI format recommends."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")
