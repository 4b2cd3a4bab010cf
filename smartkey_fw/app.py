"""The token's main loop: buttons in, codes out.

``App.tick(now)`` is one pass of the loop and can be called on its own, so a test or the virtual
board steps the firmware deterministically; ``run()`` is that pass forever with a short sleep.
"""

import time

from micropython import const

from smartkey_fw import buttons, clock
from smartkey_fw.ui import screens
from smartkey_fw.ui.canvas import Canvas

try:
    from typing import Any, List, Optional
except ImportError:
    pass

_TICK = 0.02  # seconds between loop passes: keypad scan rate, and the CPU sleeps in between
# The DS3231's seconds roll over on its own schedule: reading it ten times a second shows a new
# code within 0.1 s of the period boundary, for 10 bytes/s of I2C writes.
_CLOCK_READS_PER_SECOND = const(10)


class App:
    def __init__(self, hardware: Any, accounts: List) -> None:
        self.hw = hardware
        self.accounts = accounts
        self.index = 0
        self.buttons = buttons.Buttons(hardware.keys)
        self.clock = clock.Clock(hardware.rtc)
        display = hardware.display
        self.canvas: Optional[Canvas] = None
        if display is not None:
            self.canvas = Canvas(display.buf, display.width, display.height)
        self._shown: Any = None
        self._clock_read = -1
        for problem in hardware.problems:
            print(problem)

    def run(self) -> None:
        while True:
            self.tick(time.monotonic())
            time.sleep(_TICK)

    def tick(self, now: float) -> None:
        changed = False
        event = self.buttons.next(now)
        while event != buttons.NONE:
            changed = self.on_button(event) or changed
            event = self.buttons.next(now)
        clock_read = int(now * _CLOCK_READS_PER_SECOND)
        if changed or clock_read != self._clock_read:
            self._clock_read = clock_read
            self.render(self.clock.now())

    def on_button(self, event: int) -> bool:
        if not self.accounts:
            return False
        if event == buttons.A:
            self.index = (self.index - 1) % len(self.accounts)
        elif event == buttons.C:
            self.index = (self.index + 1) % len(self.accounts)
        else:
            return False
        return True

    def render(self, utc: Optional[int]) -> None:
        """Draw what the token should show at ``utc``; send it only if it changed."""
        if self.hw.problems and utc is None:
            view: Any = ("message", "NO CLOCK", tuple(self.hw.problems))
        elif utc is None:
            view = (
                "message",
                "SET TIME",
                ("Clock is not set.", "On a computer run:", "smartkey time sync"),
            )
        elif not self.accounts:
            view = ("message", "NO ACCOUNTS", ("Add one on a computer:", "smartkey add URI"))
        else:
            account = self.accounts[self.index]
            remaining = account.period - utc % account.period
            view = ("code", account.label, account.code(utc), remaining, account.period)
        if view == self._shown or self.canvas is None:
            return
        self._shown = view
        if view[0] == "code":
            screens.draw_code(self.canvas, view[1], view[2], view[3], view[4])
        else:
            screens.draw_message(self.canvas, view[1], view[2])
        self.hw.display.show()
        self.canvas.dirty = 0
