"""The firmware's RAM on CircuitPython's own core (the unix port of CircuitPython 10): import,
drivers, a 250-account vault unlocked and every code computed; as sources and as .mpy.

Needs the real-CircuitPython builds (tests/real_cp.py: $SMARTKEY_CIRCUITPYTHON); without them
the table says so and nothing is measured.
"""

import sys
import tempfile
from pathlib import Path

from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT / "tests", ROOT / "tests" / "circuitpython"):
    if str(path) not in sys.path:
        sys.path.append(str(path))

import real_cp  # noqa: E402

PICO_W_9_FREE = 126 * 1024  # free heap at code.py, Pico W on CircuitPython 9 (see the README)
PICO_10_FREE = 186 * 1024  # Pico on CircuitPython 10.1.4, measured in an emulated RP2040


def _found(name):
    path = real_cp.builds_dir() / name
    return path if path.is_file() else None


def _columns(core, mpy_cross):
    from cp_memory import IMPORT_SCRIPT, measure, prepare, smallest_heap
    from cp_runner import CircuitPython

    cp = CircuitPython(core)
    columns = {}
    for label, compiler in (("sources", None), (".mpy", mpy_cross)):
        if label == ".mpy" and compiler is None:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            inputs, path = prepare(Path(tmp), compiler)
            used = measure(cp, inputs, path, "1M")["used"]
            heap = smallest_heap(cp, inputs, path)
            importing = smallest_heap(cp, inputs, path, script=IMPORT_SCRIPT)
        columns[label] = [
            f"{importing:,}",
            f"{used['firmware']:,}",
            f"{used['drivers']:,}",
            f"{used['vault']:,}",
            f"{heap:,}",
            "yes" if heap <= PICO_W_9_FREE else "no",
            "yes" if heap <= PICO_10_FREE else "no",
        ]
    return columns


def run() -> Table:
    table = Table(title="RAM on CircuitPython's core (bytes; 250 accounts)")
    table.add_column("measure")
    core = _found(real_cp.UNIX_I386) if real_cp.i386_runs() else _found(real_cp.UNIX_X86_64)
    if core is None:
        table.add_column("")
        table.add_row(f"not measured: no unix core in {real_cp.builds_dir()}", "")
        return table
    mpy_cross = _found(real_cp.MPY_CROSS)
    columns = _columns(core, mpy_cross)
    for label in columns:
        table.add_column(f"smartkey_fw as {label}", justify="right")
    rows = [
        "smallest heap importing the firmware fits",
        "kept after importing the firmware",
        "… and the drivers, constructed",
        "… and unlocking, then computing all 250 codes",
        "smallest heap the whole run fits (bisection)",
        f"fits a Pico W on 9.x ({PICO_W_9_FREE // 1024} KB free)",
        f"fits a Pico on 10.1.4 ({PICO_10_FREE // 1024} KB free)",
    ]
    for i, row in enumerate(rows):
        table.add_row(row, *(values[i] for values in columns.values()))
    bits = "i386, 31-bit small ints like an RP2040" if "i386" in core.name else "x86_64"
    table.caption = (
        f"{core.name} ({bits}); gc.mem_free() after gc.collect(), from the start of the script; "
        "PBKDF2 at 50 iterations (memory does not depend on it). No board, busio or USB: a floor "
        "for a board, which also holds the display's and USB's buffers."
    )
    return table
