"""Fake of ``busio``: ``I2C`` on the virtual board's emulated bus."""

from __future__ import annotations

from typing import Any

from smartkey.sim import bus

_hw: Any = None


class I2C(bus.I2C):
    def __init__(self, scl: Any, sda: Any, *, frequency: int = 100000, timeout: int = 255) -> None:
        bus = _hw.i2c_bus(scl, sda)
        if not bus.addresses:
            # CircuitPython checks the lines idle high; the modules carry the pull-ups, so with
            # no module on the bus it refuses, as here.
            raise RuntimeError("No pull up found on SDA or SCL; check your wiring")
        _hw.claim(scl)
        _hw.claim(sda)
        self._pins = (scl, sda)
        super().__init__(bus, scl, sda, frequency=frequency, timeout=timeout)

    def deinit(self) -> None:
        for pin in self._pins:
            _hw.release(pin)
        super().deinit()
