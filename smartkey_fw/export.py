"""An account as a compact otpauth URI, for the QR code the token shows on its screen.

Compact because every byte makes the QR code bigger and it must fit 64 pixels with a quiet zone:
defaults (SHA1, 6 digits, 30 s) are left out, and the secret is unpadded upper-case base32.
"""

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

try:
    from typing import Any
except ImportError:
    pass


def b32encode(data: bytes) -> str:
    """Base32 without padding (RFC 4648 alphabet), as authenticator apps read it."""
    out = []
    acc = 0
    bits = 0
    for byte in data:
        acc = ((acc << 8) | byte) & 0xFFF
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append(_B32[(acc >> bits) & 31])
    if bits:
        out.append(_B32[(acc << (5 - bits)) & 31])
    return "".join(out)


def quote(text: str) -> str:
    """Percent-encode everything but RFC 3986's unreserved characters (UTF-8)."""
    out = []
    for ch in text:
        if ch in _SAFE:
            out.append(ch)
        else:
            for byte in ch.encode("utf-8"):
                out.append("%%%02X" % byte)
    return "".join(out)


def uri(account: Any) -> str:
    label = (
        quote(account.issuer) + ":" + quote(account.name) if account.issuer else quote(account.name)
    )
    parts = ["otpauth://", account.kind, "/", label, "?secret=", b32encode(account.secret)]
    if account.issuer:
        parts.append("&issuer=" + quote(account.issuer))
    if account.kind != "steam":
        if account.algorithm != "sha1":
            parts.append("&algorithm=" + account.algorithm.upper())
        if account.digits != 6:
            parts.append("&digits=%d" % account.digits)
    if account.kind == "hotp":
        parts.append("&counter=%d" % account.counter)
    elif account.period != 30:
        parts.append("&period=%d" % account.period)
    return "".join(parts)
