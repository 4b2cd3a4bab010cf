"""SHA-1 (FIPS 180-4) in pure Python, for when the native ``hashlib`` cannot be used.

No ``hashlib``, ``struct`` or ``typing`` at run time, so it runs on CircuitPython, and unchanged
on CPython, where the tests check it against hashlib. An RP2040's ``hashlib`` has SHA-1, so a
board loads this module only when the native hash is turned off. Hashing allocates nothing per
block but the integers themselves: the message schedule is reused, and the buffering
(``blockhash.py``) reads whole blocks in place.
"""

from smartkey_fw.blockhash import BlockHash

try:
    from typing import List
except ImportError:
    pass

_IV = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
# Message schedules not in use. A block borrows one and gives it back, so a board keeps a
# single schedule (and the integers in it) alive whatever the number of hash objects, and two
# threads on CPython never share one.
_schedules = []  # type: List[List[int]]


def _compress(state: "List[int]", block: memoryview, offset: int) -> None:
    """Mix the 64 bytes of ``block`` at ``offset`` into ``state``.

    Rotations multiply by 2**32 + 1, which puts a copy of the 32-bit word above itself: the 32
    bits from bit n of the product are the word rotated right by n, so a rotation is one shift.
    The bits left above the word are cleared by the mask on the sum that takes them in.
    Constants are literals because CPython looks a ``const()`` name up on every use.
    """
    try:
        w = _schedules.pop()
    except IndexError:
        w = [0] * 80
    from_bytes = int.from_bytes
    for i in range(16):
        w[i] = from_bytes(block[offset : offset + 4], "big")
        offset += 4
    for i in range(16, 80):
        w[i] = (((w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]) * 0x100000001) >> 31) & 0xFFFFFFFF
    a, b, c, d, e = state
    # Each round is e += rotl5(a) + f(b, c, d) + K + W[i]; b = rotl30(b); then every variable
    # moves one letter on. Five rounds a pass rename the variables instead of moving the values.
    # rotl30(b) stays unmasked: until a sum takes it in it only goes through the bitwise f,
    # whose low 32 bits the bits above cannot touch.
    for i in range(0, 20, 5):  # choose
        e = (e + ((a * 0x100000001) >> 27) + (d ^ (b & (c ^ d))) + 0x5A827999 + w[i]) & 0xFFFFFFFF
        b = (b * 0x100000001) >> 2
        d = (
            d + ((e * 0x100000001) >> 27) + (c ^ (a & (b ^ c))) + 0x5A827999 + w[i + 1]
        ) & 0xFFFFFFFF
        a = (a * 0x100000001) >> 2
        c = (
            c + ((d * 0x100000001) >> 27) + (b ^ (e & (a ^ b))) + 0x5A827999 + w[i + 2]
        ) & 0xFFFFFFFF
        e = (e * 0x100000001) >> 2
        b = (
            b + ((c * 0x100000001) >> 27) + (a ^ (d & (e ^ a))) + 0x5A827999 + w[i + 3]
        ) & 0xFFFFFFFF
        d = (d * 0x100000001) >> 2
        a = (
            a + ((b * 0x100000001) >> 27) + (e ^ (c & (d ^ e))) + 0x5A827999 + w[i + 4]
        ) & 0xFFFFFFFF
        c = (c * 0x100000001) >> 2
    for i in range(20, 40, 5):  # parity
        e = (e + ((a * 0x100000001) >> 27) + (b ^ c ^ d) + 0x6ED9EBA1 + w[i]) & 0xFFFFFFFF
        b = (b * 0x100000001) >> 2
        d = (d + ((e * 0x100000001) >> 27) + (a ^ b ^ c) + 0x6ED9EBA1 + w[i + 1]) & 0xFFFFFFFF
        a = (a * 0x100000001) >> 2
        c = (c + ((d * 0x100000001) >> 27) + (e ^ a ^ b) + 0x6ED9EBA1 + w[i + 2]) & 0xFFFFFFFF
        e = (e * 0x100000001) >> 2
        b = (b + ((c * 0x100000001) >> 27) + (d ^ e ^ a) + 0x6ED9EBA1 + w[i + 3]) & 0xFFFFFFFF
        d = (d * 0x100000001) >> 2
        a = (a + ((b * 0x100000001) >> 27) + (c ^ d ^ e) + 0x6ED9EBA1 + w[i + 4]) & 0xFFFFFFFF
        c = (c * 0x100000001) >> 2
    for i in range(40, 60, 5):  # majority
        e = (
            e + ((a * 0x100000001) >> 27) + ((b & c) | (d & (b | c))) + 0x8F1BBCDC + w[i]
        ) & 0xFFFFFFFF
        b = (b * 0x100000001) >> 2
        d = (
            d + ((e * 0x100000001) >> 27) + ((a & b) | (c & (a | b))) + 0x8F1BBCDC + w[i + 1]
        ) & 0xFFFFFFFF
        a = (a * 0x100000001) >> 2
        c = (
            c + ((d * 0x100000001) >> 27) + ((e & a) | (b & (e | a))) + 0x8F1BBCDC + w[i + 2]
        ) & 0xFFFFFFFF
        e = (e * 0x100000001) >> 2
        b = (
            b + ((c * 0x100000001) >> 27) + ((d & e) | (a & (d | e))) + 0x8F1BBCDC + w[i + 3]
        ) & 0xFFFFFFFF
        d = (d * 0x100000001) >> 2
        a = (
            a + ((b * 0x100000001) >> 27) + ((c & d) | (e & (c | d))) + 0x8F1BBCDC + w[i + 4]
        ) & 0xFFFFFFFF
        c = (c * 0x100000001) >> 2
    for i in range(60, 80, 5):  # parity
        e = (e + ((a * 0x100000001) >> 27) + (b ^ c ^ d) + 0xCA62C1D6 + w[i]) & 0xFFFFFFFF
        b = (b * 0x100000001) >> 2
        d = (d + ((e * 0x100000001) >> 27) + (a ^ b ^ c) + 0xCA62C1D6 + w[i + 1]) & 0xFFFFFFFF
        a = (a * 0x100000001) >> 2
        c = (c + ((d * 0x100000001) >> 27) + (e ^ a ^ b) + 0xCA62C1D6 + w[i + 2]) & 0xFFFFFFFF
        e = (e * 0x100000001) >> 2
        b = (b + ((c * 0x100000001) >> 27) + (d ^ e ^ a) + 0xCA62C1D6 + w[i + 3]) & 0xFFFFFFFF
        d = (d * 0x100000001) >> 2
        a = (a + ((b * 0x100000001) >> 27) + (c ^ d ^ e) + 0xCA62C1D6 + w[i + 4]) & 0xFFFFFFFF
        c = (c * 0x100000001) >> 2
    state[0] = (state[0] + a) & 0xFFFFFFFF
    state[1] = (state[1] + b) & 0xFFFFFFFF
    state[2] = (state[2] + c) & 0xFFFFFFFF
    state[3] = (state[3] + d) & 0xFFFFFFFF
    state[4] = (state[4] + e) & 0xFFFFFFFF
    _schedules.append(w)


class sha1(BlockHash):
    """A SHA-1 hash object with hashlib's interface; ``digest`` does not end the message."""

    name = "sha1"
    digest_size = 20
    block_size = 64
    _iv = _IV
    _word = 4
    _compress = staticmethod(_compress)
