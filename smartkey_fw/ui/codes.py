"""The main screen: one account's code in large digits, with a countdown.

A and C move through the accounts in the user's order; B on an HOTP account makes its next code
(the counter is saved before the code is shown); hold C types the code on the USB keyboard; hold
B opens the menu. Only the account on
screen is decrypted, and its code is recomputed when ``now // period`` changes.
"""

from micropython import const

from smartkey_fw import buttons
from smartkey_fw.ui.message import Message, draw_message
from smartkey_fw.vault import VaultError

try:
    from typing import Any

    from smartkey_fw.ui.context import Context
except ImportError:
    pass

_BAR_HEIGHT = const(3)
_NEXT_SECONDS = const(5)  # show the next code this long before the period ends
_SCROLL_WAIT = 1.0
_SCROLL_STEP = 0.25
_COLUMNS = const(21)  # characters in a line of the 5×7 font on 128 pixels
EMPTY = ("No accounts yet. Add", "one on a computer:", "smartkey add URI")


def group(code: str) -> str:
    """'123456' -> '123 456', '12345678' -> '1234 5678'; Steam's 5 letters stay whole."""
    n = len(code)
    if n < 6 or not code.isdigit():
        return code
    half = n // 2
    return code[:half] + " " + code[half:]


def draw_code(
    canvas: Any, label: str, code: str, remaining: int, period: int, upcoming: str = ""
) -> None:
    """An account's code in large digits under its label, with a countdown bar below, and in
    the last seconds of a period the code that comes next (in place of the label on 128×32)."""
    canvas.clear()
    tall = canvas.height >= 64
    if upcoming and not tall:
        canvas.text(0, 0, "next " + group(upcoming))
    else:
        canvas.text(0, 0, label[: canvas.width // 6])
    text = group(code)
    scale = 3 if tall else 2
    while scale > 1 and canvas.text_width(text, scale) > canvas.width:
        scale -= 1
    y = (22 if tall else 11) + (7 * (3 if tall else 2) - 7 * scale) // 2
    canvas.text((canvas.width - canvas.text_width(text, scale)) // 2, y, text, scale)
    if upcoming and tall:
        line = "next " + group(upcoming)
        canvas.text((canvas.width - canvas.text_width(line)) // 2, 48, line)
    bar = canvas.width * remaining // period if period else 0
    canvas.fill_rect(0, canvas.height - _BAR_HEIGHT, bar, _BAR_HEIGHT)


def scrolled(label: str, columns: int, shown_for: float) -> str:
    """The part of a long label to show ``shown_for`` seconds after it appeared: still for a
    second, then one character every quarter second to its end, then back to the start after a
    pause, once. Moving text costs a page of I2C each step, so it does not go on forever."""
    extra = len(label) - columns
    if extra <= 0:
        return label
    step = int((shown_for - _SCROLL_WAIT) / _SCROLL_STEP)
    if step <= 0 or step > extra + int(_SCROLL_WAIT / _SCROLL_STEP):
        return label[:columns]
    start = min(step, extra)
    return label[start : start + columns]


class Codes:
    def __init__(self, index: int = 0) -> None:
        self.index = index
        self._account: Any = None  # the decrypted account on screen
        self._step = -1
        self._code = ""
        self.hotp_shown = False
        self._upcoming_step = -1
        self._upcoming = ""
        self._shown_at = 0  # when (ms) the account appeared, for scrolling its label

    def _current(self, ctx: "Context") -> Any:
        if self._account is None:
            self._account = ctx.vault.account(self.index)
            self._step = -1
            self._upcoming_step = -1
            self._shown_at = ctx.now
            self.hotp_shown = False
        return self._account

    def forget(self) -> None:
        """Drop the decrypted account (locking, or the vault changed)."""
        self._account = None
        self._code = ""

    def view(self, ctx: "Context", utc: Any) -> tuple:
        count = ctx.vault.count
        if not count:
            return ("message", "EMPTY", EMPTY)
        self.index = min(self.index, count - 1)
        account = self._current(ctx)
        if account.kind == "hotp":
            code = self._code if self.hotp_shown else "B: new code"
            return ("hotp", account.label, code, self.index, count)
        step = utc // account.period
        if step != self._step:
            self._step = step
            self._code = account.code(utc)
        remaining = account.period - utc % account.period
        upcoming = ""
        if remaining <= _NEXT_SECONDS:
            if self._upcoming_step != step + 1:
                self._upcoming_step = step + 1
                self._upcoming = account.code(utc + remaining)
            upcoming = self._upcoming
        label = scrolled(account.label, _COLUMNS, (ctx.now - self._shown_at) / 1000)
        return ("code", label, self._code, remaining, account.period, upcoming)

    def press(self, ctx: "Context", event: int) -> None:
        count = ctx.vault.count
        if event == buttons.LONG_B:
            from smartkey_fw.ui import main_menu  # loaded the first time it is opened

            main_menu.show(ctx)
        elif event == buttons.LONG_C and count:
            ctx.type_code(self.index)
        elif not count:
            return
        elif event == buttons.A or event == buttons.C:
            step = -1 if event == buttons.A else 1
            self.index = (self.index + step) % count
            self.forget()
        elif event == buttons.B and self._current(ctx).kind == "hotp":
            try:
                code = ctx.next_hotp(self.index)
            except (VaultError, OSError) as error:
                # No saved counter, no code: a code must never be shown twice.
                ctx.show(Message("NOT SAVED", (str(error),), lambda ctx: ctx.show(self)))
                return
            self.forget()
            self._current(ctx)
            self._code = code
            self.hotp_shown = True

    def draw(self, canvas: Any, view: tuple) -> None:
        if view[0] == "message":
            draw_message(canvas, view[1], view[2])
        elif view[0] == "hotp":
            draw_code(canvas, view[1], view[2], 0, 0)
        else:
            draw_code(canvas, view[1], view[2], view[3], view[4], view[5])
