"""Fake of ``supervisor``: ticks, whether a USB host is there, reload."""

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


def disable_autoreload() -> None:
    runtime.autoreload = False


def enable_autoreload() -> None:
    runtime.autoreload = True


def set_next_code_file(filename: str | None, **kwargs: Any) -> None:
    _hw.next_code_file = filename
