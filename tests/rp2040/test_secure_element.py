"""The ATECC608 on the real interpreter: the unmodified adafruit_atecc on CircuitPython 10.1.4's
busio, talking to the emulated chip through the RP2040's I2C block — woken by the SDA-low run
of a write to address 0x00 at the bus's real clock, NACKing while it computes, so the
firmware's polling runs in simulated time.

One long scenario: first boot, the chip set up after a held B, pairing and an account through
the unmodified CLI, the code, a power cut, wrong PINs counted by the chip, the right one.
"""

import pyotp
from rp2040_helpers import (
    pair_through_cli,
    run_cli_on_port,
    shows_code,
    title,
    type_pin,
    up_to_the_chips_question,
    wait_title,
)

from board_helpers import T0, panel, pin_frame
from se_helpers import TRIES, tries_left
from smartkey.rp2040 import EmulatedBoard

PIN = "246810"
WRONG = "135791"
URI = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example"


def test_a_token_with_the_chip_from_first_boot_to_an_unlock_through_it(tmp_path, builds):
    drive = tmp_path / "drive"
    settings = {"SMARTKEY_SECURE_ELEMENT": "atecc608"}
    with EmulatedBoard(drive, builds, utc=T0, settings=settings, atecc608=True, mpy=True) as board:
        chip = board.atecc608
        files = {path.relative_to(drive).as_posix() for path in drive.rglob("*")}
        assert {"lib/adafruit_atecc/adafruit_atecc.mpy", "lib/adafruit_binascii.mpy"} <= files

        # First boot: the PIN twice, then the question before the chip is locked for good.
        up_to_the_chips_question(board, PIN)
        assert not chip.config_locked  # only read so far
        board.hold("B", 2.0)
        wait_title(board, "PIN SET", 60)
        assert chip.config_locked and chip.data_locked
        assert tries_left(chip) == TRIES
        board.press("B")

        # Pairing: the code on the OLED is the one the CLI prints; B there, "y" here.
        pair_through_cli(board)

        board.when(lambda: title(board) == "CONFIRM", lambda: board.press_later("B", after=0.7))
        added = run_cli_on_port(board, "add", "-", input=URI + "\n")
        assert added.returncode == 0, added.stdout + added.stderr
        totp = pyotp.parse_uri(URI)
        board.wait_until(lambda: shows_code(board, totp), 10)

        # Power cut. Each wrong PIN costs one of the chip's uses of its key, and the token
        # counts it too; the chip keeps its count across the cut.
        ten, nine, eight = (pin_frame(board, f"{n} tries left") for n in (10, 9, 8))
        board.power_cycle()
        board.wait_until(lambda: panel(board) == ten, 40)
        macs = sum(1 for name, _ in chip.commands if name == "MAC")
        type_pin(board, WRONG)
        board.wait_until(lambda: panel(board) == nine, 60)
        assert tries_left(chip) == TRIES - 1
        board.power_cycle()
        board.wait_until(lambda: panel(board) == nine, 40)
        type_pin(board, WRONG)
        board.wait_until(lambda: panel(board) == eight, 60)
        assert tries_left(chip) == TRIES - 2

        # The right PIN opens the vault through the chip's MAC, which re-arms its count.
        type_pin(board, PIN)
        board.wait_until(lambda: shows_code(board, totp), 60)
        assert sum(1 for name, _ in chip.commands if name == "MAC") == macs + 3
        assert tries_left(chip) == TRIES
