"""The example screen (smartkey_fw/ui/template.py) is real code: under the firmware's own loop on
the virtual board it shows the token's clock, answers its buttons and goes back by itself.

A code.py of the test's own opens it over the first screen, as a menu entry would.
"""

import time

from board_helpers import T0, message_frame, panel, step_to
from oled_text import read_lines
from smartkey.sim import VirtualBoard

CODE = """
from smartkey_fw.app import App
from smartkey_fw.hardware import Hardware
from smartkey_fw.ui.template import ClockCheck

app = App(Hardware())
first = app.screen
app.show(ClockCheck(lambda ctx: ctx.show(first)))
app.run()
"""


def clock_board(tmp_path, **kwargs):
    board = VirtualBoard(tmp_path / "drive", utc=T0, **kwargs)
    (board.drive / "code.py").write_text(CODE)
    return board


def lines(board):
    """The panel's text, read back with the test's own glyphs: digits, capitals and spaces
    (the reader knows no punctuation, so what it cannot read is left out)."""
    return [text.replace("?", "") for _top, _scale, text in read_lines(board.oled.frame())]


def shown_for(utc):
    """The date and time lines the screen should show at ``utc``, as ``lines`` reads them."""
    t = time.gmtime(utc)
    return [
        f"{t.tm_year}{t.tm_mon:02d}{t.tm_mday:02d}",
        f"{t.tm_hour:02d}{t.tm_min:02d}{t.tm_sec:02d} UTC",
    ]


def test_it_shows_the_clock_and_follows_it(tmp_path):
    with clock_board(tmp_path) as board:
        for second in (2, 3, 7):
            step_to(board, T0 + second + 0.5)  # mid-second: the reading cannot be either side
            assert lines(board) == ["CLOCK", *shown_for(T0 + second)]


def test_c_switches_to_the_seconds_since_1970_and_back(tmp_path):
    with clock_board(tmp_path) as board:
        step_to(board, T0 + 1.5)
        board.press("C")
        step_to(board, T0 + 3.5)
        assert lines(board)[1] == str(T0 + 3)
        board.press("C")
        step_to(board, T0 + 5.5)
        assert lines(board) == ["CLOCK", *shown_for(T0 + 5)]


def test_b_goes_back_to_the_screen_it_was_opened_over(tmp_path):
    with clock_board(tmp_path) as board:
        step_to(board, T0 + 1.5)
        assert lines(board)[0] == "CLOCK"
        board.press("B")
        assert lines(board)[0] == "NEW TOKEN"  # a token without a vault shows the set-up first


def test_left_alone_it_goes_back_by_itself_after_a_minute(tmp_path):
    with clock_board(tmp_path) as board:
        board.step(1.0)
        board.press("C")  # a press restarts the minute
        board.step(58.0)
        assert lines(board)[0] == "CLOCK"
        board.step(3.0)
        assert lines(board)[0] == "NEW TOKEN"


def test_a_clock_that_lost_power_is_not_shown(tmp_path):
    with clock_board(tmp_path) as board:
        board.rtc.lose_power()
        board.step(1.0)
        assert panel(board) == message_frame(board, "CLOCK", ("Clock is not set.",))
