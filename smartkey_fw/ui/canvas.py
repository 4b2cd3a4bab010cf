"""Drawing into the SSD1306 frame buffer.

Works on the driver's own buffer (vertical bytes: bit ``y % 8`` of byte ``(y // 8) * width + x``)
so nothing is copied; ``PartialDisplay`` then finds what changed and sends only that.
"""

from smartkey_fw.ui import font

try:
    from typing import Any
except ImportError:
    pass


class Canvas:
    """``buf`` is the display's frame buffer memoryview (``width * height // 8`` bytes)."""

    # The last text that did not fit where a screen drew it ("" if none did): screens are laid
    # out to fit both panels, and the tests render every one of them and check this.
    cut = ""

    def __init__(self, buf: Any, width: int, height: int) -> None:
        self.buf = buf
        self.width = width
        self.height = height

    def clear(self) -> None:
        buf = self.buf
        for i in range(len(buf)):
            buf[i] = 0

    def fill_rect(self, x: int, y: int, w: int, h: int, color: int = 1) -> None:
        x0 = max(x, 0)
        x1 = min(x + w, self.width)
        y0 = max(y, 0)
        y1 = min(y + h, self.height)
        buf = self.buf
        width = self.width
        for yy in range(y0, y1):
            base = (yy >> 3) * width
            bit = 1 << (yy & 7)
            for xx in range(x0, x1):
                if color:
                    buf[base + xx] |= bit
                else:
                    buf[base + xx] &= ~bit & 0xFF

    @staticmethod
    def text_width(text: str, scale: int = 1) -> int:
        return (len(text) * font.ADVANCE - 1) * scale if text else 0

    def text(self, x: int, y: int, text: str, scale: int = 1, color: int = 1) -> int:
        """Draw ``text`` with its top-left corner at (x, y) in ``color`` (0 clears pixels, for
        text on a lit bar); returns the x after it. What does not fit is left out, and noted
        in ``Canvas.cut``."""
        bottom = y + (8 if _descends(text) else font.HEIGHT) * scale
        if x < 0 or y < 0 or x + self.text_width(text, scale) > self.width or bottom > self.height:
            Canvas.cut = text
        glyphs = font.GLYPHS
        for ch in text:
            if x >= self.width:
                break
            start = font.glyph_offset(ch)
            if scale == 1 and not y & 7:
                self._blit_column_bytes(x, y >> 3, glyphs, start, color)
            else:
                for col in range(font.WIDTH):
                    bits = glyphs[start + col]
                    row = 0
                    while bits:
                        if bits & 1:
                            self.fill_rect(x + col * scale, y + row * scale, scale, scale, color)
                        bits >>= 1
                        row += 1
            x += font.ADVANCE * scale
        return x

    def _blit_column_bytes(self, x: int, page: int, glyphs: bytes, start: int, color: int) -> None:
        # Page-aligned 1× glyphs are the common case (every line of small text): a byte copy.
        base = page * self.width
        buf = self.buf
        for col in range(font.WIDTH):
            xx = x + col
            if 0 <= xx < self.width:
                if color:
                    buf[base + xx] |= glyphs[start + col]
                else:
                    buf[base + xx] &= ~glyphs[start + col] & 0xFF


def _descends(text: str) -> bool:
    return any(ch in "gjpqy" for ch in text)
