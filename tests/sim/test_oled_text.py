"""The OLED reader of tests/oled_text.py: it reads the reviewed golden images to pyotp's codes
and its own glyph sheet, and a pixel out of place is never read as a code."""

import base64

import pyotp
import pytest

from board_helpers import T0, demo_board, unlock
from goldens import GOLDEN, read_golden
from oled_text import GLYPHS, code_on_screen, large_and_next, read_lines
from paths import VECTORS

ALICE = pyotp.TOTP(base64.b32encode(b"12345678901234567890").decode())
BOB = pyotp.TOTP(
    base64.b32encode(b"12345678901234567890123456789012").decode(), digits=8, digest="sha256"
)


def steam_known_answer(now):
    """node-steam-totp's code for the demo Steam secret (the one in tests/vectors/steam.tsv)."""
    for line in (VECTORS / "steam.tsv").read_text().splitlines():
        if line[:1].isdigit() and int(line.split()[0]) == now:
            return line.split()[1]
    raise LookupError(now)


@pytest.mark.parametrize("profile", ["pico", "feather32"])
def test_the_golden_code_screens_hold_pyotps_codes(profile):
    def shown(name):
        return large_and_next(read_golden(GOLDEN / f"{name}-{profile}.png"))

    assert shown("code-sha1") == ([ALICE.at(T0)[:3] + " " + ALICE.at(T0)[3:]], [])
    assert shown("code-sha256") == ([BOB.at(T0)[:4] + " " + BOB.at(T0)[4:]], [])
    assert shown("code-steam") == ([steam_known_answer(T0)], [])
    now, upcoming = ALICE.at(T0 + 7), ALICE.at(T0 + 10)
    assert shown("code-next") == ([now[:3] + " " + now[3:]], [upcoming[:3] + " " + upcoming[3:]])
    hotp = pyotp.HOTP(base64.b32encode(b"hotp secret 12345678").decode()).at(0)
    assert shown("code-hotp") == ([hotp[:3] + " " + hotp[3:]], [])


def test_the_glyph_sheets_read_back_as_written():
    for name, label in (
        ("glyphs-1", "ABCDEFGHIJKLMNOPQRSTU"),
        ("glyphs-2", "VWXYZ 0123456789 next"),
    ):
        top, scale, text = read_lines(read_golden(GOLDEN / f"{name}-pico.png"))[0]
        assert (top, scale, text) == (0, 1, label)
    assert set(GLYPHS) == set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZnext")


def test_messages_read_as_their_words():
    lines = read_lines(read_golden(GOLDEN / "set-time-pico.png"))
    assert lines[0] == (0, 2, "SET TIME")
    assert not any(ch.isdigit() for _top, _scale, text in lines for ch in text)


def test_a_pixel_out_of_place_is_not_read_as_a_code():
    rows = read_golden(GOLDEN / "code-sha1-pico.png")
    (code,), _ = large_and_next(rows)
    top = next(top for top, scale, _text in read_lines(rows) if scale == 3)
    lit = [(x, y) for y in range(top, top + 21) for x in range(128) if rows[y][x]]
    for x, y in (lit[0], lit[len(lit) // 2], lit[-1]):
        damaged = [list(row) for row in rows]
        damaged[y][x] = 0  # one panel pixel of a scaled glyph: no longer a whole 3×3 block
        (read,), _ = large_and_next(damaged)
        assert read != code and "?" in read


def test_a_glyph_off_the_grid_is_not_read():
    rows = read_golden(GOLDEN / "code-sha1-pico.png")
    top = next(top for top, scale, _text in read_lines(rows) if scale == 3)
    shifted = [list(row) for row in rows]
    for y in range(top, top + 21):  # move the last digit one pixel to the right
        shifted[y][100:127] = [0, *rows[y][100:126]]
    (read,), _ = large_and_next(shifted)
    assert "?" in read


@pytest.mark.parametrize("now", [1_700_000_000, 1_893_456_000])
def test_steam_codes_on_the_oled_are_node_steam_totps(tmp_path, now):
    with demo_board(tmp_path, utc=now) as board:
        unlock(board)
        board.press("C")
        board.press("C")  # the demo Steam account
        assert int(board.utc()) // 30 == now // 30
        assert code_on_screen(board) == (steam_known_answer(now), "")
