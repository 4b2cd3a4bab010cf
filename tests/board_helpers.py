"""What the tests of the firmware on the virtual board share."""

import base64

import pyotp

from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin

T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC, 20 s into a 30 s period
DEMO_PIN = "123456"
# The first two demo accounts (smartkey_fw/demo.py), as pyotp computes their codes.
ALICE_TOTP = pyotp.TOTP(base64.b32encode(b"12345678901234567890").decode())
BOB_TOTP = pyotp.TOTP(
    base64.b32encode(b"12345678901234567890123456789012").decode(), digits=8, digest="sha256"
)


def demo_board(path, **kwargs):
    """A board whose settings.toml turns the demo accounts on (PIN 123456)."""
    board = VirtualBoard(path / "drive", **kwargs)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_DEMO = 1\n")
    return board


def unlock(board, pin=DEMO_PIN):
    board.step(0.5)
    enter_pin(board, pin)
    board.step(0.2)


def hands_off(board):
    """Wait out the 2 s after a press in which the token refuses a host's question as busy:
    the user has left the buttons alone."""
    board.step(2.1)


def run_cli(board, *args, input=None):
    """The `smartkey` command line on the board's data channel, the computer's clock the
    simulation's; then the user reads the result, so the next question is not refused as busy."""
    from click.testing import CliRunner

    from smartkey._cli import main
    from smartkey.clock import HostClock

    connection = board.connect()
    given = {"connect": lambda port: connection, "clock": HostClock(board.utc, board.step)}
    result = CliRunner().invoke(main, list(args), obj=given, input=input)
    hands_off(board)
    return result


def step_to(board, utc):
    """Run the board until the true UTC time ``utc``."""
    board.step(utc - board.utc())


def _rendered(board, paint):
    """What ``paint(canvas)`` draws with the board's firmware Canvas, as rows of panel pixels."""
    canvas_class = board.modules["smartkey_fw.ui.canvas"].Canvas
    return rendered(canvas_class, board.oled.width, board.oled.height, paint)


def rendered(canvas_class, width, height, paint):
    """What ``paint(canvas)`` draws on a ``canvas_class`` of that size, as rows of pixels."""
    canvas = canvas_class(bytearray(width * height // 8), width, height)
    paint(canvas)
    return [
        [(canvas.buf[(y // 8) * width + x] >> (y % 8)) & 1 for x in range(width)]
        for y in range(height)
    ]


def drawn(board, draw, *args):
    """The frame the firmware's own drawing code makes, as rows of panel pixels."""
    module = "smartkey_fw.ui.codes" if draw == "draw_code" else "smartkey_fw.ui.message"
    return _rendered(board, lambda canvas: getattr(board.modules[module], draw)(canvas, *args))


def message_frame(board, title, lines):
    return drawn(board, "draw_message", title, lines)


def question_frame(board, question, destructive=False):
    """A question from the computer as the firmware's Confirm screen draws it, first page."""
    screen = board.modules["smartkey_fw.ui.confirm"].Confirm(question, destructive)
    return _rendered(board, lambda canvas: screen.draw(canvas, ("confirm", 0)))


def panel(board):
    oled = board.oled
    return [[oled.pixel(x, y) for x in range(oled.width)] for y in range(oled.height)]


def menu_keys(board):
    """The menu's entries, top to bottom, by key (smartkey_fw/ui/main_menu.py); loaded on the
    token once the menu was first opened."""
    return [entry[0] for entry in board.modules["smartkey_fw.ui.main_menu"].ENTRIES]


def open_menu_at(board, key):
    """Hold B for the menu, then move down to its entry ``key``: found by what it is, so a
    test does not change when a line is added above it."""
    board.hold("B", 1.0)
    for _ in range(menu_keys(board).index(key)):
        board.press("C")


def set_up(board, pin):
    """First boot: dismiss the welcome, choose the PIN, repeat it, continue."""
    board.step(0.5)
    board.press("B")
    enter_pin(board, pin)
    enter_pin(board, pin)
    board.press("B")


def pin_frame(board, note, title="Enter PIN"):
    """The PIN entry screen as the firmware draws it, with no digit entered yet."""
    entry = board.modules["smartkey_fw.ui.pin_entry"].PinEntry(title, None, note)
    return _rendered(board, lambda canvas: entry.draw(canvas, entry.view(None, None)))
