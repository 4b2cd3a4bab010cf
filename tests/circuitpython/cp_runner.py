"""Running firmware code on CircuitPython's own core (the unix port) from a test.

A test hands :meth:`CircuitPython.run` the body of a script and its inputs (anything JSON can
carry; bytes travel as hex). The runner writes both to files, starts the core once with the
repository on ``MICROPYPATH`` (so ``import smartkey_fw`` loads the firmware's sources, compiled by
CircuitPython's compiler) and returns what the script passed to ``done()``. Many cases go into
one run: a process per case would be far too slow. When the script fails, the error carries
CircuitPython's own traceback.

Inside the script, besides ``INPUT`` and ``done(result)``:

- ``attempt(function, *args)``: ``["ok", result]`` or ``["error", exception type, message]``, so
  one run can check many inputs, the rejected ones too;
- ``use_device_hashlib()``: the unix core's ``hashlib`` has ``sha256()`` where a board's has
  ``hashlib.new(name, data)`` (shared-bindings/hashlib); this puts the board's API, over the core's
  native SHA-256, where ``import hashlib`` finds it, so the firmware's native path runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import pytest

import real_cp

ROOT = real_cp.ROOT
VECTORS = ROOT / "tests" / "vectors"

PRELUDE = '''\
import json
import sys

with open(sys.argv[1]) as _f:
    INPUT = json.load(_f)
del _f


def done(result):
    with open(sys.argv[2], "w") as f:
        json.dump(result, f)


def attempt(function, *args):
    try:
        return ["ok", function(*args)]
    except Exception as error:
        return ["error", type(error).__name__, str(error)]


class _DeviceHashlib:
    """hashlib as shared-bindings/hashlib has it: new(name, data); here SHA-256 only."""

    def __init__(self, core):
        self._core = core

    def new(self, name, data=b""):
        if name != "sha256":
            raise ValueError("Unsupported hash algorithm")
        return self._core.sha256(data)


def use_device_hashlib():
    import hashlib

    sys.modules["hashlib"] = _DeviceHashlib(hashlib)

'''


class CircuitPythonError(AssertionError):
    """The script failed on CircuitPython: the message is its output, traceback included."""


class CircuitPythonCrash(CircuitPythonError):
    """The core itself died (a signal). The unix builds do at some small heap sizes, while
    importing under GC pressure: a fault of the core's build, not of the script."""


class CircuitPython:
    """One of CircuitPython's unix-core builds, ready to run scripts over the firmware."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.name = "i386" if binary.name.endswith("i386") else "x86_64"

    def run(
        self,
        body: str,
        inputs: Any = None,
        *,
        heapsize: str = "4M",
        path: tuple[Path, ...] = (),
        timeout: float = 900,
    ) -> Any:
        """Run ``body`` (after the prelude above) with ``INPUT = inputs``; what it passed to
        ``done()``. ``path``: more folders for ``import``, before the repository."""
        with tempfile.TemporaryDirectory(prefix="smartkey-cp-") as tmp:
            folder = Path(tmp)
            script, data, result = folder / "script.py", folder / "in.json", folder / "out.json"
            script.write_text(PRELUDE + textwrap.dedent(body))
            # Not escaped: the core's json reads an escaped surrogate pair as two bad characters.
            data.write_text(json.dumps(inputs, ensure_ascii=False), encoding="utf-8")
            completed = self._start(script, data, result, heapsize, path, timeout)
            if completed.returncode < 0:
                raise CircuitPythonCrash(
                    f"CircuitPython ({self.name}, heap {heapsize}) was killed by signal "
                    f"{-completed.returncode}:\n{completed.stdout}{completed.stderr}"
                )
            if completed.returncode != 0 or not result.is_file():
                raise CircuitPythonError(
                    f"CircuitPython ({self.name}, heap {heapsize}) exited with "
                    f"{completed.returncode}:\n{completed.stdout}{completed.stderr}"
                )
            return json.loads(result.read_text(encoding="utf-8"))

    def fits(self, body: str, inputs: Any, heapsize: int, path: tuple[Path, ...] = ()) -> bool:
        """Whether the script completes with the heap capped at ``heapsize`` bytes; only a
        MemoryError counts as not fitting, any other failure is raised. Where the core
        crashes (see CircuitPythonCrash) the answer is that of a heap up to 1 KB larger."""
        for extra in range(0, 1024, 256):
            try:
                self.run(body, inputs, heapsize=str(heapsize + extra), path=path)
            except CircuitPythonCrash:
                continue
            except CircuitPythonError as error:
                if "MemoryError" in str(error):
                    return False
                raise
            return True
        raise CircuitPythonCrash(f"the core crashed at every heap from {heapsize} B to +1 KB")

    def _start(
        self,
        script: Path,
        data: Path,
        result: Path,
        heapsize: str,
        path: tuple[Path, ...],
        timeout: float,
    ) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MICROPYPATH": os.pathsep.join(str(p) for p in (*path, ROOT)),
            # CircuitPython has no time zones; the unix core's time.localtime follows TZ.
            "TZ": "UTC",
        }
        return subprocess.run(
            [str(self.binary), "-X", f"heapsize={heapsize}", str(script), str(data), str(result)],
            capture_output=True,
            text=True,
            env=env,
            cwd=script.parent,
            timeout=timeout,
        )


def core_fixture() -> Any:
    """A ``cp`` fixture for a test module (``cp = core_fixture()``): CircuitPython's unix core,
    the i386 build where it starts, else the x86_64 one. Not a conftest.py here: it would take
    the name ``conftest`` from tests/conftest.py, which other test modules import from."""

    @pytest.fixture(scope="module")
    def cp() -> CircuitPython:
        return CircuitPython(real_cp.unix_core())

    return cp


def batched(examples: int) -> Any:
    """Hypothesis settings for a test whose every example is a batch run in one process:
    few examples, no shrinking (it would start the core hundreds of times; the assertion names
    the failing case of the batch instead)."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=examples,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
