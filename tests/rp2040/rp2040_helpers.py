"""What the emulated-RP2040 scenarios share: reading screens, answering the token's questions,
running the smartkey CLI against the board."""

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from oled_text import code_on_screen, read_lines
from smartkey._cli import main
from smartkey.clock import HostClock
from smartkey.sim.buttons import enter_pin

SMARTKEY = Path(sys.executable).with_name("smartkey")
LONG = 1.5  # a hold the firmware's 0.8 s long press sees even while it redraws
IDLE = 2.5  # after a press, the token turns host requests away for 2 s ("in use")


def title(board):
    """The large first line on the OLED (a screen's title), or ""."""
    lines = read_lines(board.oled.frame())
    return lines[0][2] if lines and lines[0][1] > 1 and lines[0][0] < 8 else ""


def wait_title(board, text, seconds=30.0):
    board.wait_until(lambda: title(board) == text, seconds)


def pair_through_cli(board):
    """``smartkey pair`` on the board's port, answered the way a user does: B on the token once
    its CONFIRM shows the code, "y" here; the code on the OLED must be the one printed here."""
    shown = []

    def answer():
        shown.extend(text for _top, _scale, text in read_lines(board.oled.frame()))
        board.press_later("B", after=0.7)

    def asked():
        # A frame goes out over several I2C transfers: the title can be there before the code.
        lines = read_lines(board.oled.frame())
        return title(board) == "CONFIRM" and any(re.search(r"\d{3} \d{3}$", t) for *_, t in lines)

    board.when(asked, answer)
    paired = run_cli_on_port(board, "pair", input="y\n")
    assert paired.returncode == 0, paired.stdout + paired.stderr
    code = re.search(r"Pairing code: (\d{3} \d{3})", paired.stdout).group(1)
    assert any(text.endswith(code) for text in shown), shown
    board.wait_until(lambda: title(board) != "CONFIRM", 10)  # its yes must not answer the next


def yes_when_asked(board):
    """Press B once the token shows CONFIRM; a press counts only after half a second of it."""
    board.when(lambda: title(board) == "CONFIRM", lambda: board.press_later("B", after=0.7))


class _Patient:
    """A board whose long presses last ``LONG``, for ``enter_pin``."""

    def __init__(self, board):
        self.board = board

    def press(self, button):
        self.board.press(button)

    def hold(self, button, seconds=2.0):
        self.board.hold(button, max(seconds, LONG))


def type_pin(board, pin):
    """Enter ``pin`` on the buttons and hold B on its last digit."""
    enter_pin(_Patient(board), pin)


def up_to_the_chips_question(board, pin):
    """First boot of a token with the ATECC608: past NEW TOKEN, ``pin`` chosen twice, until the
    question before the chip is locked for good is on the panel (not answered)."""
    from board_helpers import panel, question_frame
    from se_helpers import QUESTION

    wait_title(board, "NEW TOKEN", 120)
    board.press("B")
    wait_title(board, "", 5)
    type_pin(board, pin)
    type_pin(board, pin)
    asked = question_frame(board, QUESTION, destructive=True)
    board.wait_until(lambda: panel(board) == asked, 60)


def run_cli(board, *args):
    """The smartkey CLI in this process, on the board's data channel and simulated clock,
    once the buttons have been left alone long enough for the token to take requests."""
    board.step(IDLE)
    given = {
        "connect": lambda port: board.connect(timeout=10.0),
        "clock": HostClock(board.utc, board.step),
    }
    return CliRunner().invoke(main, list(args), obj=given)


def run_cli_on_port(board, *args, input=None):
    """The unmodified smartkey command in a subprocess, on the board's pseudo-terminal."""
    board.step(IDLE)
    with board.serve() as port:
        return subprocess.run(
            [str(SMARTKEY), "--port", port, *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
        )


def shows_code(board, totp):
    """The code the OLED shows is pyotp's at the token's clock (the emulated DS3231)."""
    return code_on_screen(board)[0] == totp.at(int(board.rtc.now()))
