"""The emulated ATECC608: what each command the token uses costs in simulated time.

Two hosts talk to it over the emulated bus at 100 kHz: one that follows the datasheet (wake,
tWHI, the command, its maximum execution time, then the read: ``tests/atecc_host.py``), and the
unmodified adafruit_atecc 1.3.2, whose own waits are shorter than the datasheet's maxima, on a
chip running at 45% of them (the slowest it works with; see tests/sim/test_atecc608.py).
"""

import sys
from pathlib import Path

from rich.table import Table

sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

from atecc_host import load_driver, make_chip
from smartkey.sim import atecc608_commands as op

DRIVER_SCALE = 0.45
# (label, opcode, param1, param2, data) as docs/secure-element.md sends them, run from sleep.
_COMMANDS = [
    ("Info (revision)", op.OP_INFO, 0x00, 0, b""),
    ("Read (config, 32 bytes)", op.OP_READ, 0x80, 0, b""),
    ("Write (config word)", op.OP_WRITE, 0x00, 5, bytes(4)),
    ("Counter (read)", op.OP_COUNTER, 0x00, 0, b""),
    ("Counter (increment)", op.OP_COUNTER, 0x01, 0, b""),
    ("Random", op.OP_RANDOM, 0x00, 0, b""),
    ("Nonce (random, 20-byte NumIn)", op.OP_NONCE, 0x00, 0, bytes(20)),
    ("GenDig (config block)", op.OP_GENDIG, 0x00, 0, b""),
    ("MAC (of TempKey)", op.OP_MAC, 0x07, 0, b""),
    ("SHA (start)", op.OP_SHA, 0x00, 0, b""),
    ("Lock (config, no CRC)", op.OP_LOCK, 0x80, 0, b""),
]


def _datasheet_round_trip(opcode, param1, param2, data):
    """Simulated ms from a sleeping chip to its response, for a host that waits exactly as long
    as the datasheet guarantees; with a nonce in TempKey first where the command needs one."""
    _chip, host, _, clock = make_chip()
    if opcode in (op.OP_GENDIG, op.OP_MAC):
        host.call(op.OP_NONCE, 0x03, 0, bytes(32))
    started = clock()
    host.call(opcode, param1, param2, data)
    return (clock() - started) * 1000


def _driver_round_trips():
    """Simulated ms of each adafruit_atecc call, from idle to idle."""
    _chip, host, _, clock = make_chip(time_scale=DRIVER_SCALE)
    host.i2c.unlock()
    atecc = load_driver(clock).ATECC(host.i2c)
    calls = {
        op.OP_INFO: lambda: atecc.info(0),
        op.OP_READ: lambda: atecc._read(0, 0, bytearray(32)),
        op.OP_WRITE: lambda: atecc._write(0, 5, bytearray(4)),
        op.OP_RANDOM: lambda: atecc._random(bytearray(32)),
        op.OP_NONCE: lambda: atecc.nonce(bytearray(20)),
        op.OP_SHA: atecc.sha_start,
        op.OP_LOCK: lambda: atecc.lock(0),
    }
    times = {}
    for opcode, call in calls.items():
        started = clock()
        call()
        times[opcode] = (clock() - started) * 1000
    started = clock()
    atecc.counter(0, increment_counter=False)
    times["counter read"] = (clock() - started) * 1000
    started = clock()
    atecc.counter(0, increment_counter=True)
    times["counter increment"] = (clock() - started) * 1000
    return times


def run() -> Table:
    table = Table(title="ATECC608 emulator: command round trips at 100 kHz (simulated ms)")
    table.add_column("command")
    table.add_column("max execution (M0)", justify="right")
    table.add_column("datasheet host, from sleep", justify="right")
    table.add_column(f"adafruit_atecc 1.3.2 at {DRIVER_SCALE:.0%}", justify="right")
    driver = _driver_round_trips()
    for label, opcode, param1, param2, data in _COMMANDS:
        if opcode == op.OP_COUNTER:
            by_driver = driver["counter increment" if param1 else "counter read"]
        else:
            by_driver = driver.get(opcode)
        table.add_row(
            label,
            f"{op.EXECUTION_MS[0x00][opcode]}",
            f"{_datasheet_round_trip(opcode, param1, param2, data):.1f}",
            "—" if by_driver is None else f"{by_driver:.1f}",
        )
    table.caption = (
        "Round trip: wake token, tWHI (1.5 ms), the command, its maximum execution time, the "
        "read. The driver wakes the chip (1 ms) before the command, after sending it and before "
        "reading, and waits its own times, shorter than the maxima: it needs a chip faster than "
        "the datasheet guarantees. Transfers on the bus take no simulated time."
    )
    return table
