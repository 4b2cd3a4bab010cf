"""HOTP accounts: a code on each press of B, the counter saved before the code is shown."""

import base64

import pyotp

from board_helpers import drawn, hands_off, message_frame, panel, unlock
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


def test_a_code_is_never_shown_twice_when_an_older_vault_copy_serves(board):
    """The newest vault copy damaged: the previous one serves, one HOTP step behind. The mark in
    nvm keeps the counter where it was, so the code already shown is not shown again."""
    board.press_later("B", after=0.8)
    Token(board.connect()).add(
        [Account(secret=SECRET, issuer="Bank", name="me", type="hotp", counter=7)]
    )
    board.press("A")
    reference = pyotp.HOTP(base64.b32encode(SECRET).decode())
    board.press("B")
    assert code_on_screen(board) == (reference.at(7), "")
    board.power_off()
    vault_bin = board.drive / "vault.bin"
    damaged = bytearray(vault_bin.read_bytes())
    damaged[100] ^= 0x01
    vault_bin.write_bytes(damaged)
    board.power_on()
    unlock(board)
    assert panel(board) == message_frame(
        board, "RECOVERED", ("Newest copy damaged:", "an older one is used.", "B: continue")
    )
    board.press("B")
    board.press("A")
    board.press("B")
    assert code_on_screen(board) == (reference.at(8), "")


def test_an_older_vault_put_back_on_the_drive_is_refused_with_no_code(board):
    board.power_off()
    kept = (board.drive / "vault.bin").read_bytes()  # the demo accounts, copied off the drive
    board.power_on()
    unlock(board)
    hands_off(board)
    board.press_later("B", after=0.8)
    Token(board.connect()).add([Account(secret=SECRET, issuer="Bank", name="me", type="hotp")])
    board.power_off()
    (board.drive / "vault.bin").write_bytes(kept)
    (board.drive / "vault.old").unlink()
    board.power_on()
    unlock(board)
    refused = ("vault.bin is older", "than the one in use:", "refused, no codes.")
    assert panel(board) == message_frame(board, "OLD VAULT", refused)
    for button in "ABC":  # no way past it to a code
        board.press(button)
        assert panel(board) == message_frame(board, "OLD VAULT", refused)
