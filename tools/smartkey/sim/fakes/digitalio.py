"""Fake of ``digitalio``: a button pin reads low while the virtual board holds that button."""

from __future__ import annotations

from typing import Any

_hw: Any = None


class Direction:
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class Pull:
    UP = "UP"
    DOWN = "DOWN"


class DriveMode:
    PUSH_PULL = "PUSH_PULL"
    OPEN_DRAIN = "OPEN_DRAIN"


class DigitalInOut:
    def __init__(self, pin: Any) -> None:
        _hw.claim(pin)
        self._pin = pin
        self.direction = Direction.INPUT
        self.pull: str | None = None
        self.drive_mode = DriveMode.PUSH_PULL
        self._out = False

    def switch_to_input(self, pull: str | None = None) -> None:
        self.direction = Direction.INPUT
        self.pull = pull

    def switch_to_output(self, value: bool = False, drive_mode: str = DriveMode.PUSH_PULL) -> None:
        self.direction = Direction.OUTPUT
        self.pull = None
        self.drive_mode = drive_mode
        self._out = bool(value)

    @property
    def value(self) -> bool:
        if self.direction == Direction.OUTPUT:
            return self._out
        if _hw.button_held(self._pin):
            return False  # buttons connect the pin to GND
        return self.pull == Pull.UP

    @value.setter
    def value(self, value: bool) -> None:
        if self.direction != Direction.OUTPUT:
            raise AttributeError("Cannot set value when direction is input.")
        self._out = bool(value)

    def deinit(self) -> None:
        _hw.release(self._pin)

    def __enter__(self) -> DigitalInOut:
        return self

    def __exit__(self, *exc: object) -> None:
        self.deinit()
