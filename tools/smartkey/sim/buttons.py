"""Typing a PIN on the virtual board's three buttons, the way a user does."""

from __future__ import annotations

from typing import Protocol


class _Board(Protocol):
    def press(self, button: str) -> None: ...
    def hold(self, button: str, seconds: float = 2.0) -> None: ...


def enter_pin(board: _Board, pin: str, *, submit: bool = True) -> None:
    """A/C to each digit (each starts at the one before), B to add it, hold B on the last one."""
    current = 0
    for i, char in enumerate(pin):
        target = int(char)
        up = (target - current) % 10
        button, count = ("C", up) if up <= 5 else ("A", 10 - up)
        for _ in range(count):
            board.press(button)
        current = target
        if i < len(pin) - 1 or not submit:
            board.press("B")
        else:
            board.hold("B", 1.0)
