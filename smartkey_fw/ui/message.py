"""A title and a few lines of text; B (or any button, if asked) goes on."""

from smartkey_fw import buttons

try:
    from typing import Any, Callable, Optional
except ImportError:
    pass


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

    def view(self, app: Any, utc: Any) -> tuple:
        return ("message", self.title, self.lines)

    def press(self, app: Any, event: int) -> None:
        if self.on_done is not None and (self.any_button or event == buttons.B):
            self.on_done(app)

    def draw(self, canvas: Any, view: tuple) -> None:
        draw_message(canvas, view[1], view[2])


def draw_message(canvas: Any, title: str, lines: tuple) -> None:
    """The title in double size and as many lines of small text as fit under it."""
    canvas.clear()
    canvas.text(0, 0, title, 2)
    y = 16
    step = 12 if canvas.height >= 64 else 8
    for line in lines:
        if y + 7 > canvas.height:
            break
        canvas.text(0, y, line[: canvas.width // 6])
        y += step


class Notice(Message):
    """A message that goes back to ``then`` by itself after ``seconds`` (or on any button)."""

    def __init__(self, title: str, lines: tuple, then: Any, seconds: float = 2.0) -> None:
        super().__init__(title, lines, lambda app: app.show(then), any_button=True)
        self.seconds = seconds
        self.until = -1

    def tick(self, app: Any, now: int) -> None:
        if self.until < 0:
            self.until = now + int(self.seconds * 1000)
        elif now >= self.until and self.on_done is not None:
            self.on_done(app)
