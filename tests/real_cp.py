"""Where the real CircuitPython builds are, for the test tiers that run on them.

The builds (the unix core, mpy-cross, the UF2s, the RP2040 bootrom) are not in the repository;
``SMARTKEY_CIRCUITPYTHON`` names their folder, ``../shared/circuitpython`` beside the repository
by default. A test that needs one calls :func:`require`: without the files it is skipped with
one reason naming what is missing, except on CI (``CI=true``), where a tier that cannot run is a
failure. ``tests/conftest.py`` sums the skips up in one line at the end of the run.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

ENV = "SMARTKEY_CIRCUITPYTHON"
ROOT = Path(__file__).resolve().parents[1]
# Every skip reason starts with this, so the summary can find them among the others.
SKIP_PREFIX = "real CircuitPython builds missing"
UNIX_I386 = "circuitpython-unix-i386"
UNIX_X86_64 = "circuitpython-unix-x86_64"
MPY_CROSS = "mpy-cross-10.1.4-x86_64"


def builds_dir() -> Path:
    """The folder with the CircuitPython builds: $SMARTKEY_CIRCUITPYTHON, or the default."""
    value = os.environ.get(ENV)
    return Path(value).expanduser() if value else ROOT.parent / "shared" / "circuitpython"


def require(*filenames: str) -> Path:
    """The builds folder, if it holds every one of ``filenames``; else skip (fail on CI)."""
    folder = builds_dir()
    missing = [name for name in filenames if not (folder / name).is_file()]
    if missing:
        reason = f"{SKIP_PREFIX}: {', '.join(missing)} not in {folder} (set {ENV})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return folder


@functools.cache
def i386_runs() -> bool:
    """Whether the 32-bit unix core starts here: it needs the i386 C library (libc6-i386)."""
    binary = builds_dir() / UNIX_I386
    if not binary.is_file():
        return False
    try:
        result = subprocess.run([binary, "-c", "pass"], capture_output=True, timeout=60)
    except OSError:  # no 32-bit loader: the kernel cannot even start it
        return False
    return result.returncode == 0


def unix_core() -> Path:
    """The unix core to run: the i386 build (31-bit small ints, like an RP2040) where it
    starts, else the x86_64 one (``i386_runs()`` tells which; the summary says so)."""
    if i386_runs():
        return require(UNIX_I386) / UNIX_I386
    if (builds_dir() / UNIX_I386).is_file() or (builds_dir() / UNIX_X86_64).is_file():
        return require(UNIX_X86_64) / UNIX_X86_64
    return require(UNIX_I386, UNIX_X86_64)  # neither: skips naming both


def summary_lines(stats: dict) -> list[str]:
    """For the end of a test run: one line per reason a real-CircuitPython test was skipped,
    naming the tiers it kept from running, and which unix core the tier that uses it ran on."""
    tiers_by_reason: dict[str, dict[str, int]] = {}
    for report in stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(SKIP_PREFIX):
            tier = _tier(report.nodeid)
            tiers = tiers_by_reason.setdefault(reason, {})
            tiers[tier] = tiers.get(tier, 0) + 1
    lines = [
        f"did not run: {', '.join(f'{tier} ({n} tests)' for tier, n in tiers.items())}: {reason}"
        for reason, tiers in tiers_by_reason.items()
    ]
    ran = any(
        report.nodeid.startswith("tests/circuitpython/") and report.when == "call"
        for kind in ("passed", "failed")
        for report in stats.get(kind, [])
    )
    if ran:
        if i386_runs():
            lines.append("tests/circuitpython ran on the i386 unix core (31-bit small ints)")
        else:
            why = (
                "it does not start here (apt-get install libc6-i386)"
                if (builds_dir() / UNIX_I386).is_file()
                else f"{UNIX_I386} is not in {builds_dir()}"
            )
            lines.append(
                "tests/circuitpython ran on the x86_64 unix core, not the i386 one (31-bit small "
                f"ints like an RP2040): {why}"
            )
    return lines


def _tier(nodeid: str) -> str:
    """A tier's folder (tests/circuitpython, tests/rp2040), else the test's file."""
    path = nodeid.split("::")[0]
    folder = path.rpartition("/")[0]
    return folder if folder.endswith(("/circuitpython", "/rp2040")) else path
