"""A token with the emulated ATECC608 on its I2C bus, for the secure-element tests."""

from board_helpers import T0, panel, question_frame
from smartkey.sim import VirtualBoard
from smartkey.sim.board import ATECC608_TIME_SCALE
from smartkey.sim.buttons import enter_pin
from smartkey.sim.terminal import write_setting

TIME_SCALE = ATECC608_TIME_SCALE  # what the board's chip takes of each command's maximum
TRIES = 11  # what the chip allows between two correct PINs: SMARTKEY_PIN_TRIES (10) + 1
QUESTION = (
    "Set up the ATECC608?",
    "Its slots are locked",
    "for good: it serves",
    "only smartkey then.",
)
KEY_SLOT = 1


def chip_board(root, *, chip=True, setting="atecc608", demo=False, **options):
    """(board, chip): a board on ``root / "drive"`` whose settings.toml asks for the secure
    element (``setting``; none when empty), and the board's emulated chip (its EEPROM kept in
    ``chip_file(root)``, so a later board or a bench finds it as this one left it).
    ``chip=False``: none on the bus."""
    board = VirtualBoard(root / "drive", utc=T0, atecc608=chip, **options)
    write_setting(board.drive, "SMARTKEY_SECURE_ELEMENT", f'"{setting}"' if setting else None)
    write_setting(board.drive, "SMARTKEY_DEMO", "1" if demo else None)
    return board, board.atecc608


def chip_file(root):
    """Where the chip of ``chip_board(root)`` keeps its EEPROM."""
    return root / "drive.atecc608"


def tries_left(chip):
    """Uses of the key slot the chip still allows: its match value (5 low bits ignored) minus
    Counter[0]."""
    return (chip.count_match() & ~31) - chip.counter(0)


def choose_pin(board, pin):
    """From the NEW TOKEN screen: read it, type the PIN twice."""
    board.step(0.5)
    board.press("B")
    enter_pin(board, pin)
    enter_pin(board, pin)


def set_up_with_chip(board, pin):
    """First boot with a blank chip: the PIN twice, the question to lock the chip answered
    with B held, then PIN SET."""
    choose_pin(board, pin)
    board.step(0.6)
    assert panel(board) == question_frame(board, QUESTION, destructive=True)
    board.hold("B", 2.0)
    board.step(2.0)  # setting the chip up: about 60 commands
    board.press("B")  # PIN SET: continue


def unlock(board, pin):
    """Type ``pin`` and give the check its time: the PBKDF2, the chip's MAC and, when right,
    the re-arming (up to 31 Counter commands of 25 ms)."""
    board.step(0.5)
    enter_pin(board, pin)
    board.step(2.0)


def provisioned(root, pin):
    """A token set up with the chip (locked, armed) and ``pin``; powered off. (Its own RNG
    seed: the virtual board's os.urandom repeats per seed, and a later board must not draw
    the same key.)"""
    board, chip = chip_board(root, seed=1)
    with board:
        set_up_with_chip(board, pin)
    return chip
