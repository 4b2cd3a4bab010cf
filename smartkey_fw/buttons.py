"""Three buttons to short and long presses, as plain-int events.

A long press fires while the button is still held (the user sees the response without letting
go); its release is then swallowed. Time is passed in, so a test can step it.
"""

from micropython import const

try:
    from typing import Any
except ImportError:
    pass

NONE = const(-1)
A = const(0)
B = const(1)
C = const(2)
LONG_A = const(3)
LONG_B = const(4)
LONG_C = const(5)
_LONG = const(3)  # LONG_x = x + _LONG
_COUNT = const(3)
_NOT_HELD = const(-1)


class Buttons:
    def __init__(self, keys: Any, long_press: int = 800) -> None:
        self.keys = keys
        self.long_press = long_press
        self._down_at = [_NOT_HELD] * _COUNT
        self._fired = [False] * _COUNT

    def forget_held(self) -> None:
        """Drop queued events and ignore buttons already down until they are released: a
        press that began before a question appeared must not answer it."""
        while self.keys and self.keys.events.get() is not None:
            pass
        for key in range(_COUNT):
            if self._down_at[key] != _NOT_HELD:
                self._fired[key] = True  # its release (or long press) is swallowed

    def next(self, now: int) -> int:
        """The next button event at ``now`` (ms since power-on), or NONE."""
        event = self.keys.events.get() if self.keys else None
        while event is not None:
            key = event.key_number
            if event.pressed:
                self._down_at[key] = now
                self._fired[key] = False
            elif self._down_at[key] != _NOT_HELD:
                self._down_at[key] = _NOT_HELD
                if not self._fired[key]:
                    return key
            event = self.keys.events.get()
        for key in range(_COUNT):
            down = self._down_at[key]
            if down != _NOT_HELD and not self._fired[key] and now - down >= self.long_press:
                self._fired[key] = True
                return key + _LONG
        return NONE
