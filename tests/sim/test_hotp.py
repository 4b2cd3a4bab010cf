"""HOTP accounts: a code on each press of B, the counter saved before the code is shown."""

import base64

import pyotp

from board_helpers import drawn, panel, unlock
from oled_text import code_on_screen
from smartkey.account import Account
from smartkey.device import Token

SECRET = b"hotp secret 12345678"


def shown_code(board, label, code):
    return drawn(board, "draw_code", label, code, 0, 0)


def test_each_press_shows_the_next_code_and_the_counter_survives_a_power_cut(board):
    board.press_later("B", after=0.8)
    Token(board.connect()).add(
        [Account(secret=SECRET, issuer="Bank", name="me", type="hotp", counter=7)]
    )
    board.press("A")  # the last account: Bank
    reference = pyotp.HOTP(base64.b32encode(SECRET).decode())
    assert panel(board) == shown_code(board, "Bank: me", "B: new code")  # no code until asked
    board.press("B")
    assert code_on_screen(board) == (reference.at(7), "")
    board.press("B")
    assert code_on_screen(board) == (reference.at(8), "")
    board.power_cycle()  # the counter was saved before each code was shown
    unlock(board)
    board.press("A")
    board.press("B")
    assert code_on_screen(board) == (reference.at(9), "")
