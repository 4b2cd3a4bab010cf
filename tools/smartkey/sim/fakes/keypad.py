"""Fake of ``keypad``: ``Keys`` with CircuitPython's event queue (timestamps, overflow)."""

from __future__ import annotations

from collections import deque
from typing import Any

_hw: Any = None


class Event:
    def __init__(self, key_number: int = 0, pressed: bool = True, timestamp: int | None = None):
        self.key_number = key_number
        self.pressed = pressed
        self.released = not pressed
        self.timestamp = timestamp

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Event)
            and self.key_number == other.key_number
            and self.pressed == other.pressed
        )

    def __hash__(self) -> int:
        return hash((self.key_number, self.pressed))

    def __repr__(self) -> str:
        kind = "pressed" if self.pressed else "released"
        return f"<Event: key_number {self.key_number} {kind}>"


class EventQueue:
    def __init__(self, max_events: int) -> None:
        self._events: deque[Event] = deque()
        self._max = max_events
        self.overflowed = False

    def _put(self, event: Event) -> None:
        if len(self._events) >= self._max:
            self.overflowed = True
            return
        self._events.append(event)

    def get(self) -> Event | None:
        return self._events.popleft() if self._events else None

    def get_into(self, event: Event) -> bool:
        got = self.get()
        if got is None:
            return False
        event.key_number, event.pressed, event.released = got.key_number, got.pressed, got.released
        event.timestamp = got.timestamp
        return True

    def clear(self) -> None:
        self._events.clear()
        self.overflowed = False

    def __len__(self) -> int:
        return len(self._events)

    def __bool__(self) -> bool:
        return bool(self._events)


class Keys:
    def __init__(
        self,
        pins: Any,
        *,
        value_when_pressed: bool,
        pull: bool = True,
        interval: float = 0.02,
        max_events: int = 64,
        debounce_threshold: int = 1,
    ) -> None:
        self._pins = list(pins)
        for pin in self._pins:
            _hw.claim(pin)
        self.key_count = len(self._pins)
        self.events = EventQueue(max_events)
        self._value_when_pressed = value_when_pressed
        _hw.keypads.append(self)

    def _button_changed(self, pin: Any, pressed: bool) -> None:
        """Called by the virtual board when a button wired to ``pin`` changes."""
        if pin in self._pins:
            ticks = _hw.ticks_ms()
            self.events._put(Event(self._pins.index(pin), pressed, ticks))

    def reset(self) -> None:
        self.events.clear()

    def deinit(self) -> None:
        for pin in self._pins:
            _hw.release(pin)
        _hw.keypads.remove(self)

    def __enter__(self) -> Keys:
        return self

    def __exit__(self, *exc: object) -> None:
        self.deinit()
