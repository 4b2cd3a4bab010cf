"""Render the README's screenshots on the virtual board: `make screenshots`."""

import sys
import tempfile
from pathlib import Path

from smartkey.device import Token
from smartkey.sim import VirtualBoard
from smartkey.sim.buttons import enter_pin
from smartkey.sim.terminal import prepare_drive

OUT = Path(__file__).resolve().parent / "img"
T0 = 1_700_000_000  # 20 s into a period
DEMO_PIN = "123456"


def unlock(board):
    board.step(0.5)
    enter_pin(board, DEMO_PIN)
    board.step(0.3)


def open_menu(board):
    board.hold("B", 1.0)


def ask_to_add(board):
    board.step(2.1)  # the token refuses a question within 2 s of a press (the PIN's)
    token = Token(board.connect())
    names = {"names": ["GitHub", "Mail", "Bank"], "more": True}
    token._send({"v": 1, "id": 1, "op": "add", "count": 12, **names})
    board.step(0.5)


def export_qr(board):
    open_menu(board)
    entries = [entry[0] for entry in board.modules["smartkey_fw.ui.main_menu"].ENTRIES]
    for _ in range(entries.index("export")):
        board.press("C")
    board.press("B")
    enter_pin(board, DEMO_PIN)
    board.press_later("B", after=1.0)
    board.step(1.5)


def pin_entry(board):
    board.step(0.5)
    board.press("C")
    board.press("B")


def next_code(board):
    unlock(board)
    board.step(T0 + 7 - board.utc())  # 3 s left in the period


def account(number):
    def show(board):
        unlock(board)
        for _ in range(number):
            board.press("C")

    return show


SHOTS = {
    # name: (profile, demo, what to do after power-on)
    "new-token": ("pico", False, lambda board: board.step(0.5)),
    "pin-entry": ("pico", True, pin_entry),
    "code-pico": ("pico", True, unlock),
    "code-pico-next": ("pico", True, next_code),
    "code-pico-sha256": ("pico", True, account(1)),
    "code-pico-steam": ("pico", True, account(2)),
    "menu": ("pico", True, lambda board: (unlock(board), open_menu(board))),
    "confirm-add": ("pico", True, lambda board: (unlock(board), ask_to_add(board))),
    "set-time": ("pico", True, lambda board: (board.rtc.lose_power(), unlock(board))),
    "export-qr": ("pico", True, lambda board: (unlock(board), export_qr(board))),
    "code-feather32": ("feather32", True, unlock),
    "pin-entry-feather32": ("feather32", True, lambda board: board.step(0.5)),
}


def shoot(name, profile, demo, actions):
    with tempfile.TemporaryDirectory() as tmp:
        drive = Path(tmp) / "drive"
        if demo:
            prepare_drive(drive)
        with VirtualBoard(drive, utc=T0, profile=profile) as board:
            actions(board)
            board.oled.save_png(OUT / (name + ".png"), scale=3)
    print("wrote", OUT / (name + ".png"))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (profile, demo, actions) in SHOTS.items():
        shoot(name, profile, demo, actions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
