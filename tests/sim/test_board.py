"""The unmodified firmware on the virtual board: what a user sees on the OLED."""

import base64

import pyotp

from board_helpers import T0, demo_board, message_frame, panel, step_to, unlock
from oled_text import code_on_screen, pyotp_view
from smartkey.device import Token
from smartkey.sim import VirtualBoard

RFC_SEED = b"12345678901234567890"
ALICE = "Demo: alice@example.com"
SET_TIME = ("SET TIME", ("Clock is not set.", "On a computer run:", "smartkey time sync"))


ALICE_TOTP = pyotp.TOTP(base64.b32encode(RFC_SEED).decode())
BOB_TOTP = pyotp.TOTP(
    base64.b32encode(b"12345678901234567890123456789012").decode(), digits=8, digest="sha256"
)


def alice_code(now):
    return ALICE_TOTP.at(int(now))


def test_the_code_on_the_oled_is_pyotps_and_changes_at_the_period_boundary(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP) == (alice_code(T0), "")
        step_to(board, T0 + 9.5)  # still the period T0 is in, its next code shown below
        upcoming = (alice_code(T0), alice_code(T0 + 10))
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP) == upcoming
        step_to(board, T0 + 10.2)  # the next period, within 0.2 s of its start
        assert alice_code(T0 + 10) != alice_code(T0)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP) == (alice_code(T0 + 10), "")


def test_the_countdown_bar_shrinks_every_second(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        step_to(board, T0 + 0.5 + int(board.utc() - T0))
        widths = []
        for _ in range(4):
            widths.append(sum(board.oled.pixel(x, 63) for x in range(128)))
            board.step(1.0)
        assert widths == sorted(widths, reverse=True) and len(set(widths)) == 4


def test_buttons_move_between_accounts(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        first = panel(board)
        board.press("C")
        assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)
        board.press("A")
        assert panel(board) == first


def test_feather_128x32_shows_the_code(tmp_path):
    with demo_board(tmp_path, utc=T0, profile="feather32") as board:
        unlock(board)
        assert (board.oled.width, board.oled.height) == (128, 32)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
        step_to(board, T0 + 7.5)  # on 128×32 the next code takes the name's line
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
        assert code_on_screen(board)[1] == alice_code(T0 + 10)


def test_a_clock_that_lost_power_shows_set_time_and_never_a_code(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.rtc.lose_power()
        board.power_cycle()
        unlock(board)
        for _ in range(35):  # more than a whole period: no code ever appears
            board.step(1.0)
            assert panel(board) == message_frame(board, *SET_TIME)


def test_a_clock_before_the_build_year_shows_set_time(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.rtc.set_time(1_500_000_000)  # 2017
        unlock(board)
        assert panel(board) == message_frame(board, *SET_TIME)


def test_a_missing_clock_is_named_on_the_screen(tmp_path):
    with demo_board(tmp_path, utc=T0, rtc=False) as board:
        unlock(board)
        assert panel(board) == message_frame(board, "NO CLOCK", ("No clock (DS3231) at 0x68",))
        assert "No clock (DS3231) at 0x68" in board.console


def test_a_missing_display_leaves_the_token_running(tmp_path):
    with demo_board(tmp_path, utc=T0, display=False) as board:
        unlock(board)
        board.press("C")
        assert "No display at 0x3C" in board.console
        # code.py is still in its loop: it answers, and the PIN typed blind unlocked it.
        assert Token(board.connect()).info()["locked"] is False
        assert board.bus.bytes_written.get(0x3C, 0) == 0


def test_a_new_token_explains_how_to_choose_a_pin(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(1.0)
        lines = (
            "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
            "A/C: change digit",
            "B: add, hold B: done",
        )
        assert panel(board) == message_frame(board, "NEW TOKEN", lines)


def test_runs_are_deterministic(tmp_path):
    frames = []
    for name in ("one", "two"):
        with demo_board(tmp_path / name, utc=T0) as board:
            unlock(board)
            board.press("C")
            board.step(2.0)
            frames.append((panel(board), board.i2c_bytes))
    assert frames[0] == frames[1]


def test_the_display_sends_only_what_changed(tmp_path):
    """On the emulated bus: a code on screen costs ≤ 200 bytes/s, a press ≤ 1,100 bytes."""
    board = demo_board(tmp_path, utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_DIM_AFTER = 0\nSMARTKEY_BLANK_AFTER = 0\n")  # stay bright throughout
    with board:
        unlock(board)
        before = board.bus.bytes_written[0x3C]
        board.step(60.0)  # two code changes and sixty countdown ticks
        assert (board.bus.bytes_written[0x3C] - before) / 60 <= 200
        before = board.bus.bytes_written[0x3C]
        board.press("C")
        assert board.bus.bytes_written[0x3C] - before <= 1100
        assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)


def test_idle_dims_then_blanks_and_only_the_dark_screen_swallows_a_press(tmp_path):
    board = demo_board(tmp_path, utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_DIM_AFTER = 20\nSMARTKEY_BLANK_AFTER = 60\nSMARTKEY_AUTOLOCK = 0\n")
    with board:
        unlock(board)
        board.step(15.0)
        assert board.oled.is_on and board.oled.contrast == 255
        board.step(10.0)
        assert board.oled.is_on and board.oled.contrast < 255  # dimmed, still readable
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
        board.press("C")  # a dimmed screen can be read: the press counts, and brightens it
        assert board.oled.contrast == 255
        assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)
        board.press("A")
        board.step(65.0)
        assert not board.oled.is_on and not any(map(any, panel(board)))  # blank
        quiet = board.bus.bytes_written[0x3C]
        board.step(30.0)
        assert board.bus.bytes_written[0x3C] == quiet  # nothing sent to a dark screen
        board.press("C")  # a dark screen: this press only wakes it
        assert board.oled.is_on and board.oled.contrast == 255
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
        board.press("C")
        assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)


def test_short_presses_stay_short_after_weeks_powered_on(tmp_path):
    """CircuitPython's floats lose the milliseconds after days: the firmware counts in ints."""
    board = demo_board(tmp_path, utc=T0)
    board.state.uptime_offset = 30 * 86400.0
    with board:
        unlock(board)
        for _ in range(3):
            board.press("C")  # next account, not a long press (which would type the code)
        assert board.typed() == ""
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)


def test_nothing_on_the_bus_is_named_and_the_token_keeps_running(tmp_path):
    with demo_board(tmp_path, utc=T0, display=False, rtc=False) as board:
        board.step(1.0)
        board.press("B")
        assert "Nothing on I2C: check SDA/SCL wiring" in board.console
        info = Token(board.connect()).info()  # code.py is still in its loop: it answers
        assert info["state"] == "locked" and info["clock_status"] == "missing"
