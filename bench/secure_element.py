"""The token with an ATECC608 on the virtual board: what the chip adds to setting a PIN and to an
unlock, in simulated time (docs/secure-element.md).

The firmware polls each command until the chip answers (up to its datasheet maximum), so an
unlock is measured on a chip that takes 45% of the maxima and on one that takes all of it (the
slowest the datasheet allows). These times come on top of the PBKDF2 (the rp2040 section gives
its cost on an RP2040). The chip starts at 45% so that the unmodified adafruit_atecc constructor
finds it (tests/sim/test_atecc608.py).
"""

import sys
import tempfile
from collections import Counter
from pathlib import Path

from rich.table import Table

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

from se_helpers import TIME_SCALE, chip_board, choose_pin
from smartkey.sim.buttons import enter_pin

PIN = "314159"


class _Timeline:
    """When the firmware talks to the chip: the first command packet and the last read."""

    def __init__(self, board, chip):
        self.board = board
        self.first = None
        self.last = None
        write, read = chip.i2c_write, chip.i2c_read

        def logged_write(data, stop):
            if data[:1] == b"\x03" and self.first is None:
                self.first = board.scheduler.now
            write(data, stop)

        def logged_read(nbytes):
            self.last = board.scheduler.now
            return read(nbytes)

        chip.i2c_write, chip.i2c_read = logged_write, logged_read

    def start(self):
        self.first = self.last = None

    @property
    def seconds(self):
        return self.last - self.first


def _commands(chip, since):
    names = Counter(name for name, _ in chip.commands[since:])
    return ", ".join(f"{count} {name}" for name, count in names.most_common())


def run() -> Table:
    table = Table(title="The ATECC608 secure element on the virtual board (simulated time)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        board, chip = chip_board(Path(tmp))
        timeline = _Timeline(board, chip)
        with board:
            choose_pin(board, PIN)
            board.step(0.6)
            timeline.start()
            since = len(chip.commands)
            board.hold("B", 2.0)  # yes: lock the chip for this token
            board.step(3.0)
            table.add_row("first PIN: set up a blank chip + arm it (s)", f"{timeline.seconds:.2f}")
            table.add_row("  … its commands", _commands(chip, since))
            board.press("B")
            for scale, label in ((TIME_SCALE, "at 45% of the maxima"), (1.0, "at the maxima")):
                board.power_cycle()
                board.step(1.0)
                chip.time_scale = scale  # once the driver's constructor has found it
                since = len(chip.commands)
                timeline.start()  # the chip is first asked once the PIN is in
                enter_pin(board, PIN)
                board.step(3.0)
                chip.time_scale = TIME_SCALE
                table.add_row(f"unlock: the chip's part, {label} (s)", f"{timeline.seconds:.2f}")
            table.add_row("  … its commands", _commands(chip, since))
    table.caption = (
        "An unlock is one MAC (the PIN check, counted by the chip) and the re-arming after a "
        "correct PIN: Nonce, GenDig, an encrypted Write and Counter increments up to 31."
    )
    return table
