"""PIN entry on three buttons: A and C change the digit, B adds it, hold B to finish.

Each new digit starts at the value of the one before, so repeated and rising digits take few
presses. Entered digits are masked; only the digit being chosen is shown.
"""

from micropython import const

from smartkey_fw import buttons, pin

# Above its use: MicroPython substitutes an underscored const() only in code compiled after it.
_ADVANCE = const(6)

try:
    from typing import Any, Callable

    from smartkey_fw.ui.context import Context
except ImportError:
    pass


class PinEntry:
    def __init__(
        self,
        title: str,
        on_enter: "Callable[[Any, str], None]",
        note: str = "",
        shortest: int = pin.MIN_LENGTH,
    ) -> None:
        self.title = title
        self.on_enter = on_enter
        self.note = note
        self.shortest = shortest  # a new PIN may be held to more digits than an old one
        self.digits = ""
        self.current = 0

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("pin", self.title, len(self.digits), self.current, self.note)

    def press(self, ctx: "Context", event: int) -> None:
        if event == buttons.A:
            self.current = (self.current - 1) % 10
        elif event == buttons.C:
            self.current = (self.current + 1) % 10
        elif event == buttons.B:
            if len(self.digits) < pin.MAX_LENGTH:
                self.digits += str(self.current)
                self.note = ""
            else:
                self.note = "%d digits at most" % pin.MAX_LENGTH
        elif event == buttons.LONG_A:
            self.digits = self.digits[:-1]
        elif event == buttons.LONG_B:
            # The digit on screen counts too: "hold B" on the last digit finishes the PIN.
            entered = self.digits + str(self.current)
            if len(entered) > pin.MAX_LENGTH:
                entered = self.digits
            if not pin.valid(entered) or len(entered) < self.shortest:
                self.note = "PIN: %d to %d digits" % (self.shortest, pin.MAX_LENGTH)
                return
            self.digits = ""
            self.current = 0
            self.on_enter(ctx, entered)

    def draw(self, canvas: Any, view: tuple) -> None:
        _, title, count, current, note = view
        canvas.clear()
        canvas.text(0, 0, title)
        masked = "*" * count + str(current)
        tall = canvas.height >= 64
        scale = 2 if tall and canvas.text_width(masked, 2) <= canvas.width else 1
        y = 14 if tall else 9
        x = canvas.text(0, y, masked, scale)
        # Underline the digit being chosen.
        canvas.fill_rect(x - _ADVANCE * scale, y + 7 * scale, (_ADVANCE - 1) * scale, 1)
        if tall:
            canvas.text(0, 36, "A-  C+  B next digit")
            canvas.text(0, 46, "hold B: OK, A: delete")
        else:
            canvas.text(0, 17, "A- C+ B:add holdB:OK")
        if note:
            canvas.text(0, canvas.height - 8, note)
        elif not tall:
            canvas.text(0, 25, "hold A: delete")
