"""One-time passwords: base32 secrets, HMAC, HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard.

Runs on CircuitPython and CPython alike. The hash for each algorithm is chosen at its first use:
the interpreter's native ``hashlib`` when it has that algorithm (an RP2040 has SHA-1, and SHA-256
from CircuitPython 10.1: it is asked, not assumed), else the pure-Python fallback in
``smartkey_fw.sha1`` / ``sha256`` / ``sha512``. Time is always passed in explicitly, so the same
call gives the same code on every machine.
"""

from micropython import const

try:
    from typing import Callable, Dict, Optional, Tuple, Union
except ImportError:
    pass

# Base32 groups of 8 characters encode 5 bytes; these tail lengths can never occur.
_B32_BAD_TAILS = (1, 3, 6)
_STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"
_STEAM_DIGITS = const(5)
_MIN_DIGITS = const(6)
_MAX_DIGITS = const(8)

_BLOCK_SIZES = {"sha1": 64, "sha256": 64, "sha512": 128}

_prefer_native = True
_constructors: "Dict[str, Callable]" = {}
_pads_by_size: "Dict[int, Tuple[bytearray, bytearray]]" = {}


def b32decode(text: str) -> bytes:
    """Decode a base32 secret as authenticator apps write it.

    Case-insensitive; spaces and hyphens are ignored; ``=`` padding is optional but, when present,
    must be correct. Anything else raises ``ValueError`` rather than giving a wrong secret.
    """
    if not isinstance(text, str):
        raise ValueError("secret must be text")
    out = bytearray()
    acc = 0
    bits = 0
    count = 0
    padding = 0
    for ch in text:
        if ch in " -":
            continue
        if ch == "=":
            padding += 1
            continue
        if padding:
            raise ValueError("secret has characters after '=' padding")
        # ASCII only, as CircuitPython's str.upper() is: CPython's would turn "ſ" into "S".
        code = ord(ch)
        if 97 <= code <= 122:
            code -= 32
        if 65 <= code <= 90:
            value = code - 65
        elif 50 <= code <= 55:
            value = code - 24  # "2".."7" are 26..31
        else:
            raise ValueError("secret has a character that is not base32: %r" % ch)
        # At most 7 leftover bits plus 5 new ones are ever pending.
        acc = ((acc << 5) | value) & 0xFFF
        bits += 5
        count += 1
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if not count:
        raise ValueError("secret is empty")
    if count % 8 in _B32_BAD_TAILS:
        raise ValueError("secret has a length that is not valid base32 (%d characters)" % count)
    if padding and (count + padding) % 8:
        raise ValueError("secret has wrong '=' padding")
    return bytes(out)


def use_native(enabled: bool) -> None:
    """Allow (default) or forbid the interpreter's native hashlib; forbidding it makes every
    algorithm run on the pure-Python fallback, which the device self-test and tests rely on."""
    global _prefer_native
    _prefer_native = enabled
    _constructors.clear()


def backend(algorithm: str) -> str:
    """Which implementation computes ``algorithm``: "native" or "python"."""
    new = _constructor(algorithm)
    return "python" if isinstance(new, type) else "native"


def _constructor(algorithm: str) -> Callable:
    new = _constructors.get(algorithm)
    if new is None:
        if algorithm not in _BLOCK_SIZES:
            raise ValueError("algorithm must be sha1, sha256 or sha512, not %r" % (algorithm,))
        new = _native(algorithm) if _prefer_native else None
        if new is None:
            new = _fallback(algorithm)
        _constructors[algorithm] = new
    return new


def _native(algorithm: str) -> Optional[Callable]:
    try:
        import hashlib

        hashlib.new(algorithm, b"")
    except (ImportError, ValueError, AttributeError):  # AttributeError: MicroPython's hashlib
        return None

    def new(data: bytes = b""):
        return hashlib.new(algorithm, data)

    return new


def _fallback(algorithm: str) -> Callable:
    # Imported here so a board only ever loads the SHA module it uses.
    if algorithm == "sha1":
        from smartkey_fw.sha1 import sha1

        return sha1
    if algorithm == "sha256":
        from smartkey_fw.sha256 import sha256

        return sha256
    from smartkey_fw.sha512 import sha512

    return sha512


def hmac(key: bytes, message: "Union[bytes, bytearray]", algorithm: str = "sha1") -> bytes:
    """HMAC (RFC 2104) with the named hash; keys longer than a block are hashed first."""
    ipad, opad = _pads(key, algorithm)
    try:
        return keyed_hmac(_constructor(algorithm), ipad, opad, message)
    finally:
        # The pads are the key in disguise: leave nothing of it in RAM after the code.
        for i in range(len(ipad)):
            ipad[i] = 0
            opad[i] = 0


def hmac_pads(key: bytes, algorithm: str = "sha1") -> "Tuple[Callable, bytes, bytes]":
    """(hash constructor, inner pad, outer pad) for many HMACs under one key (PBKDF2)."""
    ipad, opad = _pads(key, algorithm)
    return _constructor(algorithm), bytes(ipad), bytes(opad)


def keyed_hmac(
    new: Callable,
    ipad: "Union[bytes, bytearray]",
    opad: "Union[bytes, bytearray]",
    message: "Union[bytes, bytearray]",
) -> bytes:
    inner = new(ipad)
    inner.update(message)
    outer = new(opad)
    outer.update(inner.digest())
    return outer.digest()


def _pads(key: bytes, algorithm: str) -> "Tuple[bytearray, bytearray]":
    """The key XORed with 0x36 and 0x5C, in buffers reused from call to call."""
    new = _constructor(algorithm)
    block = _BLOCK_SIZES[algorithm]
    if len(key) > block:
        key = new(key).digest()
    pads = _pads_by_size.get(block)
    if pads is None:
        pads = _pads_by_size[block] = (bytearray(block), bytearray(block))
    ipad, opad = pads
    n = len(key)
    for i in range(block):
        k = key[i] if i < n else 0
        ipad[i] = k ^ 0x36
        opad[i] = k ^ 0x5C
    return pads


def _check_key(key: bytes) -> None:
    if not isinstance(key, (bytes, bytearray)):
        raise ValueError("key must be bytes")
    if not key:
        raise ValueError("key must not be empty")


def _truncate(key: bytes, counter: int, algorithm: str) -> int:
    """Dynamic truncation (RFC 4226 §5.3): 31 bits of the HMAC of the 8-byte big-endian counter."""
    if not isinstance(counter, int) or counter < 0 or counter >> 64:
        raise ValueError("counter must be an integer from 0 to 2**64-1")
    message = bytearray(8)
    for i in range(7, -1, -1):
        message[i] = counter & 0xFF
        counter >>= 8
    mac = hmac(key, message, algorithm)
    o = mac[-1] & 0x0F
    return ((mac[o] & 0x7F) << 24) | (mac[o + 1] << 16) | (mac[o + 2] << 8) | mac[o + 3]


def hotp(key: bytes, counter: int, digits: int = 6, algorithm: str = "sha1") -> str:
    """The HOTP code for ``counter`` as a string of ``digits`` digits, zero-padded on the left."""
    _check_key(key)
    if not isinstance(digits, int) or not _MIN_DIGITS <= digits <= _MAX_DIGITS:
        raise ValueError("digits must be 6, 7 or 8")
    code = str(_truncate(key, counter, algorithm) % 10**digits)
    return "0" * (digits - len(code)) + code


def _time_step(now: int, period: int) -> int:
    if not isinstance(now, int) or now < 0:
        raise ValueError("time must be a whole number of seconds since 1970, not negative")
    if not isinstance(period, int) or period < 1:
        raise ValueError("period must be a positive number of seconds")
    return now // period


def totp(key: bytes, now: int, period: int = 30, digits: int = 6, algorithm: str = "sha1") -> str:
    """The TOTP code at UNIX time ``now`` (seconds, UTC)."""
    return hotp(key, _time_step(now, period), digits, algorithm)


def steam(key: bytes, now: int, period: int = 30) -> str:
    """The Steam Guard code at ``now``: TOTP-SHA1 spelt in 5 characters of Steam's alphabet."""
    _check_key(key)
    value = _truncate(key, _time_step(now, period), "sha1")
    chars = []
    for _ in range(_STEAM_DIGITS):
        value, index = divmod(value, len(_STEAM_ALPHABET))
        chars.append(_STEAM_ALPHABET[index])
    return "".join(chars)
