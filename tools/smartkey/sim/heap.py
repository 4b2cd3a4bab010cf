"""The firmware's heap as ``gc`` reports it: what the firmware's own code has allocated and
still holds, measured with ``tracemalloc``, against the free heap a real board has at code.py.

Only allocations made by code on the drive (the firmware) or in the device libraries count,
so the simulator's and the test's own objects do not. CPython's objects are about twice the
size of MicroPython's, so the bytes traced are scaled by CIRCUITPYTHON_BYTES, measured: the
firmware and its drivers, imported and running, hold 100,192 B of a Pico's heap on
CircuitPython 10.1.4 (186,064 free at code.py, 85,872 after) and 199,501 traced bytes here.
The same scale predicts 98.8 KB after unlocking and browsing 250 accounts, where the Pico
showed 113.2 KB in use (uncollected garbage included). An estimate, then, good for growth and
budgets. Tracing slows Python 2-3 times, so it starts only when asked
(``VirtualBoard(trace_heap=True)``) or at the first ``gc.mem_free()``/``mem_alloc()``, which
then counts from that moment on.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterable
from pathlib import Path

CIRCUITPYTHON_BYTES = 100_192 / 199_501  # CircuitPython heap bytes per traced CPython byte


class Heap:
    def __init__(self, free_at_start: int, roots: Iterable[Path]) -> None:
        self.free_at_start = free_at_start
        self._roots = tuple(str(root) for root in roots)
        self._started_here = False

    def start(self) -> None:
        if not tracemalloc.is_tracing():
            tracemalloc.start()
            self._started_here = True

    def stop(self) -> None:
        if self._started_here and tracemalloc.is_tracing():
            tracemalloc.stop()
        self._started_here = False

    def allocated(self) -> int:
        """Heap bytes the firmware's and the device libraries' live objects would take on
        CircuitPython (traced CPython bytes, scaled)."""
        self.start()
        snapshot = tracemalloc.take_snapshot()
        traced = sum(
            trace.size
            for trace in snapshot.traces
            if trace.traceback[0].filename.startswith(self._roots)
        )
        return round(traced * CIRCUITPYTHON_BYTES)

    def free(self) -> int:
        return max(0, self.free_at_start - self.allocated())
