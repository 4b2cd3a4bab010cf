"""Fake of ``gc``: ``mem_free``/``mem_alloc`` from what the firmware really holds.

The heap (``smartkey.sim.heap``) starts with the board's free bytes at code.py (186,064 on a
Pico with CircuitPython 10.1.4, measured) and counts what the firmware's code has allocated
and not freed. ``collect`` runs the host's collector, which frees cycles as a collection on the
device frees unreachable objects. Running out of heap raises no MemoryError here (see heap.py).
"""

from __future__ import annotations

import gc as _host_gc
from typing import Any

_hw: Any = None
_enabled = True


def collect() -> None:
    _host_gc.collect()


def enable() -> None:
    global _enabled
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False


def isenabled() -> bool:
    return _enabled


def mem_free() -> int:
    return _hw.heap.free()


def mem_alloc() -> int:
    return _hw.heap.allocated()


def threshold(amount: int | None = None) -> int | None:
    """As on the device: -1 (no threshold) until one is set."""
    global _threshold
    if amount is None:
        return _threshold
    _threshold = amount
    return None


_threshold = -1
