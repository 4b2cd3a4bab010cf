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
# keypad reports a key already down at its first scan as a press. A key that was down at reset
# (A for maintenance mode) and is reported pressed this soon (ms) after the scanner started was
# held through the reset, not pressed at the token: it is ignored until released.
_AT_START = const(50)
_TICKS_MASK = const(0x1FFFFFFF)  # supervisor.ticks_ms() wraps at 2**29
_NEVER = const(-0x20000000)  # a time (ms) long before any touch


class Buttons:
    def __init__(
        self, keys: Any, long_press: int = 800, started: int = -1, held: tuple = ()
    ) -> None:
        self.keys = keys
        self.long_press = long_press
        self.started = started  # supervisor.ticks_ms() when ``keys`` began scanning, or -1
        self.held = held  # key numbers that were down before ``keys`` began scanning
        self._down_at = [_NOT_HELD] * _COUNT
        self._fired = [False] * _COUNT
        self._touched = _NEVER  # ms of the last press or release of any button

    def touched(self, now: int, within: int) -> bool:
        """Whether a button is down, or went down or up in the last ``within`` ms."""
        for down in self._down_at:
            if down != _NOT_HELD:
                return True
        return now - self._touched < within

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
            self._touched = now
            if event.pressed:
                self._down_at[key] = now
                self._fired[key] = self._held_from_start(event)
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

    def _held_from_start(self, event: Any) -> bool:
        if event.key_number not in self.held:
            return False
        return (event.timestamp - self.started) & _TICKS_MASK < _AT_START
