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
# A settings.toml line: a key, then a quoted string or a bare value up to a comment.
_SETTING = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^#]*))')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# CFG_TUD_CDC_TX_BUFSIZE in CircuitPython's RP2040 build: the device's transmit FIFO.
CDC_TX_FIFO = 256
# What the host's driver takes before its program reads (a pausing host fills it, then the
# device's writes block): a tty's buffer, kept small so a test fills it quickly.
CDC_HOST_BUFFER = 4096


class SafeModeReset(BaseException):
    """CircuitPython resets into safe mode: boot.py's USB setup cannot be built (a
    BaseException, like a reset, so no handler in the firmware can catch it)."""


class CdcPipe:
    """Both directions of one USB CDC channel, as byte buffers.

    The device-to-host direction holds at most ``capacity`` bytes (the host's buffer and the
    device's FIFO) while the host's port is open and nobody reads: the device's writes then
    block or come back short, as on the device. With the port closed (no DTR), TinyUSB lets
    the FIFO be overwritten, so bytes written then are lost and writes never block.
    """

    def __init__(self, capacity: int = CDC_HOST_BUFFER + CDC_TX_FIFO) -> None:
        self.to_device = bytearray()
        self.to_host = bytearray()
        self.host_open = False
        self.capacity = capacity

    def take_for_device(self, size: int) -> bytes:
        chunk = bytes(self.to_device[:size])
        del self.to_device[:size]
        return chunk

    def room(self) -> int:
        """Bytes the device can write now without blocking."""
        return max(0, self.capacity - len(self.to_host)) if self.host_open else CDC_TX_FIFO

    def put_for_host(self, data: bytes) -> int:
        """Take as much of ``data`` as there is room for; how much that was."""
        if not self.host_open:
            return len(data)  # overwritten in the FIFO: gone, as on a real USB link
        taken = data[: self.room()]
        self.to_host += taken
        return len(taken)

    def unsent(self) -> int:
        """Bytes still in the device's FIFO (what ``out_waiting`` reports)."""
        return min(CDC_TX_FIFO, max(0, len(self.to_host) - (self.capacity - CDC_TX_FIFO)))


class ChipNvm(bytearray):
    """The RP2040's 4 KB ``nvm``, kept in a file beside the drive: it belongs to the chip, so
    it outlives power cycles and a new VirtualBoard on the same drive, as on a real board."""

    def __init__(self, path: Path) -> None:
        data = path.read_bytes() if path.exists() else b""
        super().__init__(data[:4096].ljust(4096, b"\xff"))  # erased flash reads 0xFF
        self.path = path
        # Each write erases and rewrites the whole 4 KB sector on an RP2040: what wears it.
        self.writes = 0

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self.writes += 1
        self.path.write_bytes(bytes(self))


class HostFilesystem:
    """The drive's file operations; a test can wrap it to cut power at the Nth write."""

    def open(self, path: str, mode: str, *args: Any, **kwargs: Any) -> Any:
        return open(path, mode, *args, **kwargs)

    def remove(self, path: str) -> None:
        os.remove(path)

    def rename(self, old: str, new: str) -> None:
        os.rename(old, new)  # the target is gone already (see the os fake's rename)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

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
        pins: dict[str, int],
        buttons: dict[str, str],
        i2c_pins: tuple[str, str],
        uid: bytes,
        seed: int,
        version: tuple[int, int, int] = (10, 1, 4),
    ) -> None:
        self.drive = drive
        self.scheduler = scheduler
        self.bus = bus
        self.hid = hid
        self.board_id = board_id
        self.pins = pins  # board name -> RP2040 GPIO number
        self.buttons = buttons  # button letter -> pin name
        self.i2c_pins = (pins[i2c_pins[0]], pins[i2c_pins[1]])  # (SCL, SDA) the chips are on
        self.version = version  # the CircuitPython release the board runs
        self.heap: Any = None  # smartkey.sim.heap.Heap, set by the board
        self.safe_mode: str | None = None  # why CircuitPython went to safe mode, if it did
        self.uid = uid
        self.nvm: bytearray = ChipNvm(drive.with_name(drive.name + ".nvm"))
        self.filesystem: Any = HostFilesystem()
        self.drive_size = DRIVE_SIZE
        self.machine_name = "smartkey virtual board with rp2040"
        self.console_pipe = CdcPipe()
        self.data_pipe = CdcPipe()
        self.console_log: list[str] = []
        self.held: set[int] = set()  # GPIO numbers of buttons held down
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
        self.safe_mode = None
        self.claimed: set[int] = set()
        self.keypads: list[Any] = []
        self.cdc_request = (True, False)
        self.usb_drive_visible = True
        self.code_writable = False

    def require_boot(self) -> None:
        if not self.in_boot:
            raise RuntimeError("Cannot change USB devices now")

    # -- pins and buttons ----------------------------------------------------------------------
    def claim(self, pin: Any) -> None:
        # By GPIO: two names of one pin (LED and GP25 on a Pico) are one pin, as on the device.
        if pin._gpio in self.claimed:
            raise ValueError(f"{pin.name} in use")
        self.claimed.add(pin._gpio)

    def release(self, pin: Any) -> None:
        self.claimed.discard(pin._gpio)

    def button_held(self, pin: Any) -> bool:
        return pin._gpio in self.held

    def set_button(self, letter: str, down: bool) -> None:
        gpio = self.pins[self.buttons[letter]]
        if (gpio in self.held) == down:
            return
        if down:
            self.held.add(gpio)
        else:
            self.held.discard(gpio)
        for keys in self.keypads:
            keys._scan()

    def i2c_bus(self, scl: Any, sda: Any) -> I2CBus:
        """The chips' bus if these are the pins they are wired to, else an empty bus."""
        return self.bus if (scl._gpio, sda._gpio) == self.i2c_pins else I2CBus()

    # -- time ----------------------------------------------------------------------------------
    def ticks_ms(self) -> int:
        return int((self.scheduler.now - self.powered_on_at) * 1000) & ((1 << 29) - 1)

    # -- USB -----------------------------------------------------------------------------------
    def interfaces_before_hid(self) -> int:
        """USB interfaces CircuitPython puts before the HID one (supervisor/shared/usb/
        usb_desc.c): the console's and the data channel's CDC, then the drive's MSC."""
        console, data = self.cdc_request
        return 2 * console + 2 * data + self.usb_drive_visible  # a CDC channel is 2 interfaces

    @property
    def usb_connected(self) -> bool:
        return self.hid.connected

    def console_write(self, text: str) -> None:
        self.console_log.append(text)
        self.console_pipe.put_for_host(text.replace("\n", "\r\n").encode())

    def print(
        self, *args: Any, sep: str = " ", end: str = "\n", file: Any = None, **_: Any
    ) -> None:
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

    def settings(self) -> dict[str, tuple[bool, str]]:
        """settings.toml as CircuitPython reads it: {key: (quoted, text)}, the first line for a
        key winning; a quoted value unescaped, a bare one as written up to a comment."""
        try:
            text = (self.drive / "settings.toml").read_text()
        except FileNotFoundError:
            return {}
        values: dict[str, tuple[bool, str]] = {}
        for line in text.splitlines():
            match = _SETTING.match(line)
            if match and match.group(1) not in values:
                key, string, bare = match.groups()
                values[key] = (True, _unescape(string)) if string is not None else (False, bare)
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
