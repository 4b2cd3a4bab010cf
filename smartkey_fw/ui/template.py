"""A screen to copy when you add one: the token's own clock, to compare with a computer's.

A screen is a plain class (CircuitPython has no ABCs or typing at run time) with three methods,
and a fourth if it acts on its own:

- ``view(ctx, utc) -> tuple``: what the screen would show now, as a small tuple of plain values.
  The loop asks about ten times a second and redraws only when the tuple differs from the last
  one drawn, so put in it exactly what changes the picture (here: the second), nothing finer.
  ``utc`` is the clock's reading, None when it cannot be trusted.
- ``draw(canvas, view)``: paint that tuple on ``canvas`` (``canvas.py``: ``text``,
  ``fill_rect``, ``clear``; 128×64 or 128×32). No ``ctx`` here: a frame is a function of the view,
  which is what lets the golden images test it.
- ``press(ctx, event)``: one button event, ``buttons.A``/``B``/``C`` or ``LONG_A``/``B``/``C``.
  By convention A and C move or change, B picks, hold A goes back.
- ``tick(ctx, now)`` (optional): every pass of the loop (20 ms), ``now`` in ms, for a screen
  that changes by itself (it goes away after a while here, as a countdown would end).

``ctx`` (``context.py``) is everything a screen may read and do: ``ctx.show(screen)`` to go to
another screen, ``ctx.ask(question)``, ``ctx.vault``, ``ctx.clock``, ``ctx.ms()`` … A screen keeps
no reference to it. Keep module-level work to ``const()`` and small tuples: the module is compiled
and held in RAM on the board. To put a screen on the token, add its line to ``ENTRIES`` in
``main_menu.py`` (CONTRIBUTING.md, "Add a screen"); ``tests/sim/test_template.py`` drives this one
on the virtual board.
"""

from micropython import const

from smartkey_fw import buttons
from smartkey_fw.ui.message import draw_message

try:
    from typing import Any, Callable

    from smartkey_fw.ui.context import Context
except ImportError:
    pass

_IDLE_MS = const(60_000)  # untouched this long, the screen goes back by itself


class ClockCheck:
    """The date and time in UTC, or C for the seconds since 1970 (what ``date +%s`` prints);
    B or hold A calls ``back(ctx)``, which shows the screen it was opened from."""

    def __init__(self, back: "Callable[[Any], None]") -> None:
        self.back = back
        self.seconds = False  # showing the seconds since 1970 instead of the date
        self.touched = -1  # when (ms) a button last was; -1: not yet drawn

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("clock", utc, self.seconds)

    def press(self, ctx: "Context", event: int) -> None:
        self.touched = ctx.now
        if event == buttons.C or event == buttons.A:
            self.seconds = not self.seconds
        elif event == buttons.B or event == buttons.LONG_A:
            self.back(ctx)

    def tick(self, ctx: "Context", now: int) -> None:
        if self.touched < 0:
            self.touched = now
        elif now - self.touched >= _IDLE_MS:
            self.back(ctx)

    def draw(self, canvas: Any, view: tuple) -> None:
        utc = view[1]
        if utc is None:
            lines: tuple = ("Clock is not set.",)
        elif view[2]:
            lines = ("%d" % utc, "seconds since 1970")
        else:
            from smartkey_fw.protocol import stamp  # '23-11-14 22:13:20'

            when = stamp(utc)
            lines = ("20" + when[:8], when[9:] + " UTC")
        draw_message(canvas, "CLOCK", lines)
