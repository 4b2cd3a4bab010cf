"""Fake of ``storage``: who may write the CIRCUITPY drive, the host or the firmware.

By default the host sees the drive and the firmware may only read it. boot.py can hide the drive
and remount it writable for the firmware; after boot.py the USB devices can't change, and
remounting while the host sees the drive is refused, as on the device.
"""

from __future__ import annotations

from typing import Any

_hw: Any = None


class _Mount:
    label = "CIRCUITPY"

    @property
    def readonly(self) -> bool:
        return not _hw.code_writable


def remount(mount_path: str, readonly: bool = False, *, disable_concurrent_write_protection=False):
    if mount_path != "/":
        raise OSError(22, "Invalid argument")
    if _hw.usb_drive_visible and not _hw.in_boot and not disable_concurrent_write_protection:
        raise RuntimeError("Cannot remount '/' when visible via USB.")
    _hw.code_writable = not readonly


def getmount(mount_path: str) -> _Mount:
    return _Mount()


def disable_usb_drive() -> None:
    _hw.require_boot()
    _hw.usb_drive_visible = False


def enable_usb_drive() -> None:
    _hw.require_boot()
    _hw.usb_drive_visible = True


def erase_filesystem(extended: bool | None = None) -> None:
    _hw.erase_drive()
