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
except ImportError:
    pass

_BAR_HEIGHT = const(3)


def group(code: str) -> str:
    """'123456' -> '123 456', '12345678' -> '1234 5678'; Steam's 5 letters stay whole."""
    n = len(code)
    if n < 6 or not code.isdigit():
        return code
    half = n // 2
    return code[:half] + " " + code[half:]


def draw_code(canvas: Any, label: str, code: str, remaining: int, period: int) -> None:
    """An account's code in large digits under its label, with a countdown bar below."""
    canvas.clear()
    canvas.text(0, 0, label[: canvas.width // 6])
    text = group(code)
    tall = canvas.height >= 64
    scale = 3 if tall else 2
    while scale > 1 and canvas.text_width(text, scale) > canvas.width:
        scale -= 1
    y = (22 if tall else 11) + (7 * (3 if tall else 2) - 7 * scale) // 2
    canvas.text((canvas.width - canvas.text_width(text, scale)) // 2, y, text, scale)
    bar = canvas.width * remaining // period if period else 0
    canvas.fill_rect(0, canvas.height - _BAR_HEIGHT, bar, _BAR_HEIGHT)


class Codes:
    def __init__(self, index: int = 0) -> None:
        self.index = index
        self._account: Any = None  # the decrypted account on screen
        self._step = -1
        self._code = ""
        self.hotp_shown = False

    def _current(self, app: Any) -> Any:
        if self._account is None:
            self._account = app.vault.account(self.index)
            self._step = -1
            self.hotp_shown = False
        return self._account

    def forget(self) -> None:
        """Drop the decrypted account (locking, or the vault changed)."""
        self._account = None
        self._code = ""

    def view(self, app: Any, utc: Any) -> tuple:
        count = app.vault.count
        if not count:
            return ("message", "NO ACCOUNTS", ("Add one on a computer:", "smartkey add URI"))
        self.index = min(self.index, count - 1)
        account = self._current(app)
        if account.kind == "hotp":
            code = self._code if self.hotp_shown else "B: new code"
            return ("hotp", account.label, code, self.index, count)
        step = utc // account.period
        if step != self._step:
            self._step = step
            self._code = account.code(utc)
        remaining = account.period - utc % account.period
        return ("code", account.label, self._code, remaining, account.period)

    def press(self, app: Any, event: int) -> None:
        count = app.vault.count
        if event == buttons.LONG_B:
            app.open_menu()
        elif event == buttons.LONG_C and count:
            app.type_code(self.index)
        elif not count:
            return
        elif event == buttons.A or event == buttons.C:
            step = -1 if event == buttons.A else 1
            self.index = (self.index + step) % count
            self.forget()
        elif event == buttons.B and self._current(app).kind == "hotp":
            try:
                code = app.next_hotp(self.index)
            except VaultError as error:
                # No saved counter, no code: a code must never be shown twice.
                app.show(Message("NOT SAVED", (str(error),), lambda app: app.show(self)))
                return
            self.forget()
            self._current(app)
            self._code = code
            self.hotp_shown = True

    def draw(self, canvas: Any, view: tuple) -> None:
        if view[0] == "message":
            draw_message(canvas, view[1], view[2])
        elif view[0] == "hotp":
            draw_code(canvas, view[1], view[2], 0, 0)
        else:
            draw_code(canvas, view[1], view[2], view[3], view[4])
