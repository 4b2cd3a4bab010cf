"""A list of choices: A/C move, B picks, hold A goes back."""

from smartkey_fw import buttons

try:
    from typing import Any, Callable, List, Tuple

    from smartkey_fw.ui.context import Context
except ImportError:
    pass


class Menu:
    def __init__(self, title: str, items: "List[Tuple[str, Callable[[Any], None]]]", back) -> None:
        self.title = title
        self.items = items
        self.back = back
        self.index = 0

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("menu", self.title, self.index, tuple(item[0] for item in self.items))

    def press(self, ctx: "Context", event: int) -> None:
        if event == buttons.A:
            self.index = (self.index - 1) % len(self.items)
        elif event == buttons.C:
            self.index = (self.index + 1) % len(self.items)
        elif event == buttons.B:
            self.items[self.index][1](ctx)
        elif event in (buttons.LONG_A, buttons.LONG_B):
            self.back(ctx)

    def draw(self, canvas: Any, view: tuple) -> None:
        canvas.clear()
        canvas.text(0, 0, self.title)
        rows = canvas.height // 8 - 1
        first = max(0, min(self.index - rows + 1, len(self.items) - rows))
        for row in range(rows):
            i = first + row
            if i >= len(self.items):
                break
            y = 8 * (row + 1)
            if i == self.index:
                canvas.fill_rect(0, y, canvas.width, 8)
                canvas.text(2, y, self.items[i][0], color=0)
            else:
                canvas.text(2, y, self.items[i][0])
