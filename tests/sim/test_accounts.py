"""Accounts in the vault on the virtual board: 250 of them, PIN changes, locking, read-only."""

import base64
import tracemalloc

import pyotp

from board_helpers import (
    ALICE_TOTP,
    BOB_TOTP,
    DEMO_PIN,
    T0,
    demo_board,
    message_frame,
    open_menu_at,
    panel,
    pin_frame,
    unlock,
)
from oled_text import code_on_screen, pyotp_view
from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin


def firmware_vault(board):
    """A second handle on the board's vault, through the firmware's own module and fake os."""
    vault_mod = board.modules["smartkey_fw.vault"]
    vault = vault_mod.Vault(bytes(board.state.uid), "/", True)
    vault.scan()
    assert vault.unlock(DEMO_PIN)
    return vault


def browse(board, count):
    """Press C through every account; return the peak traced memory while doing so."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        for _ in range(count):
            board.press("C")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_250_accounts_browse_with_bounded_memory_and_right_codes(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        account_cls = board.modules["smartkey_fw.account"].Account
        vault = firmware_vault(board)
        vault.commit(
            additions=[
                account_cls(f"Issuer {i}", f"n{i}", bytes([i % 256]) * 20) for i in range(3, 250)
            ]
        )
        board.power_cycle()
        unlock(board)
        small = browse(board, 3)
        large = browse(board, 250)
        assert large < small * 2, (small, large)  # not proportional to the accounts browsed
        for _ in range(4):  # from account 3 (253 presses of C) back to account 249, the last
            board.press("A")
        totp = pyotp.TOTP(base64.b32encode(bytes([249]) * 20).decode())
        assert code_on_screen(board) == pyotp_view(board, totp)  # the secret of account 249


def test_change_pin_from_the_menu(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        open_menu_at(board, "change_pin")
        board.press("B")
        enter_pin(board, DEMO_PIN)  # the current PIN first
        enter_pin(board, "9753100")
        enter_pin(board, "9753100")
        assert panel(board) == message_frame(board, "PIN SET", ("B: continue",))
        board.press("B")
        board.hold("B", 1.0)
        board.press("B")  # lock now
        board.power_cycle()
        enter_pin(board, DEMO_PIN)
        board.step(0.5)
        assert panel(board) == pin_frame(board, "Wrong PIN; try 123456")  # the old PIN is refused
        enter_pin(board, "9753100")
        board.step(0.5)
        assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)  # unlocked: the first code


def test_it_locks_itself_after_the_idle_timeout(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        with open(board.drive / "settings.toml", "a") as f:
            f.write("SMARTKEY_AUTOLOCK = 60\n")
        board.power_cycle()
        unlock(board)
        board.step(50.0)
        board.press("C")  # activity restarts the wait (and, on a dimmed screen, counts)
        board.step(50.0)
        # Still unlocked, on the second code.
        assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)
        board.step(15.0)
        assert panel(board) == pin_frame(board, "demo PIN 123456")


def test_maintenance_mode_says_it_cannot_save(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.power_cycle(hold=("A",))
        board.step(0.5)
        lines = ("Maintenance mode:", "restart without", "holding A to set up.")
        assert panel(board) == message_frame(board, "NO VAULT", lines)


def test_changing_the_pin_needs_the_current_one(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        open_menu_at(board, "change_pin")
        board.press("B")
        enter_pin(board, "000000")  # not the PIN: it counts, and the token locks
        board.step(0.5)
        assert panel(board) == pin_frame(board, "demo PIN 123456")
        assert board.modules["smartkey_fw.pin"].PinGuard(board.state.nvm).failures == 1


def test_changing_the_pin_in_maintenance_mode_says_it_cannot(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(0.5)
        board.power_cycle(hold=("A",))
        unlock(board)
        open_menu_at(board, "change_pin")
        board.press("B")
        lines = ("Maintenance mode:", "a new PIN cannot", "be saved.")
        assert panel(board) == message_frame(board, "READ-ONLY", lines)
