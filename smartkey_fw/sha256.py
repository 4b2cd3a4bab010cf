"""SHA-256 (FIPS 180-4) in pure Python, for boards whose ``hashlib`` lacks it, such as RP2040's.

Needs ``array`` only: no ``hashlib``, ``struct`` or ``typing`` at run time, so it runs on
CircuitPython, and unchanged on CPython, where the tests check it against hashlib. Hashing
allocates nothing per block but the integers themselves: the message schedule is reused, and the
buffering (``blockhash.py``) reads whole blocks in place.
"""

from array import array

from smartkey_fw.blockhash import BlockHash

try:
    from typing import List
except ImportError:
    pass


# An array, not a tuple: on a 32-bit board a tuple would hold most of these as heap integers.
# fmt: off
_K = array("I", (
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1,
    0x923F82A4, 0xAB1C5ED5, 0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3,
    0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174, 0xE49B69C1, 0xEFBE4786,
    0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147,
    0x06CA6351, 0x14292967, 0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13,
    0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85, 0xA2BFE8A1, 0xA81A664B,
    0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A,
    0x5B9CCA4F, 0x682E6FF3, 0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208,
    0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
))
_IV = (
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
)
# fmt: on
# Message schedules not in use. A block borrows one and gives it back, so a board keeps a
# single schedule (and the integers in it) alive whatever the number of hash objects, and two
# threads on CPython never share one.
_schedules = []  # type: List[List[int]]


def _compress(state: "List[int]", block: memoryview, offset: int) -> None:
    """Mix the 64 bytes of ``block`` at ``offset`` into ``state``.

    Rotations multiply by 2**32 + 1, which puts a copy of the 32-bit word above itself:
    the 32 bits from bit n of the product are the word rotated right by n, so a rotation is
    one shift. The bits left above the word are cleared by the mask on the sum that takes them
    in. Constants are literals because CPython looks a ``const()`` name up on every use.
    """
    try:
        w = _schedules.pop()
    except IndexError:
        w = [0] * 64
    from_bytes = int.from_bytes
    for i in range(16):
        w[i] = from_bytes(block[offset : offset + 4], "big")
        offset += 4
    for i in range(16, 64):
        x = w[i - 15]
        y = w[i - 2]
        xx = x * 0x100000001
        yy = y * 0x100000001
        w[i] = (
            w[i - 16]
            + w[i - 7]
            + ((xx >> 7) ^ (xx >> 18) ^ (x >> 3))
            + ((yy >> 17) ^ (yy >> 19) ^ (y >> 10))
        ) & 0xFFFFFFFF
    k = _K
    a, b, c, d, e, f, g, h = state
    # Each round is t = h + Sigma1(e) + Ch(e, f, g) + K[i] + W[i]; d += t;
    # h = t + Sigma0(a) + Maj(a, b, c); then every variable moves one letter on. Eight rounds a
    # pass rename the variables instead of moving the values.
    for i in range(0, 64, 8):
        x = e * 0x100000001
        t = h + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (g ^ (e & (f ^ g))) + k[i] + w[i]
        d = (d + t) & 0xFFFFFFFF
        x = a * 0x100000001
        h = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((a & b) | (c & (a | b)))) & 0xFFFFFFFF
        n = i + 1
        x = d * 0x100000001
        t = g + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (f ^ (d & (e ^ f))) + k[n] + w[n]
        c = (c + t) & 0xFFFFFFFF
        x = h * 0x100000001
        g = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((h & a) | (b & (h | a)))) & 0xFFFFFFFF
        n = i + 2
        x = c * 0x100000001
        t = f + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (e ^ (c & (d ^ e))) + k[n] + w[n]
        b = (b + t) & 0xFFFFFFFF
        x = g * 0x100000001
        f = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((g & h) | (a & (g | h)))) & 0xFFFFFFFF
        n = i + 3
        x = b * 0x100000001
        t = e + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (d ^ (b & (c ^ d))) + k[n] + w[n]
        a = (a + t) & 0xFFFFFFFF
        x = f * 0x100000001
        e = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((f & g) | (h & (f | g)))) & 0xFFFFFFFF
        n = i + 4
        x = a * 0x100000001
        t = d + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (c ^ (a & (b ^ c))) + k[n] + w[n]
        h = (h + t) & 0xFFFFFFFF
        x = e * 0x100000001
        d = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((e & f) | (g & (e | f)))) & 0xFFFFFFFF
        n = i + 5
        x = h * 0x100000001
        t = c + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (b ^ (h & (a ^ b))) + k[n] + w[n]
        g = (g + t) & 0xFFFFFFFF
        x = d * 0x100000001
        c = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((d & e) | (f & (d | e)))) & 0xFFFFFFFF
        n = i + 6
        x = g * 0x100000001
        t = b + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (a ^ (g & (h ^ a))) + k[n] + w[n]
        f = (f + t) & 0xFFFFFFFF
        x = c * 0x100000001
        b = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((c & d) | (e & (c | d)))) & 0xFFFFFFFF
        n = i + 7
        x = f * 0x100000001
        t = a + ((x >> 6) ^ (x >> 11) ^ (x >> 25)) + (h ^ (f & (g ^ h))) + k[n] + w[n]
        e = (e + t) & 0xFFFFFFFF
        x = b * 0x100000001
        a = (t + ((x >> 2) ^ (x >> 13) ^ (x >> 22)) + ((b & c) | (d & (b | c)))) & 0xFFFFFFFF
    state[0] = (state[0] + a) & 0xFFFFFFFF
    state[1] = (state[1] + b) & 0xFFFFFFFF
    state[2] = (state[2] + c) & 0xFFFFFFFF
    state[3] = (state[3] + d) & 0xFFFFFFFF
    state[4] = (state[4] + e) & 0xFFFFFFFF
    state[5] = (state[5] + f) & 0xFFFFFFFF
    state[6] = (state[6] + g) & 0xFFFFFFFF
    state[7] = (state[7] + h) & 0xFFFFFFFF
    _schedules.append(w)


class sha256(BlockHash):
    """A SHA-256 hash object with hashlib's interface; ``digest`` does not end the message."""

    name = "sha256"
    digest_size = 32
    block_size = 64
    _iv = _IV
    _word = 4
    _compress = staticmethod(_compress)
