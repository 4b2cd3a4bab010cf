"""Reading the OLED back as text, with glyphs written down here rather than taken from the
firmware: an oracle for "the code on the screen is pyotp's" that does not trust the firmware's
font, layout or drawing code.

The glyphs below were copied once, by a script, from the reviewed golden images
tests/golden/glyphs-1-pico.png and glyphs-2-pico.png (the label line: 5×7 cells, one blank
column between characters), and checked by eye. They cover what codes are made of: digits,
capital letters (Steam Guard's alphabet is a subset) and the word "next".

A line of text is a band of lit rows 7 × scale high; each glyph is a run of lit columns whose
pixels are its bitmap scaled up exactly. Characters sit on a grid of 6 × scale columns, which
is how spaces are found; anything else reads as "?".
"""

GLYPH_SHEET = """
0     1     2     3     4     5     6     7     8     9
.###. ..#.. .###. ##### ...#. ##### ..##. ##### .###. .###.
#...# .##.. #...# ...#. ..##. #.... .#... ....# #...# #...#
#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#. #...# #...#
#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.. .###. .####
##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....#
#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#.
.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##..
A     B     C     D     E     F     G     H     I     J     K     L     M
.###. ####. .###. ###.. ##### ##### .###. #...# .###. ..### #...# #.... #...#
#...# #...# #...# #..#. #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.##
#...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.#
#...# ####. #.... #...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.#
##### #...# #.... #...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...#
#...# #...# #...# #..#. #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...#
#...# ####. .###. ###.. ##### #.... .#### #...# .###. .##.. #...# ##### #...#
N     O     P     Q     R     S     T     U     V     W     X     Y     Z
#...# .###. ####. .###. ####. .#### ##### #...# #...# #...# #...# #...# #####
#...# #...# #...# #...# #...# #.... ..#.. #...# #...# #...# #...# #...# ....#
##..# #...# #...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. #...# ...#.
#.#.# #...# ####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. .#.#. ..#..
#..## #...# #.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#...
#...# #...# #.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.# #...# ..#.. #....
#...# .###. #.... .##.# #...# ####. ..#.. .###. ..#.. .#.#. #...# ..#.. #####
n     e     x     t
..... ..... ..... .#...
..... ..... ..... .#...
#.##. .###. #...# ###..
##..# #...# .#.#. .#...
#...# ##### ..#.. .#...
#...# #.... .#.#. .#..#
#...# .###. #...# ..##.
"""

ADVANCE = 6  # columns per character cell: 5 of glyph, 1 blank
HEIGHT = 7


def _parse(sheet):
    glyphs = {}
    lines = sheet.strip("\n").split("\n")
    for start in range(0, len(lines), HEIGHT + 1):
        names = lines[start].split()
        rows = [line.split() for line in lines[start + 1 : start + 1 + HEIGHT]]
        for i, name in enumerate(names):
            glyphs[name] = tuple(tuple(1 if c == "#" else 0 for c in row[i]) for row in rows)
    return glyphs


GLYPHS = _parse(GLYPH_SHEET)


def _trimmed(bitmap):
    """(first lit column, the lit columns) of a glyph: '1' starts one column in."""
    columns = [tuple(row[x] for row in bitmap) for x in range(len(bitmap[0]))]
    lit = [x for x, column in enumerate(columns) if any(column)]
    return lit[0], columns[lit[0] : lit[-1] + 1]


_TRIMMED = {name: _trimmed(bitmap) for name, bitmap in GLYPHS.items()}


def _runs(flags):
    """(start, end) of each run of true values."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _glyph(rows, top, scale, x0, x1):
    """(character, x of its cell) for the lit columns x0..x1 of the band at ``top``."""
    for name, (offset, columns) in _TRIMMED.items():
        if len(columns) * scale != x1 - x0:
            continue
        if all(
            rows[top + y][x] == columns[(x - x0) // scale][y // scale]
            for x in range(x0, x1)
            for y in range(HEIGHT * scale)
        ):
            return name, x0 - offset * scale
    return "?", x0


def read_lines(rows):
    """The text lines on a panel given as pixel rows: a list of (top row, scale, text). A band
    of lit rows that is not 7 × scale high (a bar, a QR code) is left out."""
    lines = []
    for top, bottom in _runs([any(row) for row in rows]):
        if (bottom - top) % HEIGHT:
            continue
        scale = (bottom - top) // HEIGHT
        band = rows[top:bottom]
        text, previous = "", None
        for x0, x1 in _runs([any(row[x] for row in band) for x in range(len(rows[0]))]):
            name, cell = _glyph(rows, top, scale, x0, x1)
            if previous is not None:
                gap, off_grid = divmod(cell - previous, ADVANCE * scale)
                text += " " * (gap - 1) + ("?" if off_grid and name != "?" else "")
            text += name
            previous = cell
        lines.append((top, scale, text))
    return lines


def large_and_next(rows):
    """([lines of large text], [small lines that start with "next", without the word])."""
    lines = read_lines(rows)
    large = [text for _top, scale, text in lines if scale > 1]
    upcoming = [text[5:] for _top, scale, text in lines if scale == 1 and text[:5] == "next "]
    return large, upcoming


def code_on_screen(board):
    """(code, next code or "") as the OLED shows them now, spaces left out: the one line of
    large characters, and a small line that starts with "next"."""
    large, upcoming = large_and_next(board.oled.frame())
    code = large[0] if len(large) == 1 else f"({len(large)} lines of large text)"
    return code.replace(" ", ""), upcoming[0].replace(" ", "") if upcoming else ""


def pyotp_view(board, totp):
    """(code, next code or "") from pyotp for the board's true time now: the next code is shown
    in the last five seconds of a period (README: the buttons)."""
    now = int(board.utc())
    remaining = totp.interval - now % totp.interval
    return totp.at(now), totp.at(now + remaining) if remaining <= 5 else ""
