"""Fake of ``supervisor``: ticks, whether a USB host is there, reload.

As CircuitPython 10 has it: autoreload is ``runtime.autoreload`` (the old
``disable_autoreload()`` is gone), and ``set_next_code_file`` takes its options by keyword.
"""

from __future__ import annotations

from typing import Any

_hw: Any = None


class _Runtime:
    autoreload = True

    @property
    def usb_connected(self) -> bool:
        return _hw.usb_connected

    @property
    def serial_connected(self) -> bool:
        return _hw.usb_connected and _hw.console_pipe.host_open

    @property
    def serial_bytes_available(self) -> int:
        return len(_hw.console_pipe.to_device)


runtime = _Runtime()


def ticks_ms() -> int:
    return _hw.ticks_ms()


def reload() -> None:
    _hw.request_reload()


def set_next_code_file(
    filename: str | None,
    *,
    working_directory: str | None = None,
    reload_on_success: bool = False,
    reload_on_error: bool = False,
    sticky_on_success: bool = False,
    sticky_on_error: bool = False,
    sticky_on_reload: bool = False,
) -> None:
    if filename is not None and not isinstance(filename, str):
        raise TypeError(f"filename must be of type str or None, not {type(filename).__name__}")
    _hw.next_code_file = filename
