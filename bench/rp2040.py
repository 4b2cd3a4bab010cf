"""The firmware on CircuitPython 10.1.4 in an emulated RP2040 (rp2040js): times in simulated
time, which counts cycles of a 125 MHz RP2040 (an estimate: instruction timing is approximate
and XIP flash cache misses are not modelled), and free heap, for .py and .mpy deployments; with
the emulated ATECC608 too (its commands take 45% of the datasheet maxima, as on the virtual
board), driven by the unmodified adafruit_atecc on the real busio.

Needs the builds (tests/real_cp.py: $SMARTKEY_CIRCUITPYTHON) and rp2040js (make rp2040);
without them the table says so. Slow: each deployment boots the emulator several times.
"""

import sys
import tempfile
from pathlib import Path

from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
# As in bench/__main__.py, plus the test helpers (screens, buttons) the scenarios use.
for path in (ROOT, ROOT / "tools/smartkey/sim/fakes", ROOT / "tests", ROOT / "tests/rp2040"):
    if str(path) not in sys.path:
        sys.path.append(str(path))

import real_cp  # noqa: E402

T0 = 1_700_000_000
DEMO_PIN = "123456"
BATCH = 247  # with the three demo accounts, a full token of 250
KDF_PROBE = 1000  # PBKDF2 iterations timed at the REPL
SETTINGS = {"SMARTKEY_DEMO": 1, "SMARTKEY_DIM_AFTER": 0, "SMARTKEY_BLANK_AFTER": 0}
# At the REPL in a fresh VM (code.py interrupted), one exec() so that the stages share names.
HEAP_STAGES = (
    ("start", "at the REPL, nothing imported"),
    ("firmware", "firmware imported"),
    ("hardware", "drivers imported, hardware built"),
    ("vault", f"{BATCH + 3}-account vault unlocked, every code computed"),
)
HEAP_SCRIPT = (
    'exec("import gc\\ndef free():\\n gc.collect()\\n return gc.mem_free()\\n'
    "print('start', free())\\nfrom smartkey_fw.app import App\\n"
    "import smartkey_fw.hardware as h\\nprint('firmware', free())\\nhw = h.Hardware()\\n"
    "print('hardware', free())\\nprint('problems', len(hw.problems))\\n"
    "from smartkey_fw import vault\\n"
    "v = vault.Vault(bytes(hw.uid), '/', False)\\nv.scan()\\n"
    f"v.unlock('{DEMO_PIN}')\\ncodes = [v.account(i).code({T0}) for i in range(v.count)]\\n"
    "print('vault', free())\")"
)
CODE_SCRIPT = (
    "exec(\"import time\\nfrom smartkey_fw import otp\\nfor a in ('sha1', 'sha256', 'sha512'):\\n"
    " for n in (1, 2):\\n  t = time.monotonic_ns()\\n  otp.totp(b'12345678901234567890', "
    f'{T0}, 30, 6, a)\\n  print(a, n, time.monotonic_ns() - t)")'
)
# With the secure element: the firmware, then the chip's module and its driver imported. (At the
# REPL the firmware's Hardware() finds GP4/GP5 taken, as the heap stages above show, so neither
# the chip object nor an unlock through it can be measured there.)
CHIP_PIN = "246810"
CHIP_SETTINGS = {"SMARTKEY_SECURE_ELEMENT": "atecc608", "SMARTKEY_DIM_AFTER": 0}
CHIP_HEAP_STAGES = (
    ("firmware", "firmware imported (a token with the chip)"),
    ("chip", "+ the chip's module and adafruit_atecc imported"),
)
CHIP_HEAP_SCRIPT = (
    'exec("import gc\\ndef free():\\n gc.collect()\\n return gc.mem_free()\\n'
    "from smartkey_fw.app import App\\nimport smartkey_fw.hardware as h\\n"
    "print('firmware', free())\\nfrom smartkey_fw import secure_element\\n"
    "from adafruit_atecc.adafruit_atecc import ATECC\\nprint('chip', free())\")"
)
KDF_SCRIPT = (
    "import time; from smartkey_fw import kdf; t = time.monotonic_ns(); "
    f"key = kdf.pbkdf2_sha1(b'{DEMO_PIN}', b'saltsaltsaltsalt', {KDF_PROBE}); "
    "print(time.monotonic_ns() - t)"
)


def _missing():
    from smartkey.rp2040 import board, node

    folder = real_cp.builds_dir()
    absent = [n for n in (board.UF2, board.BOOTROM, board.MPY_CROSS) if not (folder / n).is_file()]
    if absent:
        return f"{', '.join(absent)} not in {folder} (set {real_cp.ENV})"
    return node.missing()


def _timed(board, predicate, seconds=120.0):
    """Simulated seconds until ``predicate()`` holds, polled every 10 ms."""
    start = board.now
    board.wait_until(predicate, seconds, poll=0.01)
    return board.now - start


def _measure(mpy):
    from rp2040_helpers import IDLE, title, yes_when_asked

    from board_helpers import panel, pin_frame
    from smartkey.account import Account
    from smartkey.device import Token
    from smartkey.rp2040 import EmulatedBoard

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        builds = real_cp.builds_dir()
        board = EmulatedBoard(Path(tmp) / "drive", builds, utc=T0, mpy=mpy, settings=SETTINGS)
        with board:
            entry = pin_frame(board, f"demo PIN {DEMO_PIN}")
            board.wait_until(lambda: panel(board) == entry, 120)  # the demo vault is seeded
            board.power_cycle()
            rows["boot to the PIN screen (s)"] = _timed(board, lambda: panel(board) == entry)
            _enter_and_time_unlock(board, rows, title)
            before = _code(board)
            board.press_later("C", after=0.0, seconds=0.1)
            released = board.now + 0.1  # the firmware takes a short press at its release
            board.wait_until(lambda: _code(board) not in (None, before), 10, poll=0.01)
            rows["release of C → next account's code on the OLED (s)"] = board.now - released
            accounts = [
                Account(secret=bytes([i]) * 20, issuer=f"Issuer {i}", name=f"user{i}@example.com")
                for i in range(BATCH)
            ]
            board.step(IDLE)  # the token turns host requests away for 2 s after a press
            token = Token(board.connect(timeout=10.0))
            yes_when_asked(board)
            start = board.now
            token.add(accounts)
            rows[f"provision {BATCH} accounts in one batch, yes on B included (s)"] = (
                board.now - start
            )
            board.power_cycle(hold=("A",))
            board.step(1.0)
            free = dict(line.split() for line in board.repl(HEAP_SCRIPT, 600).splitlines())
            for stage, label in HEAP_STAGES:
                rows[f"free heap: {label} (B)"] = int(free[stage])
            # A chip Hardware() did not find leaves its driver unloaded: those stages undercount.
            rows["chips Hardware() missed at the REPL (drivers not loaded)"] = int(free["problems"])
            out = board.repl(CODE_SCRIPT, 120)
            for line in out.splitlines():
                algorithm, n, ns = line.split()
                if n == "2":
                    rows[f"one TOTP code, {algorithm} (ms)"] = int(ns) / 1e6
            per = int(board.repl(KDF_SCRIPT, 120)) / KDF_PROBE
            rows["PBKDF2-HMAC-SHA1, one iteration (ms)"] = per / 1e6
    return rows


def _measure_chip(mpy):
    """With the ATECC608: the PIN set with the chip's set-up, an unlock through it, the heap."""
    from rp2040_helpers import (
        IDLE,
        title,
        type_pin,
        up_to_the_chips_question,
        wait_title,
        yes_when_asked,
    )

    from board_helpers import panel, pin_frame
    from smartkey.account import Account
    from smartkey.device import Token
    from smartkey.rp2040 import EmulatedBoard

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        builds = real_cp.builds_dir()
        drive = Path(tmp) / "drive"
        board = EmulatedBoard(drive, builds, utc=T0, mpy=mpy, settings=CHIP_SETTINGS, atecc608=True)
        with board:
            up_to_the_chips_question(board, CHIP_PIN)
            start = board.now
            board.hold("B", 2.0)
            wait_title(board, "PIN SET", 120)
            rows["PIN set with the chip's set-up: B held on the question → PIN SET (s)"] = (
                board.now - start
            )
            board.press("B")
            board.step(IDLE)
            yes_when_asked(board)
            Token(board.connect(timeout=10.0)).add(
                [Account(secret=bytes(20), issuer="Bench", name="chip@example.com")]
            )
            board.power_cycle()
            entry = pin_frame(board, "10 tries left")
            board.wait_until(lambda: panel(board) == entry, 120)
            checking = []
            board.when(lambda: title(board) == "CHECKING", lambda: checking.append(board.now), 0.01)
            type_pin(board, CHIP_PIN)
            board.wait_until(lambda: _code(board), 120, poll=0.01)
            rows["one unlock with the chip: CHECKING to the first code (s)"] = (
                board.now - checking[0]
            )
            board.power_cycle(hold=("A",))
            board.step(1.0)
            out = board.repl(CHIP_HEAP_SCRIPT, 600)
            try:
                free = dict(line.split() for line in out.splitlines())
            except ValueError:
                raise RuntimeError(f"the REPL said:\n{out}") from None
            for stage, label in CHIP_HEAP_STAGES:
                rows[f"free heap: {label} (B)"] = int(free[stage])
    return rows


def _code(board):
    """The code on the OLED, or None while it shows something else."""
    from oled_text import code_on_screen

    code = code_on_screen(board)[0]
    return code if code.isdigit() and 6 <= len(code) <= 8 else None


def _enter_and_time_unlock(board, rows, title):
    """Enter the PIN; the unlock runs from CHECKING on the screen to the first code."""
    from rp2040_helpers import type_pin

    checking = []
    board.when(lambda: title(board) == "CHECKING", lambda: checking.append(board.now), 0.01)
    type_pin(board, DEMO_PIN)
    board.wait_until(lambda: _code(board), 120, poll=0.01)
    rows["one unlock: CHECKING to the first code (s)"] = board.now - checking[0]


def run() -> Table:
    table = Table(title="The firmware on CircuitPython 10.1.4 in an emulated RP2040 (simulated)")
    table.add_column("measure")
    reason = _missing()
    if reason:
        table.add_column("value")
        table.add_row("not measured", reason)
        return table
    columns = {
        label: {**_measure(mpy), **_measure_chip(mpy)}
        for label, mpy in (("sources", False), (".mpy", True))
    }
    for label in columns:
        table.add_column(label, justify="right")
    for measure in columns["sources"]:
        values = [columns[label].get(measure) for label in columns]
        table.add_row(measure, *(_format(measure, v) for v in values))
    from smartkey_fw.vault import ITERATIONS

    per = columns[".mpy"]["PBKDF2-HMAC-SHA1, one iteration (ms)"]
    table.caption = (
        f"Unlock within 1.5 s on the RP2040: about {int(1500 / per):,} iterations "
        f"({per:.3f} ms each; new vaults use {ITERATIONS:,})."
    )
    return table


def _format(measure, value):
    if value is None:
        return "—"
    if measure.endswith("(B)") or isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


if __name__ == "__main__":
    from rich.console import Console

    Console().print(run())
