"""Fake of CircuitPython's ``sys``."""

from __future__ import annotations

import traceback
from typing import Any

_hw: Any = None

platform = "RP2040"
byteorder = "little"
maxsize = 2**31 - 1
argv: list[str] = []


def _install(namespace: dict[str, Any], release: tuple[int, int, int]) -> None:
    """Called by the loader: the board's CircuitPython release."""
    namespace["implementation"] = type(
        "implementation", (), {"name": "circuitpython", "version": release}
    )()
    namespace["version"] = "3.4.0; CircuitPython " + ".".join(str(part) for part in release)


def print_exception(exc: BaseException, file: Any = None) -> None:
    _hw.console_write("".join(traceback.format_exception(exc)))


def exit(code: int = 0) -> None:
    raise SystemExit(code)
