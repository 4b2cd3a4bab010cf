"""What the fakes of the CircuitPython modules share: one board's pins, bus, drive and USB.

Every fake module gets this object as its ``_hw``. It lives as long as the virtual board, across
power cycles; the fake modules themselves are made anew for every run of boot.py and code.py.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
from pathlib import Path
from typing import Any

from smartkey.sim.bus import I2CBus
from smartkey.sim.hid import HidHost
from smartkey.sim.scheduler import PowerOff, Scheduler

DRIVE_SIZE = 1024 * 1024  # a Pico's CIRCUITPY filesystem
_SETTING = re.compile(
    r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))\s*(?:#.*)?$'
)
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


class CdcPipe:
    """Both directions of one USB CDC channel, as byte buffers."""

    def __init__(self) -> None:
        self.to_device = bytearray()
        self.to_host = bytearray()
        self.host_open = False

    def take_for_device(self, size: int) -> bytes:
        chunk = bytes(self.to_device[:size])
        del self.to_device[:size]
        return chunk

    def put_for_host(self, data: bytes) -> int:
        # With no host listening the bytes are gone, as on a real USB link.
        if self.host_open:
            self.to_host += data
        return len(data)


class ChipNvm(bytearray):
    """The RP2040's 4 KB ``nvm``, kept in a file beside the drive: it belongs to the chip, so
    it outlives power cycles and a new VirtualBoard on the same drive, as on a real board."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes() if path.exists() else b""
        super().__init__(data[:4096].ljust(4096, b"\xff"))  # erased flash reads 0xFF
        self.path = path

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.path.write_bytes(bytes(self))


class HostFilesystem:
    """The drive's file operations; a test can wrap it to cut power at the Nth write."""

    def open(self, path: str, mode: str, *args: Any, **kwargs: Any) -> Any:
        return open(path, mode, *args, **kwargs)

    def remove(self, path: str) -> None:
        os.remove(path)

    def rename(self, old: str, new: str) -> None:
        os.replace(old, new)

    def sync(self) -> None:
        pass


class BoardState:
    def __init__(
        self,
        *,
        drive: Path,
        scheduler: Scheduler,
        bus: I2CBus,
        hid: HidHost,
        board_id: str,
        pin_names: list[str],
        buttons: dict[str, str],
        i2c_pins: tuple[str, str],
        uid: bytes,
        seed: int,
    ) -> None:
        self.drive = drive
        self.scheduler = scheduler
        self.bus = bus
        self.hid = hid
        self.board_id = board_id
        self.pin_names = pin_names
        self.buttons = buttons  # button letter -> pin name
        self.i2c_pins = i2c_pins  # (SCL, SDA) the chips are wired to
        self.uid = uid
        self.nvm: bytearray = ChipNvm(drive.with_name(drive.name + ".nvm"))
        self.filesystem: Any = HostFilesystem()
        self.drive_size = DRIVE_SIZE
        self.machine_name = "smartkey virtual board with rp2040"
        self.console_pipe = CdcPipe()
        self.data_pipe = CdcPipe()
        self.console_log: list[str] = []
        self.held: set[str] = set()  # pin names of buttons held down
        self._random = random.Random(seed)
        self.powered_on_at = 0.0
        self.uptime_offset = 0.0  # seconds added to the time since power-on (a long-running board)
        self.reset_requested: str | None = None
        self.next_run_mode: str | None = None
        self.next_code_file: str | None = None
        self.boot_phase()

    # -- power-on state ------------------------------------------------------------------------
    def boot_phase(self) -> None:
        """State at reset, before boot.py: CircuitPython's defaults."""
        self.in_boot = True
        self.claimed: set[str] = set()
        self.keypads: list[Any] = []
        self.cdc_request = (True, False)
        self.usb_drive_visible = True
        self.code_writable = False

    def require_boot(self) -> None:
        if not self.in_boot:
            raise RuntimeError("Cannot change USB devices now")

    # -- pins and buttons ----------------------------------------------------------------------
    def claim(self, pin: Any) -> None:
        if pin.name in self.claimed:
            raise ValueError(f"{pin.name} in use")
        self.claimed.add(pin.name)

    def release(self, pin: Any) -> None:
        self.claimed.discard(pin.name)

    def button_held(self, pin: Any) -> bool:
        return pin.name in self.held

    def set_button(self, letter: str, down: bool) -> None:
        pin_name = self.buttons[letter]
        if (pin_name in self.held) == down:
            return
        if down:
            self.held.add(pin_name)
        else:
            self.held.discard(pin_name)
        for keys in self.keypads:
            for pin in keys._pins:
                if pin.name == pin_name:
                    keys._button_changed(pin, down)

    def i2c_bus(self, scl: Any, sda: Any) -> I2CBus:
        """The chips' bus if these are the pins they are wired to, else an empty bus."""
        return self.bus if (scl.name, sda.name) == self.i2c_pins else I2CBus()

    # -- time ----------------------------------------------------------------------------------
    def ticks_ms(self) -> int:
        return int((self.scheduler.now - self.powered_on_at) * 1000) & ((1 << 29) - 1)

    # -- USB -----------------------------------------------------------------------------------
    @property
    def usb_connected(self) -> bool:
        return self.hid.connected

    def console_write(self, text: str) -> None:
        self.console_log.append(text)
        self.console_pipe.put_for_host(text.replace("\n", "\r\n").encode())

    def print(self, *args: Any, sep: str = " ", end: str = "\n", file: Any = None, **_: Any):
        self.console_write(sep.join(str(a) for a in args) + end)

    # -- the CIRCUITPY drive -------------------------------------------------------------------
    def host_path(self, path: str) -> str:
        """Map a device path ("/vault.bin", "lib/x.py") into the drive, refusing escapes."""
        full = (self.drive / path.lstrip("/")).resolve()
        root = self.drive.resolve()
        if full != root and root not in full.parents:
            raise OSError(errno.ENOENT, "No such file/directory")
        return str(full)

    def check_writable(self) -> None:
        if not self.code_writable:
            raise OSError(errno.EROFS, "Read-only filesystem")

    def open(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(flag in mode for flag in "wax+"):
            self.check_writable()
        return self.filesystem.open(self.host_path(str(path)), mode, *args, **kwargs)

    def settings(self) -> dict[str, str | int]:
        """settings.toml as CircuitPython's getenv reads it: strings and decimal integers."""
        try:
            text = (self.drive / "settings.toml").read_text()
        except FileNotFoundError:
            return {}
        values: dict[str, str | int] = {}
        for line in text.splitlines():
            match = _SETTING.match(line)
            if match:
                key, string, number = match.groups()
                values[key] = int(number) if number is not None else _unescape(string)
        return values

    def erase_drive(self) -> None:
        for child in self.drive.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        self.request_reset()

    def random_bytes(self, n: int) -> bytes:
        return bytes(self._random.getrandbits(8) for _ in range(n))

    # -- resets --------------------------------------------------------------------------------
    def request_reset(self) -> None:
        self.reset_requested = "reset"
        raise PowerOff

    def request_reload(self) -> None:
        self.reset_requested = "reload"
        raise PowerOff


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)
