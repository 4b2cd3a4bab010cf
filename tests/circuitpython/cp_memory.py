"""The firmware's RAM on CircuitPython's core: import it and the drivers, unlock a vault of
250 accounts, compute every code. Used by test_cp_memory.py and by ``make bench``.

The firmware is imported as the device would (sources compiled on import, or ``.mpy``); the
drivers are the pinned Adafruit libraries a deploy copies to ``lib/``, constructed over a bus
that acknowledges everything, so their buffers are counted. What the core cannot stand in for
(``board``, ``busio``, USB) is left out: the numbers are a floor for a board, not its total.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from cp_runner import ROOT, CircuitPython

sys.path.append(str(ROOT / "tests" / "fw"))
sys.path.append(str(ROOT / "tools"))
from flash import Flash, load_vault

from smartkey import deploy

ACCOUNTS = 250
UID = bytes.fromhex("e66138935f2d5a2b")
PIN = "246810"
NOW = 1_700_000_000
# PBKDF2's cost is time, not memory (one HMAC's buffers at a time); a low count keeps the
# many runs of a bisection short.
ITERATIONS = 50

SCRIPT = """
import gc
import os

gc.collect()
start = gc.mem_free()
used = {"start": gc.mem_alloc()}

from smartkey_fw.app import App
from smartkey_fw import profile, vault

gc.collect()
used["firmware"] = start - gc.mem_free()

import adafruit_ssd1306
import adafruit_ds3231
from adafruit_hid.keyboard import Keyboard


class Bus:
    # Acknowledges every write and reads zeros: only the drivers' own memory matters here.
    def try_lock(self):
        return True

    def unlock(self):
        pass

    def writeto(self, address, buffer, *, start=0, end=None):
        pass

    def readfrom_into(self, address, buffer, *, start=0, end=None):
        for i in range(start, len(buffer) if end is None else end):
            buffer[i] = 0

    def writeto_then_readfrom(self, address, out, into, *, out_start=0, out_end=None,
                              in_start=0, in_end=None):
        self.readfrom_into(address, into, start=in_start, end=in_end)


class KeyboardDevice:
    usage_page = 1
    usage = 6

    def send_report(self, report, report_id=None):
        pass


bus = Bus()
display = adafruit_ssd1306.SSD1306_I2C(128, 64, bus, addr=0x3C)
rtc = adafruit_ds3231.DS3231(bus)
keyboard = Keyboard([KeyboardDevice()])
gc.collect()
used["drivers"] = start - gc.mem_free()


class Os:
    # The unix core's os has no sync(); a board's has.
    def stat(self, path):
        return os.stat(path)

    def sync(self):
        pass


vault.os = Os()
store = vault.Vault(bytes.fromhex(INPUT["uid"]), INPUT["root"] + "/")
store.scan()
assert store.unlock(INPUT["pin"])
first = []
for i in range(store.count):
    code = store.account(i).code(INPUT["now"])  # each shown, then dropped, as on the token
    if i < 3:
        first.append(code)
gc.collect()
used["vault"] = start - gc.mem_free()
done({"used": used, "count": store.count, "codes": first})
"""


# The firmware's import alone: where sources cost most (the compiler's parse trees), before
# the drivers and the vault add what stays.
IMPORT_SCRIPT = """
import gc
from smartkey_fw.app import App

gc.collect()
done(gc.mem_alloc())
"""


def prepare(folder: Path, mpy_cross: Path | None = None) -> tuple[dict[str, Any], tuple[Path, ...]]:
    """Write the 250-account vault and the drivers into ``folder``; (inputs, import path).

    ``mpy_cross``: the firmware is imported as the .mpy files ``smartkey deploy`` makes with
    it, instead of from the repository's sources."""
    flash = Flash(seed=5)
    vault_mod, account_mod = load_vault(flash, ROOT, iterations=ITERATIONS)
    store = vault_mod.Vault(UID, "/")
    store.scan()
    store.create(PIN)
    store.commit(
        additions=[
            account_mod.Account(
                f"Issuer {i}", f"user{i}@example.com", bytes((i + j) & 0xFF for j in range(20))
            )
            for i in range(ACCOUNTS)
        ]
    )
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, content in flash.files.items():
        (data / name.lstrip("/")).write_bytes(bytes(content))
    lib = folder / "lib"
    for path, source in deploy.library_files().items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    inputs = {"root": str(data), "uid": UID.hex(), "pin": PIN, "now": NOW}
    if mpy_cross is None:
        return inputs, (lib,)
    compiled = folder / "compiled"
    deploy.install_firmware(compiled, mpy_cross=mpy_cross)
    return inputs, (compiled, lib)


def measure(cp: CircuitPython, inputs: dict[str, Any], path: tuple[Path, ...], heap: str) -> Any:
    return cp.run(SCRIPT, inputs, heapsize=heap, path=path)


def smallest_heap(
    cp: CircuitPython,
    inputs: dict[str, Any],
    path: tuple[Path, ...],
    step: int = 1024,
    script: str = SCRIPT,
) -> int:
    """The smallest heap (bytes, to ``step``) the whole run fits in, by bisection."""
    low, high = 16 * 1024, 512 * 1024
    assert cp.fits(script, inputs, high, path), "does not fit even in 512 KB"
    while high - low > step:
        middle = (low + high) // 2 // step * step
        if cp.fits(script, inputs, middle, path):
            high = middle
        else:
            low = middle
    return high
