"""Fake of CircuitPython's ``sys``."""

from __future__ import annotations

import traceback
from typing import Any

_hw: Any = None

implementation = type("implementation", (), {"name": "circuitpython", "version": (9, 2, 0)})()
platform = "RP2040"
byteorder = "little"
maxsize = 2**31 - 1
version = "3.4.0; CircuitPython 9.2.0"
argv: list[str] = []


def print_exception(exc: BaseException, file: Any = None) -> None:
    _hw.console_write("".join(traceback.format_exception(exc)))


def exit(code: int = 0) -> None:
    raise SystemExit(code)
