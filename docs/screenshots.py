"""Render the README's screenshots on the virtual board: `make screenshots`."""

import sys
import tempfile
from pathlib import Path

from smartkey.sim import VirtualBoard
from smartkey.sim.terminal import prepare_drive

OUT = Path(__file__).resolve().parent / "img"
T0 = 1_700_000_000


def shoot(name, profile="pico", script=(), before=None):
    with tempfile.TemporaryDirectory() as tmp:
        drive = Path(tmp) / "drive"
        prepare_drive(drive)
        with VirtualBoard(drive, utc=T0, profile=profile) as board:
            if before:
                before(board)
            board.step(1.5)
            for button in script:
                board.press(button)
            board.oled.save_png(OUT / (name + ".png"), scale=3)
    print("wrote", OUT / (name + ".png"))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    shoot("code-pico")
    shoot("code-pico-sha256", script="C")
    shoot("code-pico-steam", script="CC")
    shoot("code-feather32", profile="feather32")
    shoot("set-time", before=lambda board: board.rtc.lose_power())
    return 0


if __name__ == "__main__":
    sys.exit(main())
