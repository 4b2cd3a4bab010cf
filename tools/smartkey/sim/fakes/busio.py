"""Fake of ``busio``: ``I2C`` on the virtual board's emulated bus.

The constructor checks what an RP2040 checks (``ports/raspberrypi/common-hal/busio/I2C.c``), in
the same order: both pins free, a pair the chip has an I2C block on (SDA on an even GPIO, SCL on
an odd one, both of I2C0 or both of I2C1: GP4/GP5, GP0/GP1, GP2/GP3 …), that block not in use,
a frequency up to 1 MHz, then the pull-up check.
"""

from __future__ import annotations

from typing import Any

from smartkey.sim import bus

_hw: Any = None
_blocks_in_use: set[int] = set()  # this VM's I2C0/I2C1


def _block(scl: Any, sda: Any) -> int:
    """The I2C block (0 or 1) the RP2040 has on this pair; ValueError if none."""
    scl_block = (scl._gpio // 2) % 2
    sda_block = (sda._gpio // 2) % 2
    if scl._gpio % 2 != 1 or sda._gpio % 2 != 0 or scl_block != sda_block:
        raise ValueError("Invalid pins")
    return sda_block


class I2C(bus.I2C):
    def __init__(self, scl: Any, sda: Any, *, frequency: int = 100000, timeout: int = 255) -> None:
        for pin, name in ((scl, "scl"), (sda, "sda")):
            if not hasattr(pin, "_gpio"):
                raise TypeError(f"{name} must be of type Pin, not {type(pin).__name__}")
            if pin._gpio in _hw.claimed:
                raise ValueError(f"{pin.name} in use")
        block = _block(scl, sda)
        if block in _blocks_in_use:
            raise ValueError("I2C peripheral in use")
        if frequency > 1_000_000:
            raise ValueError("frequency must be <= 1000000")
        chips = _hw.i2c_bus(scl, sda)
        if not chips.addresses:
            # CircuitPython checks the lines idle high; the modules carry the pull-ups, so with
            # no module on the bus it refuses, as here.
            raise RuntimeError("No pull up found on SDA or SCL; check your wiring")
        _hw.claim(scl)
        _hw.claim(sda)
        _blocks_in_use.add(block)
        self._pins = (scl, sda)
        self._block = block
        super().__init__(chips, scl, sda, frequency=frequency, timeout=timeout)

    def deinit(self) -> None:
        if self._bus is not None:
            for pin in self._pins:
                _hw.release(pin)
            _blocks_in_use.discard(self._block)
        super().deinit()
