"""Short PINs (issue 18, finding 9): a token without a secure element says so where the PIN is
chosen and advises 10+ digits, and the shortest new PIN is a setting."""

import pytest

from board_helpers import T0, demo_board, message_frame, panel, pin_frame, unlock
from smartkey.device import Token
from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin

WELCOME = (
    "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
    "A/C: change digit",
    "B: add, hold B: done",
)


@pytest.mark.parametrize("profile", ["pico", "feather32"])
def test_a_new_token_says_it_has_no_secure_element_and_advises_ten_digits(tmp_path, profile):
    with VirtualBoard(tmp_path / "drive", utc=T0, profile=profile) as board:
        board.step(0.5)
        assert panel(board) == message_frame(board, "NEW TOKEN", WELCOME)
        board.press("B")
        assert panel(board) == pin_frame(board, "6 to 12; 10+ advised", title="New PIN")


def test_the_shortest_new_pin_is_a_setting(tmp_path):
    board = VirtualBoard(tmp_path / "drive", utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_PIN_MIN_LENGTH = 10\n")
    with board:
        board.step(0.5)
        board.press("B")
        assert panel(board) == pin_frame(board, "10 to 12; 10+ advised", title="New PIN")
        enter_pin(board, "135790")  # six digits: refused, the PIN entry stays
        assert panel(board) != pin_frame(board, "", title="Repeat the PIN")
        assert not any(board.drive.glob("vault.*"))
        board.power_cycle()
        board.step(0.5)
        board.press("B")
        enter_pin(board, "1357913579")
        assert panel(board) == pin_frame(board, "", title="Repeat the PIN")
        enter_pin(board, "1357913579")
        board.press("B")  # PIN SET
        assert Token(board.connect()).info()["state"] == "unlocked"


def test_a_pin_shorter_than_a_raised_minimum_still_unlocks(tmp_path):
    board = demo_board(tmp_path, utc=T0)  # its PIN, 123456, was set with the default
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_PIN_MIN_LENGTH = 10\n")
    with board:
        unlock(board)
        assert Token(board.connect()).info()["state"] == "unlocked"
