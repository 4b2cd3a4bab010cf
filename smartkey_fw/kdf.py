"""Keys for the vault: PBKDF2-HMAC-SHA1 (RFC 8018) from the PIN, and labelled sub-keys.

SHA-1 because it is the hash an RP2040 computes natively: every iteration is two C-level hashes,
so the iteration count (stored in the vault's header) buys the most guessing cost per second.
"""

from micropython import const

from smartkey_fw import otp

_SHA1_SIZE = const(20)


def pbkdf2_sha1(password: bytes, salt: bytes, iterations: int) -> bytes:
    """The first 20-byte block of PBKDF2-HMAC-SHA1: all the vault needs (sub-keys come from
    ``subkey``), so the cost is one chain of ``iterations`` HMACs, not several."""
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    new, ipad, opad = otp.hmac_pads(password, "sha1")
    block = bytearray(salt)
    block.extend(b"\x00\x00\x00\x01")
    u = otp.keyed_hmac(new, ipad, opad, block)
    # The running XOR is kept as one integer: a byte loop here cost about six times as much
    # interpreter time per iteration on CircuitPython's core as the hashing calls around it.
    result = int.from_bytes(u, "big")
    for _ in range(iterations - 1):
        u = otp.keyed_hmac(new, ipad, opad, u)
        result ^= int.from_bytes(u, "big")
    return result.to_bytes(_SHA1_SIZE, "big")


def subkey(master: bytes, label: bytes) -> bytes:
    """An independent 20-byte key for one purpose (encryption, MAC, PIN check)."""
    return otp.hmac(master, label, "sha1")
