"""``EmulatedBoard``: the firmware on CircuitPython 10.1.4 in an emulated RP2040, in the shape of
``smartkey.sim.VirtualBoard``.

The same deployed files, the same SSD1306 and DS3231 emulators and the same USB keyboard decoding
as the virtual board, but under the real interpreter: real memory limits, real ``hashlib``, the
real ``busio``/``keypad``/``usb_cdc``/``storage``. Time is the emulator's: it counts cycles of a
125 MHz RP2040 and moves only in ``step`` (and what calls it), so runs are deterministic; it
runs several times slower than real time.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import select
import shutil
import tempfile
import threading
import time
import tty
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from smartkey.rp2040 import image
from smartkey.rp2040.node import Harness
from smartkey.sim.atecc608 import ATECC608
from smartkey.sim.board import soldered_atecc608
from smartkey.sim.bus import I2CBus
from smartkey.sim.ds3231 import DS3231
from smartkey.sim.hid import HidHost
from smartkey.sim.serial import SimSerial
from smartkey.sim.ssd1306 import SSD1306

UF2 = "raspberry_pi_pico-10.1.4.uf2"
BOOTROM = "rp2040-bootrom-b1.bin"
MPY_CROSS = "mpy-cross-10.1.4-x86_64"
BUTTON_PINS = {"A": 13, "B": 14, "C": 15}  # the pico profile: to GND, internal pull-ups
PRESS_SECONDS = 0.1
SETTLE_SECONDS = 0.1  # after a release: the real interpreter redraws over I2C meanwhile
CHUNK_SECONDS = 0.01  # simulated time per run command: how often host input is looked at
CHUNK_NS = round(CHUNK_SECONDS * 1e9)
BOOT_SECONDS = 10.0  # from reset to USB configured (boot.py has run), with room to spare
_KEYBOARD_REPORT = 8


class _Keyboard:
    """The token's HID keyboard as HidHost sees a device; LED reports go out on the next step."""

    usage_page = 0x01
    usage = 0x06

    def __init__(self) -> None:
        self.pending: list[bytes] = []

    def _out_report(self, report: bytes, report_id: int | None = None) -> None:
        self.pending.append(bytes(report))


class _Pipe:
    """The data channel's bytes in flight, in the shape ``SimSerial`` reads and writes."""

    def __init__(self) -> None:
        self.to_host = bytearray()
        self.to_device = bytearray()
        self.host_open = False


class _FirmwareModules(Mapping[str, types.ModuleType]):
    """The firmware's modules as CPython imports them (``smartkey_fw`` must be importable),
    for drawing the frames the token should show with its own code."""

    def __getitem__(self, name: str) -> types.ModuleType:
        return importlib.import_module(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class EmulatedBoard:
    """A smartkey token on CircuitPython 10.1.4 in rp2040js. Use it as a context manager.

    ``drive`` is the CIRCUITPY folder to start from (deployed into when it has no code.py);
    ``settings`` adds lines to its settings.toml; ``mpy`` deploys the firmware package as
    .mpy files compiled by CircuitPython's mpy-cross. ``builds`` is the folder with the UF2,
    the bootrom and mpy-cross (``tests/real_cp.py`` finds it). ``atecc608`` solders the
    emulated ATECC608 to the bus, as ``VirtualBoard(atecc608=True)`` does (its EEPROM in a file
    beside the drive; the firmware uses it when settings.toml asks for it).
    """

    def __init__(
        self,
        drive: Path | str,
        builds: Path | str,
        utc: float | None = None,
        *,
        settings: dict[str, object] | None = None,
        mpy: bool = False,
        layout: str = "us",
        atecc608: bool = False,
    ) -> None:
        self.drive = Path(drive)
        self.builds = Path(builds)
        self._utc_at_start = time.time() if utc is None else float(utc)
        self._work = Path(tempfile.mkdtemp(prefix="smartkey-rp2040-"))
        if not (self.drive / "code.py").exists():
            image.deploy_into(self.drive, self.builds / MPY_CROSS if mpy else None)
        if settings:
            with open(self.drive / "settings.toml", "a") as f:
                for key, value in settings.items():
                    f.write(f"{key} = {value!r}\n".replace("'", '"'))
        self._harness: Harness | None = None
        self.bus = I2CBus()
        self.oled = SSD1306(128, 64)
        self.rtc = DS3231(self.utc)
        self.rtc.set_time(self._utc_at_start)
        self.bus.attach(self.oled)
        self.bus.attach(self.rtc)
        self.atecc608: ATECC608 | None = None
        if atecc608:
            # The virtual board's chip, its EEPROM kept beside the drive across power cycles.
            self.atecc608 = soldered_atecc608(
                self.drive, lambda: self._harness.now_ns / 1e9 if self._harness else 0.0
            )
            self.bus.attach(self.atecc608)
        self.hid = HidHost(layout)
        self._keyboard = _Keyboard()
        self.pipe = _Pipe()
        self.console_bytes = bytearray()
        self.interfaces: list[str] = []  # what the USB host bound at the last enumeration
        self.resets = 0  # watchdog resets (microcontroller.reset(), safe mode)
        self.halted: str | None = None
        self._timers: list[tuple[int, Callable[[], None]]] = []  # (simulated ns, action)
        self._triggers: list[list[Any]] = []  # [predicate, action, every, next check]
        self._lock = threading.RLock()
        self.modules = _FirmwareModules()

    # -- power -------------------------------------------------------------------------------
    def __enter__(self) -> EmulatedBoard:
        self.power_on()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def power_on(self) -> None:
        """Start the emulator with the drive's files in flash and boot CircuitPython."""
        harness = Harness(self.bus, self._output, self._event)
        self._harness = harness
        fat = image.build_image(self.drive, self._work / "circuitpy.img")
        harness.command("bootrom", self.builds / BOOTROM)
        harness.command("uf2", self.builds / UF2)
        harness.command("image", f"{image.FS_OFFSET:x}", fat)
        harness.command("addresses", *(f"{a:x}" for a in self.bus.addresses))
        if self.atecc608 is not None:
            harness.command("watch", f"{self.atecc608.address:x}")
        for pin in BUTTON_PINS.values():
            harness.command("pin", pin, 1)
        self._boot()

    def power_cycle(self, *, hold: tuple[str, ...] = ()) -> None:
        """Cut the power and plug back in: a new MCU, the same flash, the same chips.
        Buttons in ``hold`` are held until boot.py has run (A: maintenance mode)."""
        for button in hold:
            self._set_button(button, True)
        # The display loses power too (its RAM with it); the DS3231 runs on its battery.
        self.oled.reset()
        self.oled.ram[:] = bytes(len(self.oled.ram))
        if self.atecc608 is not None:
            self.atecc608.power_off()
        self._boot()
        if hold:
            self.wait_until(lambda: bool(self.interfaces), BOOT_SECONDS)
            for button in hold:
                self._set_button(button, False)

    def close(self) -> None:
        if self._harness is not None:
            self._harness.close()
            self._harness = None
        shutil.rmtree(self._work, ignore_errors=True)

    def _boot(self) -> None:
        self.interfaces = []
        self.pipe.to_host.clear()
        self._command("boot")

    # -- time --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """Simulated seconds since the first power-on."""
        return self._running().now_ns / 1e9

    def utc(self) -> float:
        """The true UTC time in the simulation."""
        return self._utc_at_start + (self._harness.now_ns / 1e9 if self._harness else 0.0)

    def step(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass with the firmware running."""
        # Integer nanoseconds, as the harness counts: float seconds would let a timer due
        # "now" stay a rounding error in the future for ever.
        harness = self._running()
        end = harness.now_ns + round(seconds * 1e9)
        while harness.now_ns < end:
            due = min((t for t, _ in self._timers), default=end)
            target = min(end, max(due, harness.now_ns), harness.now_ns + CHUNK_NS)
            self._flush_host()
            self._command("run", target)
            for timer in [t for t in self._timers if t[0] <= harness.now_ns]:
                self._timers.remove(timer)
                timer[1]()
            self._check_triggers()

    def wait_until(
        self, predicate: Callable[[], object], seconds: float, poll: float = 0.1
    ) -> object:
        """Step until ``predicate()`` is true (returned); TimeoutError after ``seconds``."""
        end = self.now + seconds
        while True:
            result = predicate()
            if result:
                return result
            if self.now >= end:
                raise TimeoutError(
                    f"not within {seconds} simulated s; the OLED:\n{self.oled.to_text()}\n"
                    f"the console:\n{self.console_text()[-2000:]}"
                )
            self.step(poll)

    def when(
        self, predicate: Callable[[], object], action: Callable[[], None], every: float = 0.1
    ) -> None:
        """Run ``action`` once, as soon as ``predicate()`` is true, checked every ``every``
        simulated seconds while the board runs (a press that answers a question, say, while a
        host command waits for the token)."""
        with self._lock:
            self._triggers.append([predicate, action, every, self.now])

    def _check_triggers(self) -> None:
        for trigger in list(self._triggers):
            predicate, action, every, due = trigger
            if self.now < due:
                continue
            trigger[3] = self.now + every
            if predicate():
                self._triggers.remove(trigger)
                action()

    # -- buttons -----------------------------------------------------------------------------
    def press(self, button: str) -> None:
        """A short press of "A", "B" or "C"."""
        self.hold(button, PRESS_SECONDS)

    def hold(self, button: str, seconds: float = 2.0) -> None:
        self._set_button(button, True)
        self.step(seconds)
        self._set_button(button, False)
        self.step(SETTLE_SECONDS)

    def press_later(self, button: str, after: float, seconds: float = PRESS_SECONDS) -> None:
        """Press ``button`` ``after`` simulated seconds from now, whatever runs meanwhile."""
        with self._lock:  # serve() steps in another thread
            start = self._running().now_ns + round(after * 1e9)
            end = start + round(seconds * 1e9)
            self._timers.append((start, lambda: self._set_button(button, True)))
            self._timers.append((end, lambda: self._set_button(button, False)))

    def _set_button(self, button: str, down: bool) -> None:
        if button not in BUTTON_PINS:
            raise ValueError(f"button must be A, B or C, not {button!r}")
        self._command("pin", BUTTON_PINS[button], 0 if down else 1)

    # -- what a user and a host see ----------------------------------------------------------
    def typed(self) -> str:
        """The text the host received from the token's USB keyboard."""
        return self.hid.text

    @property
    def i2c_bytes(self) -> int:
        return self.bus.total_written

    def console_text(self) -> str:
        """Everything the console CDC interface sent (maintenance mode; empty otherwise)."""
        return self.console_bytes.decode("utf-8", "replace")

    def connect(self, timeout: float = 2.0) -> SimSerial:
        """The host end of the data channel (pyserial-like); reads wait in simulated time."""
        return SimSerial(self.pipe, self.step, timeout=timeout)

    def send_console(self, text: str) -> None:
        """Type ``text`` on the console (the REPL, in maintenance mode)."""
        self._command("send", "console", text.encode().hex())

    def repl(self, source: str, seconds: float = 30.0) -> str:
        """Run ``source`` (one line) at the REPL, after interrupting code.py; its output."""
        start = len(self.console_bytes)
        self.send_console("\x03")
        after_code = b"to enter the REPL"
        marks = (b">>> ", after_code)
        seen = self.wait_until(
            lambda: next((m for m in marks if m in self.console_bytes[start:]), None), seconds
        )
        if seen == after_code:
            start = len(self.console_bytes)
            self.send_console("\r")
            self.wait_until(lambda: b">>> " in self.console_bytes[start:], seconds)
        mark = len(self.console_bytes)
        self.send_console(source + "\r")
        self.wait_until(lambda: b"\n>>> " in self.console_bytes[mark:], seconds)
        echoed = self.console_bytes[mark:].decode("utf-8", "replace")
        return echoed.partition("\n")[2].rpartition(">>> ")[0].replace("\r\n", "\n")

    def files(self) -> dict[str, bytes]:
        """The CIRCUITPY drive as it is in flash now: {path: contents}."""
        dump = self._work / "dump.img"
        self._command("dump", f"{image.FS_OFFSET:x}", f"{image.FS_BYTES:x}", dump)
        return image.read_files(dump)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        """Run the board in the background with its data channel on a pseudo-terminal, whose
        path is yielded (for ``smartkey --port``); stopped when the block ends."""
        master, slave = os.openpty()
        tty.setraw(slave)
        stop = threading.Event()
        failure: list[BaseException] = []

        def pump() -> None:
            try:
                while not stop.is_set():
                    ready, _, _ = select.select([master], [], [], 0)
                    if ready:
                        with contextlib.suppress(OSError):
                            self.pipe.to_device += os.read(master, 4096)
                    if self.pipe.to_host:
                        sent = os.write(master, bytes(self.pipe.to_host))
                        del self.pipe.to_host[:sent]
                    self.step(CHUNK_SECONDS)
            except BaseException as error:  # reported in the caller's thread
                failure.append(error)

        self.pipe.host_open = True
        thread = threading.Thread(target=pump, daemon=True)
        thread.start()
        try:
            yield os.ttyname(slave)
        finally:
            stop.set()
            thread.join()
            os.close(master)
            os.close(slave)
            if failure:
                raise failure[0]

    # -- the harness's events ----------------------------------------------------------------
    def _running(self) -> Harness:
        if self._harness is None:
            raise RuntimeError("the board is not powered on")
        return self._harness

    def _command(self, *words: object) -> None:
        with self._lock:
            self._running().command(*words)

    def _flush_host(self) -> None:
        if self.pipe.to_device:
            data, self.pipe.to_device[:] = bytes(self.pipe.to_device), b""
            self._command("send", "data", data.hex())
        while self._keyboard.pending:
            self._command("send", "hid", self._keyboard.pending.pop(0).hex())

    def _output(self, channel: str, data: bytes) -> None:
        if channel == "console":
            self.console_bytes += data
        elif channel == "data":
            self.pipe.to_host += data
        elif channel == "hid":
            # With one HID device CircuitPython sends no report id; with several, id 1 first.
            report = data[1:] if len(data) == _KEYBOARD_REPORT + 1 else data
            self.hid.receive_report(self._keyboard, 1, report)

    def _event(self, kind: str, detail: str) -> None:
        if kind == "configured":
            self.interfaces = detail.split(",") if detail else []
            if "hid" in self.interfaces:
                self.hid.attach([self._keyboard])
        elif kind == "reset":
            self.resets += 1
            self.interfaces = []
        elif kind == "halt":
            self.halted = detail

    def __repr__(self) -> str:
        return f"<EmulatedBoard at {self.drive}>"
