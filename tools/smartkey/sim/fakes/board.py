"""Fake of ``board``: the pins of the selected profile's board, by their silkscreen names."""

from __future__ import annotations

from typing import Any

_hw: Any = None  # the virtual board's state, set by the loader

board_id = ""


class Pin:
    """A pin of the chip; a board's aliases for one GPIO (LED and GP25) are the same object."""

    def __init__(self, name: str, gpio: int) -> None:
        self.name = name
        self._gpio = gpio

    def __repr__(self) -> str:
        return "board." + self.name


def _install(namespace: dict[str, Any], board_id_: str, pins: dict[str, int]) -> None:
    """Called by the loader: define this board's pins as module attributes."""
    namespace["board_id"] = board_id_
    by_gpio: dict[int, Pin] = {}
    for name, gpio in pins.items():
        namespace[name] = by_gpio.setdefault(gpio, Pin(name, gpio))
