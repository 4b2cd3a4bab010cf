"""Questions the host asks the user: B says yes, A says no."""

from smartkey_fw.ui.message import ANSWER, draw_message, page

# What cannot be undone (wipe, remove) takes a held B: a B meant for something else is short.
HOLD_ANSWER = "hold B: yes   A: no"

try:
    from typing import Any

    from smartkey_fw.ui.context import Context
except ImportError:
    pass


class Confirm:
    def __init__(self, question: tuple, destructive: bool = False) -> None:
        self.question = question
        self.answer = HOLD_ANSWER if destructive else ANSWER
        self.since = -1  # see message.page
        self.pages = 1

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("confirm", page(ctx, self, "CONFIRM", self.question, self.answer))

    def press(self, ctx: "Context", event: int) -> None:
        pass  # answered by App.confirm's own loop

    def draw(self, canvas: Any, view: tuple) -> None:
        # The answer stays on the bottom line while a long question turns its pages.
        draw_message(canvas, "CONFIRM", self.question, view[1], self.answer)


class Progress:
    def __init__(self, label: str, done: int, total: int) -> None:
        self.label = label
        self.done = done
        self.total = total

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("progress", self.label, self.done, self.total)

    def press(self, ctx: "Context", event: int) -> None:
        pass

    def draw(self, canvas: Any, view: tuple) -> None:
        draw_message(canvas, self.label.upper(), ("%d of %d" % (self.done, self.total),))
        width = canvas.width * self.done // max(1, self.total)
        canvas.fill_rect(0, canvas.height - 4, width, 4)
