"""Fake of CircuitPython's ``time``: simulated, deterministic, and without time zones.

``monotonic`` counts from power-on; ``time()`` is the microcontroller's own RTC, which starts at
2000-01-01 on every power-on as on an RP2040 (smartkey reads the DS3231 instead); ``mktime`` and
``localtime`` are UTC, as CircuitPython has no time zones.
"""

from __future__ import annotations

import calendar
import struct
import time as _host_time
from typing import Any

_hw: Any = None

struct_time = _host_time.struct_time
_Y2K = 946684800


def _seconds() -> float:
    return _hw.uptime_offset + _hw.scheduler.now - _hw.powered_on_at


def monotonic() -> float:
    """As CircuitPython's: a 30-bit float (single precision less two bits), so a board that
    has been on for weeks reads in coarse steps here too."""
    bits = struct.unpack("<I", struct.pack("<f", _seconds()))[0] & ~0b11
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def monotonic_ns() -> int:
    return round(_seconds() * 1e9)


def sleep(seconds: float) -> None:
    _hw.scheduler.sleep(seconds)


def time() -> int:
    return _Y2K + int(monotonic())


def localtime(secs: float | None = None) -> struct_time:
    return _host_time.gmtime(time() if secs is None else secs)


def mktime(t: Any) -> int:
    return calendar.timegm((*tuple(t)[:6], 0, 0, 0))
