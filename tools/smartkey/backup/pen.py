"""Setting text on the sheet, or only measuring it: the layout measures every card before it
decides what goes on which page, with the very code that then draws it."""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from smartkey.backup.fonts import Fonts

BLACK = 0
GREY = 100
LEADING = 0.45  # line height in mm per point of font size


@dataclass
class Pen:
    """Writes on ``pdf`` in ``fonts``; with ``measure`` set, draws nothing and only says how
    much room things take."""

    pdf: FPDF
    fonts: Fonts
    measure: bool = False

    def text(
        self,
        value: str,
        x: float,
        y: float,
        width: float,
        size: float,
        *,
        style: str = "",
        color: int = BLACK,
        family: str | None = None,
        markdown: bool = False,
    ) -> float:
        """``value`` wrapped to ``width`` at (x, y); returns the y under it. Only text the tool
        writes itself comes here: names go through :meth:`name`."""
        line = size * LEADING
        self.pdf.set_font(family or self.fonts.family, style, size)
        self.pdf.set_text_color(color)
        self.pdf.set_xy(x, y)
        if not markdown and self.pdf.get_string_width(value) <= width - 2 * self.pdf.c_margin:
            # One line: a plain cell, several times faster than multi_cell's line breaking.
            if not self.measure:
                self.pdf.cell(width, line, value)
            return y + line
        lines = self.pdf.multi_cell(
            width,
            line,
            value,
            align="L",
            markdown=markdown,
            dry_run=self.measure,
            output=MethodReturnValue.LINES,
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
        assert isinstance(lines, list)  # what output=LINES returns
        return y + len(lines) * line

    def name(
        self, value: str, x: float, y: float, width: float, size: float, *, style: str = ""
    ) -> tuple[float, bool]:
        """An issuer or a name, as far as the font can show it: (the y under it, whether it
        was approximated)."""
        printed, approximated = self.fonts.text(value)
        return self.text(printed, x, y, width, size, style=style), approximated

    def fill(self, x: float, y: float, width: float, height: float, gray: int) -> None:
        if not self.measure:
            self.pdf.set_fill_color(gray)
            self.pdf.rect(x, y, width, height, style="F")

    def frame(self, x: float, y: float, width: float, height: float, gray: int) -> None:
        if not self.measure:
            self.pdf.set_draw_color(gray)
            self.pdf.set_line_width(0.2)
            self.pdf.rect(x, y, width, height, round_corners=True, corner_radius=2)

    def rule(self, x1: float, x2: float, y: float, gray: int) -> None:
        if not self.measure:
            self.pdf.set_draw_color(gray)
            self.pdf.set_line_width(0.2)
            self.pdf.line(x1, y, x2, y)
