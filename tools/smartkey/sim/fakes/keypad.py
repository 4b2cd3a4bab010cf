"""Fake of ``keypad``: ``Keys`` with CircuitPython's event queue (timestamps, overflow).

``Keys`` reads each pin's level as the device would: a held button pulls its pin to GND, an
idle pin reads what its pull makes it (``pull=True`` pulls up when ``value_when_pressed`` is
False, down when it is True; with no pull, a pin with nothing driving it reads low here). A key
is pressed while its level equals ``value_when_pressed``, so a wrong value makes every idle key
read pressed, and as on the device a key already pressed at the first scan gives an event.
"""

from __future__ import annotations

from collections import deque
from typing import Any

_hw: Any = None


class Event:
    def __init__(self, key_number: int = 0, pressed: bool = True, timestamp: int | None = None):
        self.key_number = key_number
        self.pressed = pressed
        self.released = not pressed
        self.timestamp = _hw.ticks_ms() if timestamp is None else timestamp

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
        interval: float = 0.020,
        max_events: int = 64,
        debounce_threshold: int = 1,
    ) -> None:
        self._pins = list(pins)
        for pin in self._pins:
            _hw.claim(pin)
        self.key_count = len(self._pins)
        self.events = EventQueue(max_events)
        self._value_when_pressed = bool(value_when_pressed)
        self._pull = bool(pull)
        self._pressed = [False] * self.key_count
        _hw.keypads.append(self)
        self._scan()

    def _level(self, pin: Any) -> bool:
        if _hw.button_held(pin):
            return False  # buttons connect the pin to GND
        # An internal pull opposes the pressed level; a floating pin reads low.
        return self._pull and not self._value_when_pressed

    def _scan(self) -> None:
        """Read every pin and queue an event for each key that changed (called by the
        virtual board whenever a button changes)."""
        ticks = _hw.ticks_ms()
        for number, pin in enumerate(self._pins):
            pressed = self._level(pin) == self._value_when_pressed
            if pressed != self._pressed[number]:
                self._pressed[number] = pressed
                self.events._put(Event(number, pressed, ticks))

    def reset(self) -> None:
        """As on the device: forget the keys' states, so keys held now report pressed again."""
        self.events.clear()
        self._pressed = [False] * self.key_count
        self._scan()

    def deinit(self) -> None:
        for pin in self._pins:
            _hw.release(pin)
        _hw.keypads.remove(self)

    def __enter__(self) -> Keys:
        return self

    def __exit__(self, *exc: object) -> None:
        self.deinit()
