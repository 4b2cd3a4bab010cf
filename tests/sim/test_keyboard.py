"""Typing the code as a USB keyboard, on every host layout, never while locked or unplugged."""

import base64

import pyotp
import pytest

from board_helpers import ALICE_TOTP, T0, message_frame, panel, step_to
from oled_text import code_on_screen, pyotp_view
from smartkey.device import Token

ALICE_SEED = b"12345678901234567890"
STEAM_SEED = base64.b64decode("cnOgv/KdpLoP6Nbh0GMkXkPXALQ=")


def configure(board, layout, suffix="none"):
    Token(board.connect()).request("config", keyboard=layout, suffix=suffix)
    board.step(0.3)


def type_code(board):
    board.hold("C", 1.0)
    board.step(0.5)


@pytest.mark.parametrize("layout", ["us", "uk", "de", "fr", "jp", "keypad"])
@pytest.mark.parametrize(("suffix", "text"), [("none", ""), ("enter", "\n"), ("tab", "\t")])
def test_the_host_sees_the_code_on_every_layout(board, layout, suffix, text):
    configure(board, layout, suffix)
    board.hid.layout = "us" if layout == "keypad" else layout
    step_to(board, T0 + 1 + 30 * ((int(board.utc()) - T0) // 30 + 1) - 20)  # early in a period
    type_code(board)
    code = pyotp.TOTP(base64.b32encode(ALICE_SEED).decode()).at(int(board.utc()))
    assert board.typed() == code + text


@pytest.mark.parametrize("layout", ["us", "uk", "de", "fr", "jp", "keypad"])
def test_steam_letters_follow_the_layout(board, layout):
    configure(board, layout)
    board.hid.layout = "us" if layout == "keypad" else layout
    board.press("C")
    board.press("C")  # the Steam demo account
    step_to(board, board.utc() + 30 - board.utc() % 30 + 3)
    type_code(board)
    steam = board.modules["smartkey_fw.otp"].steam(STEAM_SEED, int(board.utc()))
    assert board.typed() == steam


def test_keypad_mode_turns_num_lock_on_and_restores_it(board):
    configure(board, "keypad")
    board.hid.num_lock = False
    type_code(board)
    assert len(board.typed()) == 6 and board.typed().isdigit()
    assert board.hid.num_lock is False
    board.hid.clear()
    board.hid.num_lock = True  # already on: left on, untouched
    type_code(board)
    assert len(board.typed()) == 6 and board.hid.num_lock is True


def test_a_code_about_to_expire_is_not_typed_but_the_next_one(board):
    step_to(board, T0 + 9.2)  # 0.8 s left in the period that T0 is in
    type_code(board)
    board.step(2.0)
    assert board.typed() == pyotp.TOTP(base64.b32encode(ALICE_SEED).decode()).at(T0 + 10)


def test_locked_the_type_action_sends_no_report_at_all(board):
    board.hold("B", 1.0)
    board.press("B")  # menu: lock now
    reports = len(board.hid.reports)
    board.hold("C", 1.0)
    board.step(1.0)
    assert len(board.hid.reports) == reports and board.typed() == ""


def test_without_a_computer_it_says_so_and_does_not_hang(board):
    board.hid.connected = False  # a charger, not a computer
    type_code(board)
    frame = message_frame(board, "NOT TYPED", ("No computer is", "listening on USB."))
    assert panel(board) == frame
    board.step(4.0)  # the notice goes away and the code is back
    assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
