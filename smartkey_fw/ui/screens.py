"""What the OLED shows. Layouts adapt to 128×64 and 128×32 panels."""

from micropython import const

from smartkey_fw.ui.canvas import Canvas

_BAR_HEIGHT = const(3)


def group(code: str) -> str:
    """'123456' -> '123 456', '12345678' -> '1234 5678'; Steam's 5 letters stay whole."""
    n = len(code)
    if n < 6:
        return code
    half = n // 2
    return code[:half] + " " + code[half:]


def draw_code(canvas: Canvas, label: str, code: str, remaining: int, period: int) -> None:
    """An account's code in large digits under its label, with a countdown bar below."""
    canvas.clear()
    canvas.text(0, 0, label[: canvas.width // 6])
    text = group(code)
    tall = canvas.height >= 64
    scale = 3 if tall and canvas.text_width(text, 3) <= canvas.width else 2
    y = 22 if tall else 11
    canvas.text((canvas.width - canvas.text_width(text, scale)) // 2, y, text, scale)
    bar = canvas.width * remaining // period if period else 0
    canvas.fill_rect(0, canvas.height - _BAR_HEIGHT, bar, _BAR_HEIGHT)


def draw_message(canvas: Canvas, title: str, lines: tuple) -> None:
    """A title in double size and up to three lines of small text under it."""
    canvas.clear()
    canvas.text(0, 0, title, 2)
    y = 16
    for line in lines:
        if y + 8 > canvas.height:
            break
        canvas.text(0, y, line[: canvas.width // 6])
        y += 8 if canvas.height < 64 else 12
