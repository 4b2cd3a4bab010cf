"""Fake of CircuitPython's ``usb_hid`` module for the virtual board.

It follows CircuitPython 9/10 (``shared-bindings/usb_hid`` and ``shared-module/usb_hid``):
``enable()`` copies the devices into the module's own storage, so ``usb_hid.devices`` holds
copies of ``Device.KEYBOARD`` etc., not the class attributes themselves; OUT reports (the host's
keyboard LEDs) reach only those enabled copies; ``send_report()`` raises ``OSError("USB busy")``
when no host is listening, and ``enable()``/``disable()`` raise ``RuntimeError`` once USB is up.
The 2-second wait for the host before ``USB busy`` is not modelled: the error comes at once, so a
simulated charger never stalls the host's clock. A boot device (``boot_device`` 1 or 2) must be
USB interface 0: behind CDC or the drive, bringing USB up resets into safe mode.

The simulator wires it to the host side (:class:`smartkey.sim.hid.HidHost`) in three steps:

1. before ``boot.py`` runs, set this module's ``_host`` to the board's ``HidHost``;
2. run ``boot.py``, whose ``enable()``/``disable()`` calls choose the devices (the defaults,
   keyboard + mouse + consumer control, stay if it makes none);
3. before ``code.py`` runs, call ``_apply_boot()``: USB comes up with that choice, the devices'
   OUT buffers are created empty, and the host enumerates them (``HidHost.attach``).

``_host.connected`` is the USB link: when it is false (a charger, or a host that has not
configured the device), ``send_report`` raises. A ``supervisor`` fake should report the same
value as ``supervisor.runtime.usb_connected``, which adafruit_hid's ``Keyboard`` waits on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartkey.sim.hid import HidHost

# CIRCUITPY_USB_HID_MAX_REPORT_IDS_PER_DESCRIPTOR and MAX_HID_DEVICES in CircuitPython.
_MAX_REPORT_IDS = 6
_MAX_DEVICES = 8


def _in_range(value: int, low: int, high: int, name: str) -> int:
    value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low}-{high}")
    return value


class Device:
    """HID device specification: a report descriptor and the report ids and lengths it uses."""

    KEYBOARD: Device
    MOUSE: Device
    CONSUMER_CONTROL: Device

    def __init__(
        self,
        *,
        report_descriptor: bytes | bytearray | memoryview,
        usage_page: int,
        usage: int,
        report_ids: Sequence[int],
        in_report_lengths: Sequence[int],
        out_report_lengths: Sequence[int],
    ) -> None:
        count = len(report_ids)
        if count < 1:
            raise ValueError("report_ids length must be >= 1")
        if count > _MAX_REPORT_IDS:
            raise ValueError(f"report_ids length must be <= {_MAX_REPORT_IDS}")
        if len(in_report_lengths) != count or len(out_report_lengths) != count:
            raise ValueError(
                "report_ids, in_report_lengths, and out_report_lengths must all be the same length"
            )
        self._descriptor = bytes(memoryview(report_descriptor))
        self._usage_page = _in_range(usage_page, 1, 0xFFFF, "usage_page")
        self._usage = _in_range(usage, 1, 0xFFFF, "usage")
        self._report_ids = tuple(_in_range(i, 0, 255, "report_ids") for i in report_ids)
        self._in_lengths = tuple(
            _in_range(n, 0, 255, "in_report_lengths") for n in in_report_lengths
        )
        self._out_lengths = tuple(
            _in_range(n, 0, 255, "out_report_lengths") for n in out_report_lengths
        )
        if self._report_ids[0] == 0 and count > 1:
            raise ValueError("report_id 0 length must be 1")
        # Last OUT report per report id, dropped once read, as get_last_received_report() does.
        self._received: dict[int, bytes] = {}

    @property
    def usage_page(self) -> int:
        """The device's usage page (0x01 Generic Desktop for keyboards and mice)."""
        return self._usage_page

    @property
    def usage(self) -> int:
        """The device's usage within its page (0x06 keyboard, 0x02 mouse)."""
        return self._usage

    def send_report(
        self, report: bytes | bytearray | memoryview, report_id: int | None = None
    ) -> None:
        """Send an IN report to the host; ``OSError`` when USB is not up or no host listens."""
        index = self._index(report_id)
        data = bytes(memoryview(report))
        if len(data) != self._in_lengths[index]:
            raise ValueError(f"report length must be {self._in_lengths[index]}")
        host = _host
        if not (_usb_up and devices and host is not None and host.connected):
            raise OSError("USB busy")
        host.receive_report(self, self._report_ids[index], data)

    def get_last_received_report(self, report_id: int | None = None) -> bytes | None:
        """The last OUT report the host sent for ``report_id``, or None if none came since."""
        index = self._index(report_id)
        return self._received.pop(self._report_ids[index], None)

    def _index(self, report_id: int | None) -> int:
        # A device with a single report id may omit it; anything else must name one it uses.
        if report_id is None and len(self._report_ids) == 1:
            return 0
        if report_id is not None and report_id in self._report_ids:
            return self._report_ids.index(report_id)
        raise ValueError("Invalid report_id")

    def _out_report(self, report: bytes, report_id: int | None = None) -> None:
        """Deliver an OUT report from the host (called by ``HidHost``)."""
        try:
            index = self._index(report_id)
        except ValueError:
            return
        # CircuitPython keeps an OUT report only when its size matches the descriptor.
        if self._out_lengths[index] and len(report) == self._out_lengths[index]:
            self._received[self._report_ids[index]] = bytes(report)

    def _copy(self) -> Device:
        return Device(
            report_descriptor=self._descriptor,
            usage_page=self._usage_page,
            usage=self._usage,
            report_ids=self._report_ids,
            in_report_lengths=self._in_lengths,
            out_report_lengths=self._out_lengths,
        )


# CircuitPython's standard report descriptors (shared-module/usb_hid/report_descriptors.c).
_KEYBOARD_DESCRIPTOR = bytes.fromhex(
    "05 01 09 06 a1 01 85 01"  # Generic Desktop / Keyboard, application collection, id 1
    "05 07 19 e0 29 e7 15 00 25 01 75 01 95 08 81 02"  # IN: eight modifier bits
    "95 01 75 08 81 01"  # IN: reserved byte
    "95 05 75 01 05 08 19 01 29 05 91 02"  # OUT: five LEDs, Num Lock first
    "95 01 75 03 91 01"  # OUT: three padding bits
    "95 06 75 08 15 00 26 ff 00 05 07 19 00 2a ff 00 81 00"  # IN: six key slots
    "c0"
)
_MOUSE_DESCRIPTOR = bytes.fromhex(
    "05 01 09 02 a1 01 09 01 a1 00 85 02"  # Generic Desktop / Mouse, pointer, id 2
    "05 09 19 01 29 05 15 00 25 01 95 05 75 01 81 02"  # five buttons
    "95 01 75 03 81 01"  # padding
    "05 01 09 30 09 31 15 81 25 7f 75 08 95 02 81 06"  # X, Y
    "09 38 15 81 25 7f 75 08 95 01 81 06"  # wheel
    "c0 c0"
)
_CONSUMER_CONTROL_DESCRIPTOR = bytes.fromhex(
    "05 0c 09 01 a1 01 85 03"  # Consumer / Consumer Control, id 3
    "75 10 95 01 15 01 26 8c 02 19 01 2a 8c 02 81 00"  # one 16-bit usage, 1-652
    "c0"
)

Device.KEYBOARD = Device(
    report_descriptor=_KEYBOARD_DESCRIPTOR,
    usage_page=0x01,
    usage=0x06,
    report_ids=(1,),
    in_report_lengths=(8,),
    out_report_lengths=(1,),
)
Device.MOUSE = Device(
    report_descriptor=_MOUSE_DESCRIPTOR,
    usage_page=0x01,
    usage=0x02,
    report_ids=(2,),
    in_report_lengths=(4,),
    out_report_lengths=(0,),
)
Device.CONSUMER_CONTROL = Device(
    report_descriptor=_CONSUMER_CONTROL_DESCRIPTOR,
    usage_page=0x0C,
    usage=0x01,
    report_ids=(3,),
    in_report_lengths=(2,),
    out_report_lengths=(0,),
)

# Set by the simulator before boot.py runs; None means the board has no host at all.
_host: HidHost | None = None
# True once _apply_boot() has brought USB up with boot.py's choice of devices.
_usb_up = False
_boot_device = 0
_interface_name = "CircuitPython HID"
# The devices USB will present, as copies kept by the module: defaults until boot.py chooses.
_enabled: tuple[Device, ...] = (
    Device.KEYBOARD._copy(),
    Device.MOUSE._copy(),
    Device.CONSUMER_CONTROL._copy(),
)
devices: tuple[Device, ...] = _enabled


def enable(devices: Sequence[Device] | None, boot_device: int = 0) -> None:
    """Choose the HID devices USB presents; only in boot.py, before USB is up."""
    global _enabled, _boot_device
    chosen = tuple(devices or ())
    for device in chosen:
        if not isinstance(device, Device):
            raise TypeError(f"__class__ must be of type Device, not {type(device).__name__}")
    boot_device = _in_range(boot_device, 0, 2, "boot_device")
    if _usb_up:
        raise RuntimeError("Cannot change USB devices now")
    if len(chosen) > _MAX_DEVICES:
        raise ValueError(f"devices length must be <= {_MAX_DEVICES}")
    _enabled = tuple(device._copy() for device in chosen)
    _boot_device = boot_device
    _publish(_enabled)


def disable() -> None:
    """Present no HID devices; only in boot.py, before USB is up."""
    enable((), 0)


def get_boot_device() -> int:
    """The boot device the host asked for: always 0, as the simulated host never asks for one."""
    return 0


def set_interface_name(interface_name: str) -> None:
    """Name the HID interface in the USB descriptor; has an effect only in boot.py."""
    global _interface_name
    name = str(interface_name)
    if not name.isascii() or len(name) > 126:
        raise ValueError("interface_name must be ASCII, at most 126 characters")
    if not _usb_up:
        _interface_name = name


def _publish(chosen: tuple[Device, ...]) -> None:
    # enable()'s parameter is named `devices`, as on the device, so it cannot assign the global.
    global devices
    devices = chosen


def _apply_boot(interfaces_before: int = 0) -> None:
    """Bring USB up with boot.py's choice and let the host enumerate it (simulator only).

    ``interfaces_before`` counts the USB interfaces CircuitPython puts ahead of HID (CDC,
    the drive). A boot device must be interface 0, so asking for one behind them resets
    into safe mode (``supervisor/shared/usb/usb_desc.c``), as here.
    """
    global _usb_up
    if _enabled and _boot_device and interfaces_before:
        from smartkey.sim.state import SafeModeReset

        raise SafeModeReset("Boot device must be first (interface #0).")
    for device in _enabled:
        device._received.clear()
    _usb_up = True
    _publish(_enabled)
    if _host is not None:
        _host.attach(_enabled)
