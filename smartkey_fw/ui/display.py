"""Send only what changed on the OLED, on top of adafruit_ssd1306.

A full frame is 1,037 bytes on the I2C bus; a countdown bar that moves by a few pixels is one
page. The frame last sent is kept (``width * height / 8`` bytes) and each flush writes, per 8-row
page, only the span of columns that differs, through the driver's own command and data paths.
"""

from micropython import const

try:
    from typing import Any
except ImportError:
    pass

_SET_COL_ADDR = const(0x21)
_SET_PAGE_ADDR = const(0x22)
_DATA = const(0x40)  # control byte: what follows is display RAM


class PartialDisplay:
    def __init__(self, display: Any) -> None:
        self.display = display
        self.width = display.width
        self.pages = display.height // 8
        self.buf = display.buf  # the driver's frame buffer: draw here
        self._sent = bytearray(len(self.buf))
        self._out = bytearray(self.width + 1)
        self._out[0] = _DATA
        self._full = True  # the panel's RAM is unknown until the first full frame

    def flush(self) -> int:
        """Bring the panel up to date; returns the number of pages written."""
        if self._full:
            self.display.show()
            self._sent[:] = self.buf
            self._full = False
            return self.pages
        written = 0
        width = self.width
        buf = self.buf
        sent = self._sent
        for page in range(self.pages):
            base = page * width
            first = -1
            last = -1
            for x in range(width):
                if buf[base + x] != sent[base + x]:
                    if first < 0:
                        first = x
                    last = x
            if first >= 0:
                self._write(page, first, last)
                sent[base + first : base + last + 1] = buf[base + first : base + last + 1]
                written += 1
        return written

    def _write(self, page: int, first: int, last: int) -> None:
        display = self.display
        offset = (128 - self.width) // 2  # narrow panels are centred, as the driver does
        for command in (_SET_COL_ADDR, first + offset, last + offset, _SET_PAGE_ADDR, page, page):
            display.write_cmd(command)
        n = last - first + 1
        base = page * self.width + first
        out = self._out
        out[1 : n + 1] = self.buf[base : base + n]
        with display.i2c_device:
            display.i2c_device.write(out, end=n + 1)

    def invalidate(self) -> None:
        """Send a full frame next time (after the panel was reset or powered off)."""
        self._full = True
