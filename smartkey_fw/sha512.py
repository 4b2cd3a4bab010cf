"""SHA-512 (FIPS 180-4) in pure Python, for boards whose ``hashlib`` lacks it, such as RP2040's.

Needs ``array`` only: no ``hashlib``, ``struct`` or ``typing`` at run time, so it runs on
CircuitPython, and unchanged on CPython, where the tests check it against hashlib. Hashing
allocates nothing per block but the integers themselves: the message schedule is reused, and the
buffering (``blockhash.py``) reads whole blocks in place.

Words are plain 64-bit ints, not pairs of 32-bit halves. A board whose small ints stop at 2**30
boxes most 32-bit halves too, so halves would not avoid heap integers: they would double the
operations, and with them the allocations (measured on MicroPython with 31-bit small ints: twice
the time and twice the garbage of this version).
"""

from array import array

from smartkey_fw.blockhash import BlockHash

try:
    from typing import List
except ImportError:
    pass


# An array, not a tuple: on a 32-bit board a tuple would hold each of these as a heap integer,
# some 32 bytes apiece; the array packs them into 640.
# fmt: off
_K = array("Q", (
    0x428A2F98D728AE22, 0x7137449123EF65CD, 0xB5C0FBCFEC4D3B2F,
    0xE9B5DBA58189DBBC, 0x3956C25BF348B538, 0x59F111F1B605D019,
    0x923F82A4AF194F9B, 0xAB1C5ED5DA6D8118, 0xD807AA98A3030242,
    0x12835B0145706FBE, 0x243185BE4EE4B28C, 0x550C7DC3D5FFB4E2,
    0x72BE5D74F27B896F, 0x80DEB1FE3B1696B1, 0x9BDC06A725C71235,
    0xC19BF174CF692694, 0xE49B69C19EF14AD2, 0xEFBE4786384F25E3,
    0x0FC19DC68B8CD5B5, 0x240CA1CC77AC9C65, 0x2DE92C6F592B0275,
    0x4A7484AA6EA6E483, 0x5CB0A9DCBD41FBD4, 0x76F988DA831153B5,
    0x983E5152EE66DFAB, 0xA831C66D2DB43210, 0xB00327C898FB213F,
    0xBF597FC7BEEF0EE4, 0xC6E00BF33DA88FC2, 0xD5A79147930AA725,
    0x06CA6351E003826F, 0x142929670A0E6E70, 0x27B70A8546D22FFC,
    0x2E1B21385C26C926, 0x4D2C6DFC5AC42AED, 0x53380D139D95B3DF,
    0x650A73548BAF63DE, 0x766A0ABB3C77B2A8, 0x81C2C92E47EDAEE6,
    0x92722C851482353B, 0xA2BFE8A14CF10364, 0xA81A664BBC423001,
    0xC24B8B70D0F89791, 0xC76C51A30654BE30, 0xD192E819D6EF5218,
    0xD69906245565A910, 0xF40E35855771202A, 0x106AA07032BBD1B8,
    0x19A4C116B8D2D0C8, 0x1E376C085141AB53, 0x2748774CDF8EEB99,
    0x34B0BCB5E19B48A8, 0x391C0CB3C5C95A63, 0x4ED8AA4AE3418ACB,
    0x5B9CCA4F7763E373, 0x682E6FF3D6B2B8A3, 0x748F82EE5DEFB2FC,
    0x78A5636F43172F60, 0x84C87814A1F0AB72, 0x8CC702081A6439EC,
    0x90BEFFFA23631E28, 0xA4506CEBDE82BDE9, 0xBEF9A3F7B2C67915,
    0xC67178F2E372532B, 0xCA273ECEEA26619C, 0xD186B8C721C0C207,
    0xEADA7DD6CDE0EB1E, 0xF57D4F7FEE6ED178, 0x06F067AA72176FBA,
    0x0A637DC5A2C898A6, 0x113F9804BEF90DAE, 0x1B710B35131C471B,
    0x28DB77F523047D84, 0x32CAAB7B40C72493, 0x3C9EBE0A15C9BEBC,
    0x431D67C49C100D4C, 0x4CC5D4BECB3E42B6, 0x597F299CFC657E2A,
    0x5FCB6FAB3AD6FAEC, 0x6C44198C4A475817,
))
_IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B,
    0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F,
    0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)
# fmt: on
# Message schedules not in use. A block borrows one and gives it back, so a board keeps a
# single schedule (and the integers in it) alive whatever the number of hash objects, and two
# threads on CPython never share one.
_schedules = []  # type: List[List[int]]


def _compress(state: "List[int]", block: memoryview, offset: int) -> None:
    """Mix the 128 bytes of ``block`` at ``offset`` into ``state``.

    Rotations multiply by 2**64 + 1, which puts a copy of the 64-bit word above itself:
    the 64 bits from bit n of the product are the word rotated right by n, so a rotation is
    one shift. The bits left above the word are cleared by the mask on the sum that takes them
    in. Constants are literals because CPython looks a ``const()`` name up on every use.
    """
    try:
        w = _schedules.pop()
    except IndexError:
        w = [0] * 80
    from_bytes = int.from_bytes
    for i in range(16):
        w[i] = from_bytes(block[offset : offset + 8], "big")
        offset += 8
    for i in range(16, 80):
        x = w[i - 15]
        y = w[i - 2]
        xx = x * 0x10000000000000001
        yy = y * 0x10000000000000001
        w[i] = (
            w[i - 16]
            + w[i - 7]
            + ((xx >> 1) ^ (xx >> 8) ^ (x >> 7))
            + ((yy >> 19) ^ (yy >> 61) ^ (y >> 6))
        ) & 0xFFFFFFFFFFFFFFFF
    k = _K
    a, b, c, d, e, f, g, h = state
    # Each round is t = h + Sigma1(e) + Ch(e, f, g) + K[i] + W[i]; d += t;
    # h = t + Sigma0(a) + Maj(a, b, c); then every variable moves one letter on. Eight rounds a
    # pass rename the variables instead of moving the values.
    for i in range(0, 80, 8):
        x = e * 0x10000000000000001
        t = h + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (g ^ (e & (f ^ g))) + k[i] + w[i]
        d = (d + t) & 0xFFFFFFFFFFFFFFFF
        x = a * 0x10000000000000001
        h = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((a & b) | (c & (a | b)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 1
        x = d * 0x10000000000000001
        t = g + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (f ^ (d & (e ^ f))) + k[n] + w[n]
        c = (c + t) & 0xFFFFFFFFFFFFFFFF
        x = h * 0x10000000000000001
        g = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((h & a) | (b & (h | a)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 2
        x = c * 0x10000000000000001
        t = f + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (e ^ (c & (d ^ e))) + k[n] + w[n]
        b = (b + t) & 0xFFFFFFFFFFFFFFFF
        x = g * 0x10000000000000001
        f = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((g & h) | (a & (g | h)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 3
        x = b * 0x10000000000000001
        t = e + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (d ^ (b & (c ^ d))) + k[n] + w[n]
        a = (a + t) & 0xFFFFFFFFFFFFFFFF
        x = f * 0x10000000000000001
        e = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((f & g) | (h & (f | g)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 4
        x = a * 0x10000000000000001
        t = d + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (c ^ (a & (b ^ c))) + k[n] + w[n]
        h = (h + t) & 0xFFFFFFFFFFFFFFFF
        x = e * 0x10000000000000001
        d = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((e & f) | (g & (e | f)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 5
        x = h * 0x10000000000000001
        t = c + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (b ^ (h & (a ^ b))) + k[n] + w[n]
        g = (g + t) & 0xFFFFFFFFFFFFFFFF
        x = d * 0x10000000000000001
        c = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((d & e) | (f & (d | e)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 6
        x = g * 0x10000000000000001
        t = b + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (a ^ (g & (h ^ a))) + k[n] + w[n]
        f = (f + t) & 0xFFFFFFFFFFFFFFFF
        x = c * 0x10000000000000001
        b = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((c & d) | (e & (c | d)))
        ) & 0xFFFFFFFFFFFFFFFF
        n = i + 7
        x = f * 0x10000000000000001
        t = a + ((x >> 14) ^ (x >> 18) ^ (x >> 41)) + (h ^ (f & (g ^ h))) + k[n] + w[n]
        e = (e + t) & 0xFFFFFFFFFFFFFFFF
        x = b * 0x10000000000000001
        a = (
            t + ((x >> 28) ^ (x >> 34) ^ (x >> 39)) + ((b & c) | (d & (b | c)))
        ) & 0xFFFFFFFFFFFFFFFF
    state[0] = (state[0] + a) & 0xFFFFFFFFFFFFFFFF
    state[1] = (state[1] + b) & 0xFFFFFFFFFFFFFFFF
    state[2] = (state[2] + c) & 0xFFFFFFFFFFFFFFFF
    state[3] = (state[3] + d) & 0xFFFFFFFFFFFFFFFF
    state[4] = (state[4] + e) & 0xFFFFFFFFFFFFFFFF
    state[5] = (state[5] + f) & 0xFFFFFFFFFFFFFFFF
    state[6] = (state[6] + g) & 0xFFFFFFFFFFFFFFFF
    state[7] = (state[7] + h) & 0xFFFFFFFFFFFFFFFF
    _schedules.append(w)


class sha512(BlockHash):
    """A SHA-512 hash object with hashlib's interface; ``digest`` does not end the message."""

    name = "sha512"
    digest_size = 64
    block_size = 128
    _iv = _IV
    _word = 8
    _compress = staticmethod(_compress)
