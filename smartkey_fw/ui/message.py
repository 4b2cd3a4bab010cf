"""A title and a few lines of text; B (or any button, if asked) goes on.

Lines are wrapped to the panel's 21 columns. What does not fit under the title (a 128×32 panel
holds three lines) is shown a page at a time, each for a few seconds, round and round: nothing
a screen says is ever cut off.
"""

from micropython import const

from smartkey_fw import buttons

try:
    from typing import Any, Callable, Optional

    from smartkey_fw.ui.context import Context
except ImportError:
    pass

COLUMNS = const(21)  # characters in a line of the 5×7 font on 128 pixels
_PAGE_MS = const(3000)  # long enough to read three lines
ANSWER = "B: yes   A: no"


def wrap(lines: tuple) -> list:
    """Each line split at spaces into lines of at most ``COLUMNS`` characters (a longer word
    is split where it must be)."""
    out = []
    for line in lines:
        while len(line) > COLUMNS:
            cut = line.rfind(" ", 0, COLUMNS + 1)
            if cut > 0:
                out.append(line[:cut])
                line = line[cut + 1 :]
            else:
                out.append(line[:COLUMNS])
                line = line[COLUMNS:]
        out.append(line)
    return out


def _room(height: int, title: str, footer: str) -> tuple:
    """(y of the first line, rows between lines, how many lines fit) under ``title`` (drawn
    twice as large on 128×64) and above ``footer``."""
    if height >= 64:
        top, step = 16, 12
    else:
        top, step = (8 if title else 0), 8
    bottom = height - 8 if footer else height
    return top, step, (bottom - top - 8) // step + 1


def pages(ctx: "Context", title: str, lines: tuple, footer: str = "") -> int:
    """How many pages ``lines`` take on the panel."""
    canvas = ctx.canvas
    if canvas is None:
        return 1
    rows = _room(canvas.height, _title(canvas, title, footer), footer)[2]
    extra = len(wrap(lines)) - rows
    return 1 if extra <= 0 else (extra + rows - 1) // rows + 1


def page(ctx: "Context", screen: Any, title: str, lines: tuple, footer: str = "") -> int:
    """The page to show now: ``screen.since`` is when (ms) it first appeared, and
    ``screen.pages`` how many pages it has, both set here on its first view."""
    if screen.since < 0:
        screen.since = ctx.ms()
        screen.pages = pages(ctx, title, lines, footer)
    return (ctx.ms() - screen.since) // _PAGE_MS % screen.pages


def _title(canvas: Any, title: str, footer: str) -> str:
    # On 128×32 a question leaves out its title: the answer line says what it is.
    return "" if footer and canvas.height < 64 else title


def draw_message(canvas: Any, title: str, lines: tuple, number: int = 0, footer: str = "") -> None:
    """The title (double size on 128×64, a lit bar on 128×32), page ``number`` of the lines
    under it and ``footer`` on the bottom line."""
    canvas.clear()
    title = _title(canvas, title, footer)
    if canvas.height >= 64:
        canvas.text(0, 0, title, 2)
    elif title:
        canvas.fill_rect(0, 0, canvas.width, 8)
        canvas.text(1, 0, title, color=0)
    y, step, rows = _room(canvas.height, title, footer)
    wrapped = wrap(lines)
    first = min(number * rows, max(0, len(wrapped) - rows))
    for line in wrapped[first : first + rows]:
        canvas.text(0, y, line)
        y += step
    if footer:
        canvas.text(0, canvas.height - 8, footer)


class Message:
    def __init__(
        self,
        title: str,
        lines: tuple,
        on_done: "Optional[Callable[[Any], None]]" = None,
        any_button: bool = False,
    ) -> None:
        self.title = title
        self.lines = lines
        self.on_done = on_done
        self.any_button = any_button
        self.since = -1  # when (ms) it was first drawn: its pages turn from then
        self.pages = 1

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("message", self.title, self.lines, page(ctx, self, self.title, self.lines))

    def press(self, ctx: "Context", event: int) -> None:
        if self.on_done is not None and (self.any_button or event == buttons.B):
            self.on_done(ctx)

    def draw(self, canvas: Any, view: tuple) -> None:
        draw_message(canvas, view[1], view[2], view[3])


class Notice(Message):
    """A message that goes back to ``then`` by itself after ``seconds`` (or on any button)."""

    def __init__(self, title: str, lines: tuple, then: Any, seconds: float = 2.0) -> None:
        super().__init__(title, lines, lambda ctx: ctx.show(then), any_button=True)
        self.seconds = seconds
        self.until = -1

    def tick(self, ctx: "Context", now: int) -> None:
        if self.until < 0:
            self.until = now + int(self.seconds * 1000)
        elif now >= self.until and self.on_done is not None:
            self.on_done(ctx)
