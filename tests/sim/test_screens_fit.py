"""Every text the firmware can show fits on both panels: nothing is cut at an edge, and what
does not fit at once is shown a page at a time, so every word appears.

Two checks: each message written out in the firmware (found in its source) is drawn on a
128×64 and a 128×32 canvas, page by page; and the screens made of data (questions naming
accounts of the longest allowed names, the help, About, wrong PINs) are shown on the virtual
board of each profile, where the firmware's canvas notes any text it had to cut.
"""

import ast
from pathlib import Path

import pytest

from board_helpers import T0, demo_board, hands_off, menu_keys, unlock
from smartkey.account import Account
from smartkey.device import MAX_ISSUER, MAX_NAME, DeviceError, Token
from smartkey_fw.ui.canvas import Canvas
from smartkey_fw.ui.confirm import HOLD_ANSWER, Confirm
from smartkey_fw.ui.message import ANSWER, Message, wrap

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = sorted((ROOT / "smartkey_fw").rglob("*.py"))
SIZES = ((128, 64), (128, 32))
PROFILES = ("pico", "feather32")
# The longest labels a token stores, in characters as wide as any.
ISSUER = "W" * MAX_ISSUER
NAME = "m" * MAX_NAME


class RecordingCanvas(Canvas):
    """The firmware's canvas, noting each text drawn and whether it was cut."""

    def __init__(self, width, height):
        super().__init__(bytearray(width * height // 8), width, height)
        self.drawn = []

    def text(self, x, y, text, scale=1, color=1):
        Canvas.cut = ""
        end = super().text(x, y, text, scale, color)
        assert Canvas.cut == "", f"{text!r} at ({x}, {y}) ×{scale} does not fit {self.height} rows"
        self.drawn.append(text)
        return end


class Clock:
    """What a screen asks of the app to turn its pages: the canvas and the time."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.now = 0

    def ms(self):
        return self.now


def texts_shown(screen, width, height, seconds=60):
    """Every text ``screen`` draws on a canvas of that size over ``seconds``, page by page."""
    canvas = RecordingCanvas(width, height)
    app = Clock(canvas)
    for app.now in range(0, seconds * 1000, 500):
        screen.draw(canvas, screen.view(app, None))
    return set(canvas.drawn)


def wrapped(lines):
    """The lines as the screen breaks them; breaking loses nothing but spaces."""
    out = wrap(lines)
    assert "".join(out).replace(" ", "") == "".join(lines).replace(" ", "")
    return set(out)


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def written_messages():
    """(where, title, lines) of each Message, Notice or draw_message in the firmware whose text
    is written out in full; and each question asked with literal words."""
    found = []
    for path in FIRMWARE:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            args = node.args
            if name in ("Message", "Notice") and len(args) >= 2:
                title, lines = _literal(args[0]), _literal(args[1])
            elif name == "draw_message" and len(args) >= 3:
                title, lines = _literal(args[1]), _literal(args[2])
            elif name in ("_confirm", "confirm", "ask") and args:
                # A destructive question (a True after the words) is answered by holding B.
                question = [_literal(arg) for arg in args if isinstance(_literal(arg), tuple)]
                flags = [args[-1], *(k.value for k in node.keywords if k.arg == "destructive")]
                title = "?hold" if any(_literal(flag) is True for flag in flags) else "?"
                lines = question[0] if question else None
            elif name in ("SecureElementError", "Spent") and args:
                # What the chip did wrong, on the PIN flows' CHIP ERROR screen (when written out).
                title, lines = "CHIP ERROR", (_literal(args[0]), *CHIP_FAILED)
                lines = lines if isinstance(lines[0], str) else None
            else:
                continue
            if isinstance(title, str) and isinstance(lines, tuple):
                found.append(pytest.param(title, lines, id=where))
    return found


CHIP_FAILED = ("The vault stays", "locked.")  # below the chip's error (pin_flows._chip_failed)
MESSAGES = written_messages()


def test_the_source_scan_finds_the_messages():
    titles = {param.values[0] for param in MESSAGES}
    assert {"NEW TOKEN", "DAMAGED", "SET TIME", "ERASED", "?hold"} <= titles
    assert len(MESSAGES) >= 20
    chip = {"NO CHIP", "CHIP TAKEN", "WRONG CHIP", "NEEDS CHIP"}
    assert chip <= titles
    questions = {param.values[1][0] for param in MESSAGES if param.values[0] == "?hold"}
    assert "Set up the ATECC608?" in questions
    failures = {param.values[1][0] for param in MESSAGES if param.values[0] == "CHIP ERROR"}
    assert {"no answer", "the chip's tries are used up"} <= failures


@pytest.mark.parametrize(("title", "lines"), MESSAGES)
@pytest.mark.parametrize(("width", "height"), SIZES, ids=("128x64", "128x32"))
def test_every_written_message_fits_and_shows_every_word(title, lines, width, height):
    if title.startswith("?"):
        destructive = title == "?hold"
        shown = texts_shown(Confirm(lines, destructive), width, height)
        expected = wrapped(lines) | {HOLD_ANSWER if destructive else ANSWER}
    else:
        shown = texts_shown(Message(title, lines), width, height)
        expected = wrapped(lines) | {title}
    assert expected <= shown, f"never shown: {expected - shown}"


def test_a_long_question_turns_its_pages_and_keeps_the_answer_line():
    question = (f"Rename {ISSUER}: {NAME}", f"to {ISSUER}: {NAME}?")
    for width, height in SIZES:
        screen = Confirm(question)
        canvas = RecordingCanvas(width, height)
        app = Clock(canvas)
        pages = []
        for app.now in range(0, 30_000, 1000):
            canvas.drawn = []
            screen.draw(canvas, screen.view(app, None))
            pages.append(tuple(canvas.drawn))
        assert len(set(pages)) >= 3  # 106-character labels take pages on either panel
        assert all(page[-1] == ANSWER for page in pages)
        shown = {line for page in pages for line in page if line not in ("CONFIRM", ANSWER)}
        assert shown == wrapped(question)


# -- on the virtual board: screens made of data ---------------------------------------------


def no_text_cut(board):
    return board.modules["smartkey_fw.ui.canvas"].Canvas.cut


def answer_no_after(board, seconds, request):
    """Send ``request``; let its question stand ``seconds`` (its pages turn), then press A."""
    board.press_later("A", after=seconds)
    with pytest.raises(DeviceError, match="refused"):
        request()


@pytest.mark.parametrize("profile", PROFILES)
def test_questions_about_the_longest_labels_fit(tmp_path, profile):
    board = demo_board(tmp_path, utc=T0, profile=profile)
    with board:
        unlock(board)
        hands_off(board)
        token = Token(board.connect())
        board.press_later("B", after=1.0)
        token.add([Account(secret=b"long label 12345678", issuer=ISSUER, name=NAME)])
        many = [Account(secret=b"x" * 10, issuer=f"{ISSUER[:-1]}{i}", name=NAME) for i in range(5)]
        answer_no_after(board, 8.0, lambda: token.add(many))
        answer_no_after(board, 8.0, lambda: token.rename(3, ISSUER, NAME[:-1] + "n"))
        answer_no_after(board, 8.0, lambda: token.remove(3))
        answer_no_after(board, 4.0, token.wipe)
        assert no_text_cut(board) == ""


@pytest.mark.parametrize("profile", PROFILES)
def test_menus_help_about_and_pin_notes_fit(tmp_path, profile):
    board = demo_board(tmp_path, utc=T0, profile=profile)
    with board:
        board.step(0.5)
        unlock(board, "111111")  # wrong: the demo's note says so
        unlock(board)
        board.hold("B", 1.0)  # the menu
        keys = menu_keys(board)
        for _ in range(len(keys) + keys.index("about")):  # every line, round, down to About
            board.press("C")
        board.press("B")
        board.step(10.0)  # every page of it
        board.press("B")
        for _ in range(keys.index("help") - keys.index("about")):
            board.press("C")
        board.press("B")
        for _ in range(14):  # every line of the button map
            board.press("C")
        assert no_text_cut(board) == ""
