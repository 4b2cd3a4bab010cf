"""The PIN on the virtual board's buttons: first boot, wrong PINs, delays, wipe, power cuts."""

import pytest

from board_helpers import (
    ALICE_TOTP,
    T0,
    demo_board,
    message_frame,
    panel,
    pin_frame,
    set_up,
    unlock,
)
from oled_text import code_on_screen, pyotp_view
from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin
from smartkey.sim.scheduler import PowerOff
from smartkey_fw.ui.codes import EMPTY

PIN = "314159"
WRONG = "271828"


@pytest.fixture
def token(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        set_up(board, PIN)
        board.hold("B", 1.0)  # menu
        board.press("B")  # "Lock now"
        board.step(0.5)
        yield board


def failures(board):
    """The wrong-PIN counter as stored in nvm (two guarded copies; the larger valid one)."""
    nvm = board.state.nvm
    counts = [
        nvm[at + 1]
        for at in (0, 4)
        if nvm[at] == nvm[at + 3] == 0xA5 and nvm[at + 1] ^ nvm[at + 2] == 0xFF
    ]
    return max(counts, default=0)


def wait_out_delay(board):
    """Let any wrong-PIN delay pass (the firmware shows WAIT meanwhile)."""
    board.step(board.modules["smartkey_fw.pin"].PinGuard(board.state.nvm).delay() + 0.5)


def test_first_boot_sets_a_pin_that_then_unlocks(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        set_up(board, PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)
        board.power_cycle()
        board.step(0.5)
        assert panel(board) == pin_frame(board, "10 tries left")
        unlock(board, PIN)
        assert panel(board) == message_frame(board, "EMPTY", EMPTY)


@pytest.mark.parametrize("profile", ["pico", "feather32"])
def test_a_wrong_pin_on_a_demo_token_says_so(tmp_path, profile):
    with demo_board(tmp_path, utc=T0, profile=profile) as board:
        board.step(0.5)
        assert panel(board) == pin_frame(board, "demo PIN 123456")
        unlock(board, WRONG)
        assert panel(board) == pin_frame(board, "Wrong PIN; try 123456")
        unlock(board)  # the right one, after it
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)


def test_two_different_pins_at_first_boot_are_refused(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.5)
        board.press("B")
        enter_pin(board, PIN)
        enter_pin(board, WRONG)
        assert panel(board) == message_frame(
            board, "NO MATCH", ("The two PINs differ.", "B: try again")
        )
        assert not (board.drive / "vault.bin").exists()


def test_wrong_pins_count_down_then_wipe_and_the_right_one_resets(token):
    board = token
    enter_pin(board, WRONG)
    assert failures(board) == 1
    wait_out_delay(board)
    assert panel(board) == pin_frame(board, "9 tries left")
    unlock(board, PIN)
    assert failures(board) == 0
    board.hold("B", 1.0)
    board.press("B")  # lock now
    for attempt in range(1, 11):
        wait_out_delay(board)
        enter_pin(board, WRONG)
        if attempt < 10:
            assert failures(board) == attempt
            assert (board.drive / "vault.bin").exists()
    board.step(0.5)
    assert not any(board.drive.glob("vault.*"))
    assert failures(board) == 0
    assert panel(board) == message_frame(
        board, "ERASED", ("Too many wrong PINs:", "all accounts erased.", "B: set up again")
    )


def test_delays_grow_after_the_first_wrong_pins(token):
    board = token
    delays = []
    for _ in range(5):
        enter_pin(board, WRONG)
        delays.append(board.modules["smartkey_fw.pin"].PinGuard(board.state.nvm).delay())
        if delays[-1]:
            # The PIN entry is not offered until the delay has passed: WAIT counts it down.
            board.step(delays[-1] - 0.5)
            wait = ("Too many wrong PINs.", "Try again in 1 s")
            assert panel(board) == message_frame(board, "WAIT", wait)
        wait_out_delay(board)
        assert panel(board) == pin_frame(board, f"{10 - len(delays)} tries left")
    assert delays == [0, 0, 2, 4, 8]


class CutAfterCounterWrite(bytearray):
    """nvm that loses power right after its next write: between the counter and the check."""

    armed = False

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if self.armed and key == slice(0, 8):
            self.armed = False
            raise PowerOff


@pytest.mark.parametrize("pin", [PIN, WRONG])
def test_a_power_cut_between_counter_and_check_never_gives_a_try_back(token, pin):
    board = token
    nvm = CutAfterCounterWrite(board.state.nvm)
    board.state.nvm = nvm
    board.power_cycle()
    board.step(0.5)
    for expected in (1, 2, 3):
        nvm.armed = True
        enter_pin(board, pin)
        assert not nvm.armed, "the power cut happened"
        board.power_cycle()
        assert failures(board) == expected
        wait_out_delay(board)
    unlock(board, PIN)
    assert failures(board) == 0
