"""QR code encoder (ISO/IEC 18004 model 2, versions 1 to 10) for showing an otpauth URI on the OLED.

CircuitPython can read QR codes (``qrio``) but not make them. This module needs only
``micropython.const`` and runs on CircuitPython and CPython alike. Versions stop at 10: its 57
modules plus a quiet zone are the most a 64-pixel-high panel shows at one pixel per module.

Data goes in byte mode, except runs of alphanumeric characters (digits, upper-case letters and
`` $%*+-./:``) long enough to save bits, which go in alphanumeric mode at 5.5 bits a character: a
base32 secret of 32 characters then takes about 7 bytes less.

Memory: while encoding, two bytearrays of one byte per module (3,249 each at version 10); the
finished ``QR`` keeps one bit per module. The GF(256) tables are built by the first encode.
"""

from micropython import const

try:
    from typing import Any, Optional, Tuple, Union
except ImportError:
    pass

MAX_VERSION = const(10)
QUIET_ZONE = const(4)  # modules of light margin the standard asks for on every side

_MODE_ALPHANUMERIC = const(0b0010)
_MODE_BYTE = const(0b0100)
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

_LEVELS = "LMQH"
# How the format information spells each of L, M, Q, H.
_LEVEL_BITS = b"\x01\x00\x03\x02"
# ISO/IEC 18004's error correction characteristics, versions 1..10, four entries (L, M, Q, H)
# a version.
_TOTAL_CODEWORDS = (26, 44, 70, 100, 134, 172, 196, 242, 292, 346)
_EC_PER_BLOCK = bytes((
    7, 10, 13, 17,  10, 16, 22, 28,  15, 26, 18, 22,  20, 18, 26, 16,  26, 24, 18, 22,
    18, 16, 24, 28,  20, 18, 18, 26,  24, 22, 22, 26,  30, 22, 20, 24,  18, 26, 24, 28,
))  # fmt: skip
_BLOCKS = bytes((
    1, 1, 1, 1,  1, 1, 1, 1,  1, 1, 2, 2,  1, 2, 2, 4,  1, 2, 4, 4,
    2, 4, 4, 4,  2, 4, 6, 5,  2, 4, 6, 6,  2, 5, 8, 8,  4, 5, 8, 8,
))  # fmt: skip

_PAD_BYTES = b"\xec\x11"
_FINDER_PENALTY = const(40)

# GF(256) antilog table (doubled, so a product needs no modulo) and log table, built at first use.
_gf: "Optional[Tuple[bytearray, bytearray]]" = None


class QR:
    """A finished symbol of ``size`` × ``size`` modules, stored one bit each, row by row."""

    def __init__(self, version: int, ecc: str, mask: int, bits: bytearray) -> None:
        self.version = version
        self.size = version * 4 + 17
        self.ecc = ecc
        self.mask = mask
        self._bits = bits

    def module(self, x: int, y: int) -> bool:
        """True for a dark module; anything outside the symbol is light (the quiet zone)."""
        size = self.size
        if 0 <= x < size and 0 <= y < size:
            k = y * size + x
            return bool(self._bits[k >> 3] >> (k & 7) & 1)
        return False

    def blit(
        self, buf: Any, width: int, x0: int, y0: int, scale: int = 1, quiet: int = QUIET_ZONE
    ) -> None:
        """Draw into an SSD1306 frame buffer (bit ``y % 8`` of byte ``(y // 8) * width + x``)
        with the top-left corner of the quiet zone at (x0, y0), clipped to the buffer.

        A phone needs dark modules on a light background, and on an OLED light is a lit pixel:
        the quiet zone and light modules are lit, dark modules are off. The square drawn is
        ``(size + 2 * quiet) * scale`` pixels wide. The standard asks for ``quiet=4``; versions 9
        and 10 only fit 64 pixels with less (2 leaves 61 pixels for version 10).
        """
        height = len(buf) * 8 // width
        size = self.size
        bits = self._bits
        side = (size + 2 * quiet) * scale
        for py in range(max(y0, 0), min(y0 + side, height)):
            my = (py - y0) // scale - quiet
            row = my * size if 0 <= my < size else -1
            base = (py >> 3) * width
            lit = 1 << (py & 7)
            unlit = ~lit & 0xFF
            for px in range(max(x0, 0), min(x0 + side, width)):
                mx = (px - x0) // scale - quiet
                if row >= 0 and 0 <= mx < size:
                    k = row + mx
                    if bits[k >> 3] >> (k & 7) & 1:
                        buf[base + px] &= unlit
                        continue
                buf[base + px] |= lit


def encode(
    data: Union[bytes, bytearray, str],
    ecc: str = "M",
    max_version: int = MAX_VERSION,
    mask: Optional[int] = None,
) -> QR:
    """The smallest QR code (version 1..``max_version``) holding ``data`` at error correction
    level ``ecc`` ("L", "M", "Q" or "H"). ``mask`` forces a mask pattern (0..7) instead of the
    one with the lowest penalty. ``str`` data is encoded as UTF-8.

    Raises ``ValueError`` for a bad argument or data too long for ``max_version``.
    """
    if isinstance(data, str):
        data = data.encode()
    level = _LEVELS.find(ecc) if isinstance(ecc, str) and len(ecc) == 1 else -1
    if level < 0:
        raise ValueError("ecc must be L, M, Q or H, not %r" % (ecc,))
    if not 1 <= max_version <= MAX_VERSION:
        raise ValueError("max_version must be 1..%d, not %r" % (MAX_VERSION, max_version))
    if mask is not None and not 0 <= mask <= 7:
        raise ValueError("mask must be 0..7, not %r" % (mask,))
    version = 1
    while True:
        index = (version - 1) * 4 + level
        capacity = _TOTAL_CODEWORDS[version - 1] - _BLOCKS[index] * _EC_PER_BLOCK[index]
        if _data_bits(data, version, None) <= capacity * 8:
            break
        if version == max_version:
            raise ValueError(
                "too long for a QR code of version ≤ %d: %d bytes" % (max_version, len(data))
            )
        version += 1
    codewords = _codewords(data, version, capacity, index)
    size = version * 4 + 17
    grid = bytearray(size * size)  # 1 = dark
    fixed = bytearray(size * size)  # 1 = function pattern, never holds data nor gets masked
    _draw_function_patterns(grid, fixed, size, version)
    _place(grid, fixed, size, codewords)
    del codewords
    # From here on only the data modules matter, so the same bytes now say which masks flip each.
    flips = _mask_flips(fixed, size)
    level_bits = _LEVEL_BITS[level]
    if mask is None:
        mask = _best_mask(grid, flips, size, level_bits)
    _apply_mask(grid, flips, mask)
    del flips, fixed
    _draw_format(grid, None, size, _format_bits(level_bits, mask))
    bits = bytearray((size * size + 7) >> 3)
    for k in range(size * size):
        if grid[k]:
            bits[k >> 3] |= 1 << (k & 7)
    return QR(version, _LEVELS[level], mask, bits)


def _data_bits(data: Union[bytes, bytearray], version: int, out: Optional[bytearray]) -> int:
    """Write ``data`` as segments into ``out`` (only count when None); returns the bit count.

    Each maximal run of alphanumeric characters gets its own segment when that costs fewer bits
    than leaving it in the byte segment around it. Runs are separated by bytes, so the choices
    are independent and this gives the shortest stream these two modes can make.
    """
    n = len(data)
    byte_header = 20 if version >= 10 else 12  # mode indicator and character count
    pos = 0
    done = 0  # data[:done] is written
    i = 0
    while i < n:
        j = i
        while j < n and _ALPHANUMERIC.find(chr(data[j])) >= 0:
            j += 1
        if j == i:
            i += 1
            continue
        cost = _put_segment(None, 0, data, i, j, version, True)
        if i and j < n:
            cost += byte_header  # splits a byte segment in two
        elif not i and j == n:
            cost -= byte_header  # no byte segment at all
        if cost < 8 * (j - i):
            if done < i:
                pos = _put_segment(out, pos, data, done, i, version, False)
            pos = _put_segment(out, pos, data, i, j, version, True)
            done = j
        i = j
    if done < n or not n:
        pos = _put_segment(out, pos, data, done, n, version, False)
    return pos


def _put_segment(
    out: Optional[bytearray],
    pos: int,
    data: Union[bytes, bytearray],
    start: int,
    end: int,
    version: int,
    alphanumeric: bool,
) -> int:
    n = end - start
    if alphanumeric:
        pos = _put_bits(out, pos, _MODE_ALPHANUMERIC, 4)
        pos = _put_bits(out, pos, n, 11 if version >= 10 else 9)
        for i in range(start, end - 1, 2):
            pair = _ALPHANUMERIC.find(chr(data[i])) * 45 + _ALPHANUMERIC.find(chr(data[i + 1]))
            pos = _put_bits(out, pos, pair, 11)
        if n & 1:
            pos = _put_bits(out, pos, _ALPHANUMERIC.find(chr(data[end - 1])), 6)
    else:
        pos = _put_bits(out, pos, _MODE_BYTE, 4)
        pos = _put_bits(out, pos, n, 16 if version >= 10 else 8)
        for i in range(start, end):
            pos = _put_bits(out, pos, data[i], 8)
    return pos


def _put_bits(out: Optional[bytearray], pos: int, value: int, count: int) -> int:
    if out is not None:
        for i in range(count - 1, -1, -1):
            if value >> i & 1:
                out[pos >> 3] |= 0x80 >> (pos & 7)
            pos += 1
        return pos
    return pos + count


def _codewords(data: Union[bytes, bytearray], version: int, capacity: int, index: int) -> bytearray:
    """Data codewords with their Reed–Solomon codewords, interleaved as the symbol holds them."""
    words = bytearray(capacity)
    pos = _data_bits(data, version, words)
    # The terminator (four zero bits, fewer if the symbol is full) and the zero bits up to a
    # byte boundary are already there.
    first_pad = (pos + 4 + 7) >> 3
    for i in range(first_pad, capacity):
        words[i] = _PAD_BYTES[(i - first_pad) & 1]

    blocks = _BLOCKS[index]
    ec = _EC_PER_BLOCK[index]
    total = _TOTAL_CODEWORDS[version - 1]
    # The last (total % blocks) blocks carry one data codeword more than the others.
    short = total // blocks - ec
    longs = total % blocks
    out = bytearray(total)
    remainder = bytearray(ec)
    generator = _generator_logs(ec)
    start = 0
    first_long = blocks - longs
    for b in range(blocks):
        length = short + 1 if b >= first_long else short
        # Interleaved: the i-th codeword of every block in turn, then the same for EC codewords.
        for i in range(short):
            out[i * blocks + b] = words[start + i]
        if length > short:
            out[short * blocks + b - first_long] = words[start + short]
        _rs_remainder(words, start, start + length, generator, remainder)
        for i in range(ec):
            out[capacity + i * blocks + b] = remainder[i]
        start += length
    return out


def _gf_tables() -> Tuple[bytearray, bytearray]:
    global _gf
    if _gf is None:
        exp = bytearray(512)
        log = bytearray(256)
        x = 1
        for i in range(255):
            exp[i] = exp[i + 255] = x
            log[x] = i
            x <<= 1
            if x & 0x100:
                x ^= 0x11D  # the field's polynomial x^8 + x^4 + x^3 + x^2 + 1
        _gf = (exp, log)
    return _gf


def _generator_logs(degree: int) -> bytearray:
    """Logs of the coefficients of (x - a^0)(x - a^1)...(x - a^(degree-1)), highest first,
    leading 1 left out. None is zero for the degrees QR codes use, so logs are enough."""
    exp, log = _gf_tables()
    poly = bytearray(degree)
    poly[degree - 1] = 1
    for root_log in range(degree):
        for j in range(degree):
            c = poly[j]
            c = exp[log[c] + root_log] if c else 0
            if j + 1 < degree:
                c ^= poly[j + 1]
            poly[j] = c
    for j in range(degree):
        poly[j] = log[poly[j]]
    return poly


def _rs_remainder(
    words: bytearray, start: int, end: int, generator: bytearray, out: bytearray
) -> None:
    """``out`` = words[start:end] × x^len(out) mod generator: the block's EC codewords."""
    exp, log = _gf_tables()
    last = len(out) - 1
    for i in range(last + 1):
        out[i] = 0
    for k in range(start, end):
        factor = words[k] ^ out[0]
        f = log[factor]
        for i in range(last):
            out[i] = out[i + 1] ^ (exp[f + generator[i]] if factor else 0)
        out[last] = exp[f + generator[last]] if factor else 0


def _fix(grid: bytearray, fixed: Optional[bytearray], size: int, x: int, y: int, dark: int) -> None:
    k = y * size + x
    grid[k] = dark
    if fixed is not None:
        fixed[k] = 1


def _draw_function_patterns(grid: bytearray, fixed: bytearray, size: int, version: int) -> None:
    for i in range(size):  # timing patterns; the finders drawn next overwrite their ends
        _fix(grid, fixed, size, 6, i, 1 - (i & 1))
        _fix(grid, fixed, size, i, 6, 1 - (i & 1))
    far = size - 4
    for cx, cy in ((3, 3), (far, 3), (3, far)):
        # Dark centre 3×3, light ring, dark ring, and the light separator around it.
        _squares(grid, fixed, size, cx, cy, 4, 0b10100)
    if version > 1:
        last = size - 7
        # Versions 2..10 need no table: centres are 6, the far one, and from 7 on the middle.
        centres = (6, last) if version < 7 else (6, (6 + last) >> 1, last)
        for cy in centres:
            for cx in centres:
                if not ((cx == 6 and cy in (6, last)) or (cx == last and cy == 6)):
                    _squares(grid, fixed, size, cx, cy, 2, 0b10)  # unless on a finder
    _draw_format(grid, fixed, size, 0)  # reserves the area; the real bits come with the mask
    if version >= 7:
        rem = version
        for _ in range(12):
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)  # BCH(18, 6)
        bits = version << 12 | rem
        for i in range(18):
            a = size - 11 + i % 3
            b = i // 3
            _fix(grid, fixed, size, a, b, bits >> i & 1)
            _fix(grid, fixed, size, b, a, bits >> i & 1)


def _squares(
    grid: bytearray, fixed: bytearray, size: int, cx: int, cy: int, radius: int, light: int
) -> None:
    """Concentric squares around (cx, cy), clipped to the symbol; the ring at distance r is light
    when bit r of ``light`` is set."""
    for y in range(max(cy - radius, 0), min(cy + radius + 1, size)):
        for x in range(max(cx - radius, 0), min(cx + radius + 1, size)):
            ring = max(abs(x - cx), abs(y - cy))
            _fix(grid, fixed, size, x, y, 0 if light >> ring & 1 else 1)


def _format_bits(level_bits: int, mask: int) -> int:
    data = level_bits << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)  # BCH(15, 5)
    return (data << 10 | rem) ^ 0x5412


def _draw_format(grid: bytearray, fixed: Optional[bytearray], size: int, bits: int) -> None:
    for i in range(15):
        bit = bits >> i & 1
        # One copy wraps around the top-left finder, skipping the timing patterns; the other is
        # split between the top-right and bottom-left finders.
        if i < 8:
            _fix(grid, fixed, size, 8, i if i < 6 else i + 1, bit)
            _fix(grid, fixed, size, size - 1 - i, 8, bit)
        else:
            _fix(grid, fixed, size, 7 if i == 8 else 14 - i, 8, bit)
            _fix(grid, fixed, size, 8, size - 15 + i, bit)
    _fix(grid, fixed, size, 8, size - 8, 1)  # the dark module


def _place(grid: bytearray, fixed: bytearray, size: int, codewords: bytearray) -> None:
    """Codeword bits, most significant first, up and down two-module columns from the right."""
    count = len(codewords) * 8
    i = 0
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5  # the vertical timing pattern takes a whole column
        upward = not (right + 1) & 2
        for vert in range(size):
            row = (size - 1 - vert if upward else vert) * size
            for k in range(row + right, row + right - 2, -1):
                if not fixed[k]:
                    # Modules after the last codeword are remainder bits: zero, so left as is.
                    if i < count and codewords[i >> 3] >> (7 - (i & 7)) & 1:
                        grid[k] = 1
                    i += 1
        right -= 2


def _mask_flips(fixed: bytearray, size: int) -> bytearray:
    """Turn ``fixed`` in place into, per module, a byte whose bit m says mask m flips it."""
    k = 0
    for y in range(size):
        for x in range(size):
            flips = 0
            if not fixed[k]:
                xy = x * y
                flips = (
                    (0 if (x + y) & 1 else 0x01)
                    | (0 if y & 1 else 0x02)
                    | (0 if x % 3 else 0x04)
                    | (0 if (x + y) % 3 else 0x08)
                    | (0 if (x // 3 + y // 2) & 1 else 0x10)
                    | (0 if (xy & 1) + xy % 3 else 0x20)
                    | (0 if ((xy & 1) + xy % 3) & 1 else 0x40)
                    | (0 if (((x + y) & 1) + xy % 3) & 1 else 0x80)
                )
            fixed[k] = flips
            k += 1
    return fixed


def _apply_mask(grid: bytearray, flips: bytearray, mask: int) -> None:
    bit = 1 << mask
    for k in range(len(grid)):
        if flips[k] & bit:
            grid[k] ^= 1


def _best_mask(grid: bytearray, flips: bytearray, size: int, level_bits: int) -> int:
    # Each candidate is scored with its own format information drawn, as ZXing's encoder does:
    # the score is that of the symbol that would be shown.
    best = 0
    lowest = -1
    for mask in range(8):
        _apply_mask(grid, flips, mask)
        _draw_format(grid, None, size, _format_bits(level_bits, mask))
        score = _penalty(grid, size)
        if lowest < 0 or score < lowest:
            lowest = score
            best = mask
        _apply_mask(grid, flips, mask)  # flipping again restores the unmasked symbol
    return best


def _penalty(grid: bytearray, size: int) -> int:
    """ISO/IEC 18004 section 7.8.3: long runs, 2×2 blocks, finder look-alikes, dark balance."""
    score = 0
    for i in range(size):
        score += _line_penalty(grid, i * size, 1, size)
        score += _line_penalty(grid, i, size, size)
    for y in range(size - 1):
        k = y * size
        for _ in range(size - 1):
            c = grid[k]
            if c == grid[k + 1] and c == grid[k + size] and c == grid[k + size + 1]:
                score += 3
            k += 1
    total = size * size
    dark = sum(grid)
    # 10 points for each full 5 % step away from half dark.
    return score + abs(dark * 20 - total * 10) // total * 10


def _line_penalty(grid: bytearray, k: int, step: int, size: int) -> int:
    """Runs of five or more of a colour (3 points, +1 per module beyond five) and dark-light-dark
    1:1:3:1:1 patterns with four light modules on either side (40 points), along one row
    (``step`` 1) or column (``step`` ``size``). Beyond the edge counts as light."""
    score = 0
    # Lengths of the last six finished runs, newest first; colours alternate, r1 is dark when a
    # light run ends.
    r1 = r2 = r3 = r4 = r5 = r6 = 0
    color = 0
    same = 0
    run = QUIET_ZONE  # the quiet zone extends the first light run for the finder rule only
    for _ in range(size):
        c = grid[k]
        k += step
        if c == color:
            same += 1
            run += 1
            continue
        if same >= 5:
            score += same - 2
        if c and r3 == 3 and _finder_like(r1, r2, r3, r4, r5, r6, run):
            score += _FINDER_PENALTY
        r6 = r5
        r5 = r4
        r4 = r3
        r3 = r2
        r2 = r1
        r1 = run
        color = c
        same = 1
        run = 1
    if same >= 5:
        score += same - 2
    if color:
        r6 = r5
        r5 = r4
        r4 = r3
        r3 = r2
        r2 = r1
        r1 = run
        run = 0
    if _finder_like(r1, r2, r3, r4, r5, r6, run + QUIET_ZONE):
        score += _FINDER_PENALTY
    return score


def _finder_like(r1: int, r2: int, r3: int, r4: int, r5: int, r6: int, light: int) -> bool:
    """Runs light r6, dark r5, 1, 3, 1, dark r1, then ``light``: a 1:1:3:1:1 core with four
    light modules right before or right after it."""
    return r2 == 1 and r3 == 3 and r4 == 1 and ((r5 == 1 and r6 >= 4) or (r1 == 1 and light >= 4))
