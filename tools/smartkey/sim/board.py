"""The virtual board: the unmodified firmware on emulated hardware, in simulated time.

``VirtualBoard`` runs the drive's boot.py, then its code.py, with the real Adafruit drivers, over
fakes of the CircuitPython modules (``smartkey.sim.fakes``) and register-level emulators of the
SSD1306 and the DS3231 on an emulated I2C bus. Time only moves in ``step``/``press``/``hold``,
so every run is deterministic.
"""

from __future__ import annotations

import hashlib
import time
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from smartkey import profiles
from smartkey.deploy import DEVICE_LIBRARIES, FIRMWARE_PACKAGE, SOURCE, install_firmware
from smartkey.sim import fakes, loader
from smartkey.sim.atecc608 import ATECC608
from smartkey.sim.bus import I2CBus
from smartkey.sim.ds3231 import DS3231
from smartkey.sim.heap import Heap
from smartkey.sim.hid import HidHost
from smartkey.sim.scheduler import PowerOff, Scheduler
from smartkey.sim.serial import SimSerial
from smartkey.sim.ssd1306 import SSD1306
from smartkey.sim.state import CDC_HOST_BUFFER, CDC_TX_FIFO, BoardState, SafeModeReset

_FAKE_MODULES = (
    "aesio board busio digitalio gc hashlib keypad microcontroller micropython os storage "
    "supervisor sys time usb_cdc usb_hid"
).split()
# Board names and the RP2040 GPIO behind each (ports/raspberrypi/boards/*/pins.c).
_PICO_PINS = {f"GP{n}": n for n in range(29)} | {
    "SMPS_MODE": 23,
    "VBUS_SENSE": 24,
    "LED": 25,
    "GP26_A0": 26,
    "A0": 26,
    "GP27_A1": 27,
    "A1": 27,
    "GP28_A2": 28,
    "A2": 28,
    "A3": 29,
    "VOLTAGE_MONITOR": 29,
}
_FEATHER_PINS = {
    "A0": 26, "A1": 27, "A2": 28, "A3": 29, "D24": 24, "D25": 25, "SCK": 18, "MOSI": 19,
    "MISO": 20, "D0": 1, "RX": 1, "D1": 0, "TX": 0, "D4": 6, "SDA": 2, "SCL": 3, "D5": 7,
    "D6": 8, "D9": 9, "D10": 10, "D11": 11, "D12": 12, "LED": 13, "D13": 13, "BUTTON": 4,
    "BOOT": 4, "NEOPIXEL": 16,
}  # fmt: skip
# The board pins of each profile's reference board, by its board id.
_BOARD_PINS = {"raspberry_pi_pico": _PICO_PINS, "adafruit_feather_rp2040": _FEATHER_PINS}
PROFILES = profiles.read(SOURCE / FIRMWARE_PACKAGE)
# How much of each command's datasheet maximum the board's ATECC608 takes. Real parts run well
# under those maxima, and the unmodified adafruit_atecc constructor relies on it: it waits the
# older 508A's times, so it finds a chip at 45 % of the 608's maxima but not at 100 %
# (tests/sim/test_atecc608.py). The firmware's own commands poll up to the full maxima, so the
# bench (bench/secure_element.py) also measures a chip at 1.0 once the constructor is done.
ATECC608_TIME_SCALE = 0.45
PRESS_SECONDS = 0.1  # how long a short press holds the button
SETTLE_SECONDS = 0.05  # after a release, so the firmware has handled it when press() returns


def soldered_atecc608(drive: Path, clock: Callable[[], float], seed: int = 0) -> ATECC608:
    """The ATECC608 soldered to a board whose drive is ``drive``: its serial number drawn from
    the drive's path and its EEPROM in a file beside the drive, like nvm, so a new board on the
    same drive finds the chip as it was."""
    return ATECC608(
        clock,
        serial=hashlib.sha256(str(drive).encode() + b" atecc608").digest()[:6],
        path=drive.with_name(drive.name + ".atecc608"),
        seed=seed,
        time_scale=ATECC608_TIME_SCALE,
    )


class VirtualBoard:
    """A smartkey token in software. Use it as a context manager (power on/off)."""

    def __init__(
        self,
        drive: Path | str,
        utc: float | None = None,
        profile: str = "pico",
        *,
        layout: str = "us",
        uid: bytes | None = None,
        display: bool = True,
        wiring: dict[str, str] | None = None,
        rtc: bool = True,
        atecc608: bool = False,
        seed: int = 0,
        circuitpython: str = "10.1.4",
        heap_free: int = 186_064,
        trace_heap: bool = False,
    ) -> None:
        if profile not in PROFILES:
            raise ValueError("profile must be one of {}".format(", ".join(PROFILES)))
        self.drive = Path(drive)
        if not (self.drive / "code.py").exists():
            install_firmware(self.drive)
        self.profile = profile
        chosen = PROFILES[profile]
        board_id = chosen.board_ids[0]
        if board_id not in _BOARD_PINS:
            raise ValueError(f"the virtual board has no pin names for {board_id} (_BOARD_PINS)")
        width, height = chosen.display
        # A builder may wire a button to another pin (and say so in settings.toml).
        buttons = {**chosen.buttons, **(wiring or {})}
        self.scheduler = Scheduler()
        self._utc_at_start = time.time() if utc is None else float(utc)
        self.bus = I2CBus()
        self.oled = SSD1306(width, height, chosen.display_address)
        self.rtc = DS3231(self.utc)
        self.rtc.set_time(self._utc_at_start)
        if display:
            self.bus.attach(self.oled)
        if rtc:
            self.bus.attach(self.rtc)
        self.atecc608: ATECC608 | None = None
        if atecc608:
            self.atecc608 = soldered_atecc608(self.drive, lambda: self.scheduler.now, seed)
            self.bus.attach(self.atecc608)
        self.hid = HidHost(layout)
        uid = uid if uid is not None else hashlib.sha256(str(self.drive).encode()).digest()[:8]
        self.state = BoardState(
            drive=self.drive,
            scheduler=self.scheduler,
            bus=self.bus,
            hid=self.hid,
            board_id=board_id,
            pins=_BOARD_PINS[board_id],
            buttons=buttons,
            i2c_pins=chosen.i2c_pins,
            uid=uid,
            seed=seed,
            version=_version(circuitpython),
        )
        self._host_libraries = loader.host_library_dirs(DEVICE_LIBRARIES)
        self.state.heap = Heap(
            heap_free,
            [self.drive, *(where / name for name, where in self._host_libraries.items())],
        )
        self._trace_heap = trace_heap
        self.modules: dict[str, types.ModuleType] = {}  # code.py's modules, for inspection
        self._usb_hid: Any = None
        self._fakes: Mapping[str, types.ModuleType] = {}
        self._timers: list[tuple[float, Any]] = []  # (simulated time, action)
        self._powered = False

    # -- the contract in design.md -------------------------------------------------------------
    def __enter__(self) -> VirtualBoard:
        self.power_on()
        return self

    def __exit__(self, *exc: object) -> None:
        self.power_off()

    def utc(self) -> float:
        """The true UTC time in the simulation (what a perfect clock would read)."""
        return self._utc_at_start + self.scheduler.now

    def step(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass with the firmware running."""
        end = self.scheduler.now + seconds
        while True:
            due = [t for t, _ in self._timers if t <= end]
            target = min(due) if due else end
            self.scheduler.advance(target - self.scheduler.now)
            kind, self.state.reset_requested = self.state.reset_requested, None
            if kind is not None:
                self._start(run_boot=kind == "reset")
                continue
            for timer in [t for t in self._timers if t[0] <= self.scheduler.now]:
                self._timers.remove(timer)
                timer[1]()
            if self.scheduler.now >= end and not due:
                return

    def press_later(self, button: str, after: float, seconds: float = PRESS_SECONDS) -> None:
        """Press ``button`` ``after`` simulated seconds from now, whatever runs meanwhile (a
        host waiting for the token's confirmation, say)."""
        self._check_button(button)
        start = self.scheduler.now + after
        self._timers.append((start, lambda: self.state.set_button(button, True)))
        self._timers.append((start + seconds, lambda: self.state.set_button(button, False)))

    def press(self, button: str) -> None:
        """A short press of button "A", "B" or "C"."""
        self.hold(button, PRESS_SECONDS)

    def hold(self, button: str, seconds: float = 2.0) -> None:
        """Hold a button down for ``seconds``, then release it."""
        self._check_button(button)
        self.state.set_button(button, True)
        self.step(seconds)
        self.state.set_button(button, False)
        self.step(SETTLE_SECONDS)

    def typed(self) -> str:
        """The text the host computer received from the token's USB keyboard."""
        return self.hid.text

    @property
    def i2c_bytes(self) -> int:
        return self.bus.total_written

    def connect(self, buffer: int = CDC_HOST_BUFFER) -> SimSerial:
        """A host-side connection to the token's data serial channel (pyserial-like).

        The host's driver holds ``buffer`` bytes the host has not read yet; beyond that (and
        the device's own FIFO) the token's writes block, as with a program that stops reading.
        """
        self.state.data_pipe.capacity = buffer + CDC_TX_FIFO
        return SimSerial(self.state.data_pipe, self.step)

    def cancel_presses(self) -> None:
        """Forget presses scheduled with press_later that have not happened yet (a question
        that was expected never came), releasing any button they left held."""
        self._timers.clear()
        for button in self.state.buttons:
            self.state.set_button(button, False)

    def unplug(self, seconds: float) -> None:
        """Unplugged for ``seconds`` (the DS3231 keeps time on its battery), then plugged in:
        how a token spends weeks between syncs, without simulating every loop pass."""
        self.power_off()
        self.scheduler.advance(seconds)
        self.power_on()

    def power_cycle(self, *, hold: tuple[str, ...] = ()) -> None:
        """Reset the board (same drive, same RTC); buttons in ``hold`` are held through boot."""
        self.power_off()
        for button in hold:
            self._check_button(button)
            self.state.set_button(button, True)
        self.power_on()
        for button in hold:
            self.state.set_button(button, False)

    # -- power ---------------------------------------------------------------------------------
    def power_on(self) -> None:
        if self._trace_heap:
            self.state.heap.start()
        self._powered = True
        self._start(run_boot=True)

    def power_off(self) -> None:
        if self._powered:
            self.scheduler.stop()
            self._powered = False
            if self.atecc608 is not None:
                self.atecc608.power_off()  # a reset of the RP2040 alone leaves it powered
            self.state.heap.stop()

    def fake(self, name: str) -> types.ModuleType:
        """The fake CircuitPython module ``name`` as the running code.py sees it."""
        return self._fakes[name]

    @property
    def console(self) -> str:
        """Everything the firmware printed (whether or not a host could see the console)."""
        return "".join(self.state.console_log)

    def _check_button(self, button: str) -> None:
        if button not in self.state.buttons:
            raise ValueError(f"button must be A, B or C, not {button!r}")

    def _start(self, *, run_boot: bool) -> None:
        self.scheduler.stop()
        self.state.powered_on_at = self.scheduler.now
        self.scheduler.start(lambda: self._firmware(run_boot))

    def _firmware(self, run_boot: bool) -> None:
        """boot.py in a VM of its own, then code.py in a fresh one, as CircuitPython does.

        Only the USB configuration boot.py chose survives into code.py's VM: the same
        ``usb_hid`` device objects, and the CDC channels it enabled.
        """
        state = self.state
        if run_boot or self._usb_hid is None:
            state.boot_phase()
            self._usb_hid = self._fake("usb_hid")
            self._usb_hid._host = self.hid
            try:
                self._importer().run(self.drive / "boot.py")
            except PowerOff:
                raise
            except Exception as error:  # CircuitPython reports it and carries on to code.py
                state.console_write(f"boot.py output:\n{type(error).__name__}: {error}\n")
            state.in_boot = False
            try:
                self._usb_hid._apply_boot(state.interfaces_before_hid())
            except SafeModeReset as reset:
                self._safe_mode(str(reset))
                return
        state.claimed.clear()
        state.keypads.clear()
        main = self._importer()
        main.fakes["usb_cdc"]._install(vars(main.fakes["usb_cdc"]))
        self.modules = main.modules
        self._fakes = main.fakes
        main.run(self.drive / "code.py")

    def _safe_mode(self, reason: str) -> None:
        """CircuitPython resets into safe mode: it runs neither boot.py nor code.py and comes up
        with its default USB devices (drive and console), saying why on the console."""
        state = self.state
        state.boot_phase()
        state.safe_mode = reason
        state.in_boot = False
        self._usb_hid = None  # the next reset runs boot.py again
        state.console_write(
            "\nYou are in safe mode because:\n" + reason + "\nPress reset to exit safe mode.\n"
        )

    def _importer(self) -> loader.FirmwareImporter:
        modules = {name: self._fake(name) for name in _FAKE_MODULES if name != "usb_hid"}
        modules["usb_hid"] = self._usb_hid
        return loader.FirmwareImporter(
            [self.drive, self.drive / "lib"],
            modules,
            self._host_libraries,
            {"print": self.state.print, "open": self.state.open},
        )

    def _fake(self, name: str) -> types.ModuleType:
        path = Path(fakes.__file__).parent / (name + ".py")
        module = types.ModuleType(name)
        module.__file__ = str(path)
        exec(loader.compile_source(path), module.__dict__)
        module.__dict__["_hw"] = self.state  # what every fake reads the board through
        if name == "board":
            board_id = PROFILES[self.profile].board_ids[0]
            module._install(vars(module), board_id, _BOARD_PINS[board_id])
        elif name == "sys":
            module._install(vars(module), self.state.version)
        return module

    @property
    def safe_mode(self) -> str | None:
        """Why CircuitPython is in safe mode (code.py not running), or None."""
        return self.state.safe_mode

    def __repr__(self) -> str:
        return f"<VirtualBoard {self.profile} at {self.drive}, t={self.scheduler.now:.2f} s>"


def _version(text: str) -> tuple[int, int, int]:
    """ "10.1.4" -> (10, 1, 4); only the releases smartkey targets."""
    parts = tuple(int(part) for part in text.split("."))
    if len(parts) != 3 or parts[0] not in (9, 10):
        raise ValueError(f"circuitpython must be a 9.x.y or 10.x.y release, not {text!r}")
    return (parts[0], parts[1], parts[2])
