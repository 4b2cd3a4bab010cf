"""Fake of ``board``: the pins of the selected profile's board, by their silkscreen names."""

from __future__ import annotations

from typing import Any

_hw: Any = None  # the virtual board's state, set by the loader

board_id = ""


class Pin:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "board." + self.name


def _install(namespace: dict[str, Any], board_id_: str, names: list[str]) -> None:
    """Called by the loader: define this board's pins as module attributes."""
    namespace["board_id"] = board_id_
    for name in names:
        namespace[name] = Pin(name)
