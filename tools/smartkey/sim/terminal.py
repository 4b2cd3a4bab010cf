"""``smartkey sim``: the virtual board live in a terminal, and scripted screenshots.

The OLED is drawn with half-block characters (faint while the firmware dims the panel, an empty
faint frame while it is dark), keys press the buttons, time runs at wall-clock speed (``>``
skips ten seconds ahead), and the data channel is a pseudo-terminal that the ``smartkey`` CLI
(or any serial tool) can open while the simulator runs.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import termios
import time
import tty
from collections.abc import Iterator
from pathlib import Path

from smartkey.deploy import install_firmware
from smartkey.sim.board import VirtualBoard
from smartkey.sim.ssd1306 import SSD1306
from smartkey.transport import sim_port_file

FRAME_SECONDS = 0.05
LONG_PRESS_SECONDS = 1.2
SKIP_SECONDS = 10.0  # what ">" moves the board's time ahead by: idle timeouts without waiting
DIM_BELOW = 64  # an SSD1306 contrast under this reads as the firmware's dimmed screen
FAINT, NORMAL = "\x1b[2m", "\x1b[0m"
# key -> (button, held seconds); upper case is a long press.
KEYMAP = {
    "a": ("A", None),
    "b": ("B", None),
    "c": ("C", None),
    "1": ("A", None),
    "2": ("B", None),
    "3": ("C", None),
    " ": ("B", None),
    "\r": ("B", None),
    "A": ("A", LONG_PRESS_SECONDS),
    "B": ("B", LONG_PRESS_SECONDS),
    "C": ("C", LONG_PRESS_SECONDS),
}
LEGEND = (
    "keys: a/1 = A (up)   b/2/space = B (select)   c/3 = C (down)   A/B/C = long press\n"
    "      > = 10 s later   q = quit"
)


def data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "smartkey"


def write_setting(drive: Path, name: str, value: str | None) -> None:
    """Set ``name`` in the drive's settings.toml to ``value`` (TOML, as written there), or take
    it out (None); every other line stays as the user left it."""
    settings = drive / "settings.toml"
    lines = [
        line
        for line in settings.read_text().splitlines(keepends=True)
        if line.partition("=")[0].strip() != name
    ]
    if value is not None:
        if lines and not lines[-1].endswith("\n"):
            lines.append("\n")
        lines.append(f"{name} = {value}\n")
    settings.write_text("".join(lines))


def prepare_drive(drive: Path, *, secure_element: bool = False) -> None:
    """Install the current firmware; on the first run, also turn on the demo accounts.

    With the secure element, the settings ask for the chip and the first run adds no demo
    accounts: the user sets a PIN and sees the chip's set-up question, which is what trying the
    chip is about. (A demo token never locks a blank chip for its accounts, so it would start
    as a new token anyway, and its "try 123456" hint would then be wrong.)"""
    first_run = not (drive / "code.py").exists()
    install_firmware(drive)
    if secure_element:
        write_setting(drive, "SMARTKEY_SECURE_ELEMENT", '"atecc608"')
    elif first_run:
        with open(drive / "settings.toml", "a") as settings:
            settings.write("\n# Added by `smartkey sim` on its first run.\nSMARTKEY_DEMO = 1\n")


def run_script(board: VirtualBoard, script: str) -> None:
    """Run a space-separated script: A/B/C press, hold:B[=2.0] hold, wait:1.5 let time pass."""
    for word in script.split():
        action, _, argument = word.partition(":")
        if action.upper() in ("A", "B", "C") and not argument:
            board.press(action.upper())
        elif action == "hold":
            button, _, seconds = argument.partition("=")
            board.hold(button.upper(), float(seconds or LONG_PRESS_SECONDS))
        elif action == "wait":
            board.step(float(argument))
        else:
            raise ValueError(f"unknown step {word!r} in the script (use A, B, C, hold:B, wait:2)")


def screenshot(
    drive: Path,
    out: Path,
    *,
    profile: str,
    utc: float,
    script: str,
    secure_element: bool = False,
) -> None:
    prepare_drive(drive, secure_element=secure_element)
    with VirtualBoard(drive, utc=utc, profile=profile, atecc608=secure_element) as board:
        board.step(1.0)
        run_script(board, script)
        board.oled.save_png(out)


class _Pty:
    """The data channel as a pseudo-terminal: bytes cross between it and the board's pipe."""

    def __init__(self, board: VirtualBoard) -> None:
        self.pipe = board.state.data_pipe
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        os.set_blocking(self.master, False)
        self.pipe.host_open = True

    def pump(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while True:
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.pipe.to_device += chunk
        if self.pipe.to_host:
            with contextlib.suppress(BlockingIOError, OSError):
                sent = os.write(self.master, bytes(self.pipe.to_host))
                del self.pipe.to_host[:sent]

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@contextlib.contextmanager
def _keyboard() -> Iterator[None]:
    if not sys.stdin.isatty():
        yield
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _keys_waiting() -> str:
    ready, _, _ = select.select([sys.stdin], [], [], 0)
    if not ready:
        return ""
    data = os.read(sys.stdin.fileno(), 64)
    return data.decode(errors="ignore") if data else "\x04"  # end of input quits


def live(drive: Path, *, profile: str, utc: float | None, secure_element: bool = False) -> None:
    """Run until 'q' (or end of input): real time, the OLED redrawn when it changes.
    ``secure_element``: an emulated ATECC608 on the bus (its EEPROM kept beside the drive)."""
    prepare_drive(drive, secure_element=secure_element)
    out = sys.stdout
    board = VirtualBoard(drive, utc=utc, profile=profile, atecc608=secure_element)
    with board, _keyboard():
        channel = _Pty(board)
        published = sim_port_file()
        published.parent.mkdir(parents=True, exist_ok=True)
        published.write_text(channel.path + "\n")
        out.write("\x1b[2J")
        started = time.monotonic()
        skipped = 0.0
        last_drawn: tuple[str, str, str, str] | None = None
        status = "ready"
        try:
            while True:
                for key in _keys_waiting():
                    if key in ("q", "\x03", "\x04"):
                        return
                    if key == ">":
                        skipped += SKIP_SECONDS
                        status = f"{SKIP_SECONDS:.0f} s later"
                    if key in KEYMAP:
                        button, seconds = KEYMAP[key]
                        board.hold(button, seconds or 0.1)
                        status = ("long press " if seconds else "pressed ") + button
                behind = (time.monotonic() - started + skipped) - board.scheduler.now
                if behind > 0:
                    board.step(behind)
                channel.pump()
                frame = board.oled.to_text()
                light = brightness(board.oled)
                clock = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(board.utc()))
                # The status line's clock ticks even while the screen stands still.
                if (frame, light, clock, status) != last_drawn:
                    last_drawn = (frame, light, clock, status)
                    style = NORMAL if light == "bright" else FAINT
                    out.write("\x1b[H" + style + _framed(frame))
                    out.write(f"\n{NORMAL}{LEGEND}\n")
                    out.write(
                        f"data channel: {channel.path}   {clock}   screen {light:<6}  "
                        f"{status:<24}\x1b[K\n"
                    )
                    out.flush()
                time.sleep(FRAME_SECONDS)
        finally:
            with contextlib.suppress(FileNotFoundError):
                published.unlink()
            channel.close()


def brightness(oled: SSD1306) -> str:
    """How the panel looks to someone in front of it: "bright", "dim" or "dark"."""
    if not oled.lit:
        return "dark"
    return "dim" if oled.contrast < DIM_BELOW else "bright"


def _framed(frame: str) -> str:
    lines = frame.splitlines()
    width = max(len(line) for line in lines)
    top = "┌" + "─" * width + "┐\n"
    bottom = "└" + "─" * width + "┘"
    return top + "".join("│" + line.ljust(width) + "│\n" for line in lines) + bottom
