"""The unmodified firmware on the virtual board: what a user sees on the OLED."""

import base64

import pyotp
from smartkey.sim import VirtualBoard

T0 = 1_700_000_000  # 2023-11-14 22:13:20 UTC, 20 s into a 30 s period
RFC_SEED = b"12345678901234567890"
ALICE = "Demo: alice@example.com"
SET_TIME = ("SET TIME", ("Clock is not set.", "On a computer run:", "smartkey time sync"))


def demo_board(tmp_path, **kwargs):
    board = VirtualBoard(tmp_path / "drive", **kwargs)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_DEMO = 1\n")
    return board


def drawn(board, draw, *args):
    """The frame the firmware's own drawing code makes, as rows of panel pixels."""
    width, height = board.oled.width, board.oled.height
    canvas = board.modules["smartkey_fw.ui.canvas"].Canvas(
        bytearray(width * height // 8), width, height
    )
    getattr(board.modules["smartkey_fw.ui.screens"], draw)(canvas, *args)
    return [
        [(canvas.buf[(y // 8) * width + x] >> (y % 8)) & 1 for x in range(width)]
        for y in range(height)
    ]


def code_frame(board, label, code):
    now = int(board.utc())
    return drawn(board, "draw_code", label, code, 30 - now % 30, 30)


def panel(board):
    return [
        [board.oled.pixel(x, y) for x in range(board.oled.width)] for y in range(board.oled.height)
    ]


def alice_code(now):
    return pyotp.TOTP(base64.b32encode(RFC_SEED).decode()).at(now)


def test_the_code_on_the_oled_is_pyotps_and_changes_at_the_period_boundary(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(1.5)
        assert panel(board) == code_frame(board, ALICE, alice_code(T0))
        board.step(8.0)  # T0 + 9.5 s: still the same period
        assert panel(board) == code_frame(board, ALICE, alice_code(T0))
        board.step(0.7)  # T0 + 10.2 s: the next period, within 0.2 s of its start
        assert alice_code(T0 + 10) != alice_code(T0)
        assert panel(board) == code_frame(board, ALICE, alice_code(T0 + 10))


def test_the_countdown_bar_shrinks_every_second(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(0.5)
        widths = []  # sampled mid-second, 1 s apart
        for _ in range(4):
            widths.append(sum(board.oled.pixel(x, 63) for x in range(128)))
            board.step(1.0)
        assert widths == sorted(widths, reverse=True) and len(set(widths)) == 4


def test_buttons_move_between_accounts(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(0.5)
        first = panel(board)
        board.press("C")
        sha256 = pyotp.TOTP(
            base64.b32encode(b"12345678901234567890123456789012").decode(),
            digits=8,
            digest="sha256",
        ).at(int(board.utc()))
        assert panel(board) == code_frame(board, "Demo SHA-256: bob@example.com", sha256)
        board.press("A")
        assert panel(board) == first


def test_feather_128x32_shows_the_code(tmp_path):
    with demo_board(tmp_path, utc=T0, profile="feather32") as board:
        board.step(1.5)
        assert (board.oled.width, board.oled.height) == (128, 32)
        assert panel(board) == code_frame(board, ALICE, alice_code(T0))


def test_a_clock_that_lost_power_shows_set_time_and_never_a_code(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(1.0)
        board.rtc.lose_power()
        board.power_cycle()
        for _ in range(35):  # more than a whole period: no code ever appears
            board.step(1.0)
            assert panel(board) == drawn(board, "draw_message", *SET_TIME)


def test_a_clock_before_the_build_year_shows_set_time(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.rtc.set_time(1_500_000_000)  # 2017
        board.step(1.0)
        assert panel(board) == drawn(board, "draw_message", *SET_TIME)


def test_a_missing_clock_is_named_on_the_screen(tmp_path):
    with demo_board(tmp_path, utc=T0, rtc=False) as board:
        board.step(1.0)
        assert panel(board) == drawn(
            board, "draw_message", "NO CLOCK", ("No clock (DS3231) at 0x68",)
        )
        assert "No clock (DS3231) at 0x68" in board.console


def test_a_missing_display_leaves_the_token_running(tmp_path):
    with demo_board(tmp_path, utc=T0, display=False) as board:
        board.step(2.0)
        board.press("C")
        assert "No display at 0x3C" in board.console
        assert board.modules["smartkey_fw.app"]  # code.py is still in its loop
        assert board.bus.bytes_written.get(0x3C, 0) == 0


def test_empty_token_says_how_to_add_an_account(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(1.0)
        expected = ("NO ACCOUNTS", ("Add one on a computer:", "smartkey add URI"))
        assert panel(board) == drawn(board, "draw_message", *expected)


def test_runs_are_deterministic(tmp_path):
    frames = []
    for name in ("one", "two"):
        with demo_board(tmp_path / name, utc=T0) as board:
            board.step(3.0)
            board.press("C")
            board.step(2.0)
            frames.append((panel(board), board.i2c_bytes))
    assert frames[0] == frames[1]
