"""The QR encoder: its symbols decode with zxing-cpp and match segno's module for module."""

import random
from itertools import groupby

import pytest
import segno
import segno.encoder
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from smartkey_fw import qr

LEVELS = "LMQH"
VERSIONS = range(1, 11)
# ISO/IEC 18004's data capacity table: characters that fit versions 1..10 in one segment.
BYTE_CAPACITY = {
    "L": (17, 32, 53, 78, 106, 134, 154, 192, 230, 271),
    "M": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213),
    "Q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151),
    "H": (7, 14, 24, 34, 44, 58, 64, 84, 98, 119),
}
ALPHANUMERIC_CAPACITY = {
    "L": (25, 47, 77, 114, 154, 195, 224, 279, 335, 395),
    "M": (20, 38, 61, 90, 122, 154, 178, 221, 262, 311),
    "Q": (16, 29, 47, 67, 87, 108, 125, 157, 189, 221),
    "H": (10, 20, 35, 50, 64, 84, 93, 122, 143, 174),
}
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
URIS = [
    "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
    "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
    "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
    "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&counter=42",
    "otpauth://totp/Steam:gaben?secret=ONSWG4TFOQ&issuer=Steam&encoder=steam",
    "otpauth://totp/B%C3%BCro:j%C3%BCrgen?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=B%C3%BCro",
    "otpauth://totp/Big:x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=8&period=60",
]


def lowercase(n: int, seed: int = 0) -> bytes:
    """Text with no alphanumeric-mode character, so the encoder makes one byte segment."""
    rnd = random.Random(n * 1009 + seed)
    return bytes(rnd.choice(b"abcdefghijklmnopqrstuvwxyz{|}~") for _ in range(n))


def matrix(symbol: qr.QR) -> list[list[int]]:
    return [[int(symbol.module(x, y)) for x in range(symbol.size)] for y in range(symbol.size)]


def image(symbol: qr.QR, quiet: int = 4, scale: int = 4) -> Image.Image:
    """Dark modules on white, as printed."""
    side = symbol.size + 2 * quiet
    img = Image.new("L", (side, side), 255)
    pixels = img.load()
    for y in range(symbol.size):
        for x in range(symbol.size):
            if symbol.module(x, y):
                pixels[x + quiet, y + quiet] = 0
    return img.resize((side * scale, side * scale), Image.NEAREST)


def decode(img: Image.Image, pure: bool = True) -> zxingcpp.Barcode:
    # No inverted reading: a symbol drawn light on dark must fail here.
    found = zxingcpp.read_barcode(
        img, formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False, is_pure=pure
    )
    assert found is not None and found.valid, "zxing-cpp found no QR code"
    return found


def assert_round_trip(symbol: qr.QR, data: bytes) -> None:
    found = decode(image(symbol))
    assert found.bytes == data
    assert found.extra["Version"] == str(symbol.version)
    assert found.extra["ECLevel"] == symbol.ecc
    assert found.extra["DataMask"] == symbol.mask


@pytest.fixture
def segno_standard_padding(monkeypatch):
    """segno adds eight zero bits when the data already ends on a codeword boundary, where
    ISO/IEC 18004 section 7.4.10 adds none (heuer/segno#148). Decoders ignore the difference; a
    module-by-module comparison does not, so segno gets the fix proposed in that issue."""

    def write_padding_bits(buff, version, length):
        buff.extend([0] * (-length % 8))

    monkeypatch.setattr(segno.encoder, "write_padding_bits", write_padding_bits)


def segno_matrix(data, symbol: qr.QR, mode: str) -> list[list[int]]:
    reference = segno.make(
        data,
        version=symbol.version,
        error=symbol.ecc,
        mask=symbol.mask,
        mode=mode,
        boost_error=False,
    )
    return [list(row) for row in reference.matrix]


@pytest.mark.parametrize("level", LEVELS)
def test_smallest_version_that_fits_bytes(level):
    for version, capacity in zip(VERSIONS, BYTE_CAPACITY[level], strict=True):
        assert qr.encode(lowercase(capacity), level, mask=0).version == version
        if version < 10:
            assert qr.encode(lowercase(capacity + 1), level, mask=0).version == version + 1


@pytest.mark.parametrize("level", LEVELS)
def test_smallest_version_that_fits_alphanumeric(level):
    for version, capacity in zip(VERSIONS, ALPHANUMERIC_CAPACITY[level], strict=True):
        text = (ALPHANUMERIC * 9)[:capacity]
        assert qr.encode(text, level, mask=0).version == version
        if version < 10:
            assert qr.encode(text + "Z", level, mask=0).version == version + 1


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("level", LEVELS)
def test_decodes_at_both_ends_of_each_version(version, level):
    smallest = BYTE_CAPACITY[level][version - 2] + 1 if version > 1 else 1
    for length in (smallest, BYTE_CAPACITY[level][version - 1]):
        data = lowercase(length, seed=version)
        symbol = qr.encode(data, level)
        assert symbol.version == version
        assert symbol.size == 17 + 4 * version
        assert_round_trip(symbol, data)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("level", LEVELS)
def test_same_modules_as_segno(version, level, segno_standard_padding):
    # Codewords, Reed–Solomon, interleaving, placement, masking, format and version
    # information all show up in the modules; each version and level gets a different mask.
    data = lowercase(BYTE_CAPACITY[level][version - 1] - version % 3)
    mask = (version + LEVELS.index(level)) % 8
    symbol = qr.encode(data, level, mask=mask)
    assert symbol.version == version
    assert matrix(symbol) == segno_matrix(data, symbol, "byte")


@pytest.mark.parametrize("version", [1, 7])
@pytest.mark.parametrize("mask", range(8))
def test_every_mask_matches_segno_and_decodes(version, mask, segno_standard_padding):
    data = lowercase(BYTE_CAPACITY["Q"][version - 1] - 3)
    symbol = qr.encode(data, "Q", mask=mask)
    assert (symbol.version, symbol.mask) == (version, mask)
    assert matrix(symbol) == segno_matrix(data, symbol, "byte")
    assert_round_trip(symbol, data)


@pytest.mark.parametrize("length", [1, 2, 9, 10, 11, 12, 47, 90, 311])
def test_alphanumeric_matches_segno(length, segno_standard_padding):
    # Lengths of both parities, with the terminator ending on, before and after a byte boundary.
    text = (ALPHANUMERIC * 7)[:length]
    symbol = qr.encode(text, "M", mask=length % 8)
    assert matrix(symbol) == segno_matrix(text, symbol, "alphanumeric")
    assert_round_trip(symbol, text.encode())


@pytest.mark.parametrize("uri", URIS)
@pytest.mark.parametrize("level", ["L", "M"])
def test_otpauth_uris(uri, level):
    symbol = qr.encode(uri, level)
    assert_round_trip(symbol, uri.encode())
    one_segment = segno.make(uri.encode(), error=level, mode="byte", boost_error=False)
    assert symbol.version <= one_segment.version


def test_alphanumeric_secret_saves_a_version():
    uri = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEH&issuer=GitHub"
    assert len(uri) > BYTE_CAPACITY["M"][4]  # too long for version 5 as one byte segment
    symbol = qr.encode(uri, "M")
    assert symbol.version == 5
    assert_round_trip(symbol, uri.encode())


# Decoders report an empty symbol as none found, hence at least one byte.
@given(data=st.binary(min_size=1, max_size=BYTE_CAPACITY["M"][-1]), mask=st.integers(0, 7))
def test_random_bytes_round_trip(data, mask):
    assert_round_trip(qr.encode(data, "M", mask=mask), data)


@given(
    text=st.text(alphabet=ALPHANUMERIC + "abc?=&%", min_size=1, max_size=300),
    level=st.sampled_from(LEVELS),
    mask=st.integers(0, 7),
)
def test_random_mixed_segments_round_trip(text, level, mask):
    data = text.encode()
    try:
        symbol = qr.encode(data, level, mask=mask)
    except ValueError:
        assert len(data) > ALPHANUMERIC_CAPACITY[level][-1] or any(
            ch not in ALPHANUMERIC for ch in text
        )
        return
    assert_round_trip(symbol, data)


def reference_penalty(modules: list[list[int]]) -> int:
    """ISO/IEC 18004 section 7.8.3 as ZXing's MaskUtil reads it; beyond the edge is light."""
    size = len(modules)
    score = 0
    for line in modules + [list(column) for column in zip(*modules, strict=True)]:
        for _, run in groupby(line):
            length = len(list(run))
            if length >= 5:
                score += 3 + length - 5
        for i in range(size - 6):
            if line[i : i + 7] == [1, 0, 1, 1, 1, 0, 1] and (
                not any(line[max(i - 4, 0) : i]) or not any(line[i + 7 : i + 11])
            ):
                score += 40
    for y in range(size - 1):
        for x in range(size - 1):
            if modules[y][x] == modules[y][x + 1] == modules[y + 1][x] == modules[y + 1][x + 1]:
                score += 3
    dark = sum(map(sum, modules))
    return score + abs(dark * 2 - size * size) * 10 // (size * size) * 10


@pytest.mark.parametrize(
    "data", [b"", b"hello world", URIS[0].encode(), lowercase(150, seed=7), bytes(100)]
)
def test_chosen_mask_has_the_lowest_penalty(data):
    penalties = [reference_penalty(matrix(qr.encode(data, "M", mask=m))) for m in range(8)]
    assert qr.encode(data, "M").mask == penalties.index(min(penalties))


def test_too_long():
    qr.encode(lowercase(213), "M")
    with pytest.raises(ValueError, match=r"^too long for a QR code of version ≤ 10: 214 bytes$"):
        qr.encode(lowercase(214), "M")
    with pytest.raises(ValueError, match=r"version ≤ 3: 43 bytes"):
        qr.encode(lowercase(43), "M", max_version=3)


@pytest.mark.parametrize(
    "kwargs",
    [{"ecc": "X"}, {"ecc": ""}, {"ecc": "LM"}, {"mask": 8}, {"mask": -1}, {"max_version": 11}],
)
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        qr.encode(b"x", **kwargs)


def test_outside_the_symbol_is_light():
    symbol = qr.encode(b"x")
    assert symbol.module(0, 0)  # a finder corner
    for x, y in [(-1, 0), (0, -1), (symbol.size, 0), (0, symbol.size)]:
        assert not symbol.module(x, y)


def oled_image(buf: bytearray, width: int, height: int) -> Image.Image:
    """What the panel shows: a lit pixel is light, an unlit one dark."""
    img = Image.new("L", (width, height), 0)
    pixels = img.load()
    for y in range(height):
        for x in range(width):
            if buf[(y // 8) * width + x] >> (y % 8) & 1:
                pixels[x, y] = 255
    return img.resize((width * 4, height * 4), Image.NEAREST)


@pytest.mark.parametrize(
    "width,height,data,x0,y0,scale,quiet",
    [
        (128, 64, URIS[1].encode(), 33, 1, 1, 2),  # version 10: 61 pixels with quiet 2
        (128, 64, URIS[0].encode(), 40, 3, 1, 4),
        (128, 64, b"smartkey", 33, 3, 2, 4),
        (128, 32, b"otpauth://totp/x?secret=AB", 50, 1, 1, 1),
    ],
)
def test_blit_shows_dark_modules_unlit_on_a_lit_quiet_zone(
    width, height, data, x0, y0, scale, quiet
):
    symbol = qr.encode(data, "L")
    side = (symbol.size + 2 * quiet) * scale
    assert x0 + side <= width and y0 + side <= height
    buf = bytearray(width * height // 8)
    symbol.blit(buf, width, x0, y0, scale=scale, quiet=quiet)

    def lit(x, y):
        return bool(buf[(y // 8) * width + x] >> (y % 8) & 1)

    for y in range(height):
        for x in range(width):
            inside = x0 <= x < x0 + side and y0 <= y < y0 + side
            dark = symbol.module((x - x0) // scale - quiet, (y - y0) // scale - quiet)
            assert lit(x, y) == (inside and not dark), (x, y)
    assert decode(oled_image(buf, width, height), pure=False).bytes == data


def test_blit_keeps_what_is_outside_and_clips_at_the_edges():
    symbol = qr.encode(b"hello", "M")
    side = symbol.size + 2 * qr.QUIET_ZONE
    whole = bytearray(128 * 64 // 8)
    symbol.blit(whole, 128, 0, 0)
    for x0, y0 in [(-5, -3), (128 - side + 7, 64 - side + 9)]:
        buf = bytearray(b"\x5a" * (128 * 64 // 8))
        symbol.blit(buf, 128, x0, y0)
        for y in range(64):
            for x in range(128):
                got = buf[(y // 8) * 128 + x] >> (y % 8) & 1
                if 0 <= x - x0 < side and 0 <= y - y0 < side:
                    want = whole[((y - y0) // 8) * 128 + x - x0] >> ((y - y0) % 8) & 1
                else:
                    want = 0x5A >> (y % 8) & 1
                assert got == want, (x0, y0, x, y)
