"""The Node process that runs rp2040js (``tools/rp2040/harness.mjs``), and its line protocol.

The harness only moves when told to (``run``), so simulated time is the Python side's to give.
While it runs, it streams events: I2C write transactions, which are delivered to the bus here
(the harness acknowledges them itself, since it knows which addresses answer), I2C read bytes,
which it waits for, and bytes from the USB device's interfaces. Chips that decide their ACK (an
ATECC608 asleep or busy NACKs) are "watched": the harness then asks at each address phase, and
reports the SCL period its I2C block's registers give, which times the SDA-low runs.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from smartkey.sim.bus import I2CBus

HARNESS_DIR = Path(__file__).resolve().parents[2] / "rp2040"
HARNESS = HARNESS_DIR / "harness.mjs"
RP2040JS = HARNESS_DIR / "node_modules" / "rp2040js" / "package.json"


class HarnessError(RuntimeError):
    pass


def missing() -> str | None:
    """Why the harness cannot start here (no node, no rp2040js), or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not RP2040JS.is_file():
        return f"rp2040js is not installed in {HARNESS_DIR} (make rp2040, or npm ci there)"
    return None


class Harness:
    """One Node process: an RP2040 with its flash, driven by commands.

    ``on_output(channel, data)`` receives the device's bytes ("console", "data", "hid");
    ``on_event(kind, text)`` the USB configuration ("configured") and resets ("reset", "halt").
    ``now_ns`` is the simulated time of the last event, which the chips' clocks follow.
    """

    def __init__(
        self,
        bus: I2CBus,
        on_output: Callable[[str, bytes], None],
        on_event: Callable[[str, str], None],
    ) -> None:
        reason = missing()
        if reason:
            raise HarnessError(reason)
        self.bus = bus
        self.now_ns = 0
        self._on_output = on_output
        self._on_event = on_event
        self._process = subprocess.Popen(
            ["node", str(HARNESS)],
            cwd=HARNESS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        self._in = self._process.stdin
        self._out = self._process.stdout

    def command(self, *words: object) -> None:
        """Send one command and handle the events it causes until the harness says ok."""
        self._write(" ".join(str(w) for w in words))
        out = self._out
        assert out is not None
        while True:
            line = out.readline()
            if not line:
                raise HarnessError(f"the RP2040 harness stopped (exit {self._process.poll()})")
            kind, _, rest = line.decode("latin-1").rstrip("\n").partition(" ")
            if kind == "ok":
                self.now_ns = int(rest)
                return
            self._event(kind, rest)

    def run_until(self, ns: int) -> None:
        self.command("run", ns)

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self._write("quit")
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()

    def _write(self, line: str) -> None:
        assert self._in is not None
        self._in.write(line.encode("latin-1") + b"\n")

    def _event(self, kind: str, rest: str) -> None:
        if kind == "w":
            ns, address, stop, data = [*rest.split(" "), ""][:4]
            self.now_ns = int(ns)
            self.bus.write(int(address, 16), bytes.fromhex(data), stop=stop == "1")
        elif kind == "r":
            ns, address = rest.split(" ")
            self.now_ns = int(ns)
            self._write("v " + self.bus.read(int(address, 16), 1).hex())
        elif kind == "a":
            ns, address, mode = rest.split(" ")
            self.now_ns = int(ns)
            ack = self.bus.address_phase(int(address, 16), read=mode == "1")
            self._write("v 1" if ack else "v 0")
        elif kind == "f":
            self.bus.frequency = round(1e9 / int(rest))
        elif kind == "o":
            channel, _, data = rest.partition(" ")
            self._on_output(channel, bytes.fromhex(data))
        elif kind == "u":
            self._on_event("configured", rest.partition(" ")[2])
        elif kind == "x":
            what, _, detail = rest.partition(" ")
            self._on_event(what, detail)
        else:
            raise HarnessError(f"unexpected line from the harness: {kind} {rest}")
