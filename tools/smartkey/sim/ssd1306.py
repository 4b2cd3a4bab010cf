"""Register-level emulator of the Solomon Systech SSD1306 OLED controller on I2C.

Modelled from the SSD1306 datasheet (rev 1.1, plus the SSD1306B additions the Adafruit driver
uses):

- I2C framing (§8.1.5): each transaction starts with a control byte. Co=0 means the rest of the
  transaction is one stream, commands (D/C#=0, ``0x00``) or GDDRAM data (D/C#=1, ``0x40``);
  Co=1 (``0x80``/``0xC0``) means one byte, then another control byte. A command's argument bytes
  may arrive in later transactions (``adafruit_ssd1306`` sends every byte as its own
  ``0x80 xx`` write), so the command parser keeps its state across transactions.
- GDDRAM is 128 columns × 8 pages of vertical bytes (LSB = top row of the page). Writes follow
  the addressing mode (§10.1.3): page mode (the column wraps from 127 to 0, the page stays),
  horizontal and vertical modes inside the 21h/22h window, wrapping as the datasheet's figures
  show. 00h–1Fh and B0h–B7h move the pointer in any mode.
- Segment remap (A0/A1) acts when data is written, not on the picture already in RAM (§10.1.8),
  so ``ram`` is kept in panel column order: index ``page * 128 + x`` holds what column ``x``
  of the panel shows.
- Row path: panel row → COM pin (panel wiring) → COM number (DAh pin configuration) → row
  counter (C0/C8 scan direction, then the D3h offset, which moves the picture D rows towards
  the first row scanned; A8h multiplex ratio: rows the multiplexer does not scan stay dark) →
  GDDRAM row (40h–7Fh start line).
- 20h takes only A[1:0]: ``adafruit_ssd1306`` asks for page mode with 20h 10h, which selects
  horizontal mode; its per-page B0h–B7h and column commands then place each page.
- The panel is wired for the configuration the Adafruit driver's init sends for its size
  (COM pins 0x12 for 128×64, 0x02 for 128×32, with A1 + C8), so that init shows framebuffer
  pixel (x, y) at panel (x, y). A0 then mirrors horizontally (on the next frame written) and C0
  mirrors vertically at once; a wrong COM pin configuration interleaves rows, as on a real
  module.
- Display off (AE), charge pump off on a panel without external VCC, entire-display-on (A5) and
  inverse (A7) act on what :meth:`SSD1306.pixel` reports. Scrolling and the timing commands are
  decoded (with their argument counts) and otherwise ignored; fade/zoom likewise.

GDDRAM powers up with undefined contents; here it starts cleared so runs are deterministic.
Reads return the status byte (bit 6 set while the display is off).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

COLUMNS = 128
PAGES = 8
RAM_ROWS = PAGES * 8

# Opcodes that take argument bytes, and how many. Everything else is a single byte; unknown
# opcodes are taken as single bytes too, so they cannot desynchronise the parser.
_ARGUMENT_COUNTS: dict[int, int] = {
    0x20: 1,  # memory addressing mode
    0x21: 2,  # column address window
    0x22: 2,  # page address window
    0x23: 1,  # fade out / blinking (SSD1306B)
    0x26: 6,  # right horizontal scroll setup
    0x27: 6,  # left horizontal scroll setup
    0x29: 5,  # vertical and right horizontal scroll setup
    0x2A: 5,  # vertical and left horizontal scroll setup
    0x2C: 6,  # content scroll right (SSD1306B)
    0x2D: 6,  # content scroll left (SSD1306B)
    0x81: 1,  # contrast
    0x8D: 1,  # charge pump
    0xA3: 2,  # vertical scroll area
    0xA8: 1,  # multiplex ratio
    0xAD: 1,  # internal IREF selection (SSD1306B)
    0xD3: 1,  # display offset
    0xD5: 1,  # display clock divide / oscillator frequency
    0xD6: 1,  # zoom in (SSD1306B)
    0xD9: 1,  # pre-charge period
    0xDA: 1,  # COM pins hardware configuration
    0xDB: 1,  # VCOMH deselect level
}

_MODE_HORIZONTAL = 0
_MODE_VERTICAL = 1
_MODE_PAGE = 2

_COM_ALTERNATIVE = 0x10
_COM_LEFT_RIGHT_REMAP = 0x20

# bytes.translate tables turning a GDDRAM byte into 0/1 for one bit: row rendering in C.
_BIT_TABLES = [bytes((v >> bit) & 1 for v in range(256)) for bit in range(8)]
_INVERSE_BIT_TABLES = [bytes(1 - ((v >> bit) & 1) for v in range(256)) for bit in range(8)]

_MASK_LEVELS = bytes([0] + [255] * 255)
_HALF_BLOCKS = {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}

#: Colour of a lit pixel at full contrast in :meth:`SSD1306.to_image`.
LIT_RGB = (224, 238, 255)


def half_blocks(rows: Sequence[Sequence[int]]) -> str:
    """Pixel rows (0 or 1 each) in Unicode half blocks, two rows per line, no trailing newline."""
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        lines.append("".join(_HALF_BLOCKS[pair] for pair in zip(top, bottom, strict=True)))
    return "\n".join(lines)


def _com_of_pin(pin: int, pin_config: int) -> int:
    """The COM output on row pin ``pin`` for a DAh configuration (§10.1.18)."""
    # Alternative configuration: pins alternate between the lower and the upper 32 COMs.
    alternative = pin // 2 + (RAM_ROWS // 2) * (pin & 1)
    com = alternative if pin_config & _COM_ALTERNATIVE else pin
    if pin_config & _COM_LEFT_RIGHT_REMAP:
        com ^= RAM_ROWS // 2
    return com


class SSD1306:
    """An SSD1306 wired to a ``width`` × ``height`` panel, answering at ``address``.

    ``external_vcc`` says whether the module supplies the panel voltage itself; when it does not
    (the usual breakout), the panel stays dark until the charge pump is enabled (8Dh 14h).
    """

    def __init__(
        self,
        width: int = 128,
        height: int = 64,
        address: int = 0x3C,
        *,
        external_vcc: bool = False,
    ) -> None:
        if not 1 <= width <= COLUMNS:
            raise ValueError(f"width must be 1-{COLUMNS}, not {width}")
        if height not in (16, 24, 32, 40, 48, 56, 64):
            raise ValueError(f"height must be a multiple of 8 from 16 to 64, not {height}")
        self.width = width
        self.height = height
        self.address = address
        self.external_vcc = external_vcc
        # Narrow panels sit on the middle segments; the Adafruit driver centres its columns.
        self._x0 = (COLUMNS - width) // 2
        self._panel_pins = self._wire_panel()
        self.ram = bytearray(COLUMNS * PAGES)
        self.data_bytes = 0  # GDDRAM bytes received
        self.commands = 0  # complete commands decoded, arguments included in one
        self.reset()

    def _wire_panel(self) -> list[int]:
        # Panel row y sits on the pin that carries COM (height-1-y) in the configuration the
        # module is designed for, which with C8 scans it as row counter y.
        native = 0x02 if self.width > 2 * self.height else 0x12
        pin_for_com = {_com_of_pin(p, native): p for p in range(RAM_ROWS)}
        return [pin_for_com[self.height - 1 - y] for y in range(self.height)]

    def reset_counters(self) -> None:
        """Zero ``data_bytes`` and ``commands``."""
        self.data_bytes = 0
        self.commands = 0

    def reset(self) -> None:
        """Hardware reset (RES# pulse): registers to their datasheet reset values.

        GDDRAM is not cleared by a reset on the chip, and is not here either.
        """
        self.is_on = False
        self.contrast = 0x7F
        self.entire_on = False
        self.inverted = False
        self.addressing_mode = _MODE_PAGE
        self.column_window = (0, COLUMNS - 1)
        self.page_window = (0, PAGES - 1)
        self.start_line = 0
        self.segment_remap = False
        self.com_scan_reversed = False
        self.mux_ratio = RAM_ROWS
        self.display_offset = 0
        self.com_pins = 0x12
        self.charge_pump = False
        self.scrolling = False
        self._column = 0
        self._page = 0
        self._page_mode_column = 0
        self._pending: int | None = None
        self._arguments: list[int] = []

    # -- I2C target ------------------------------------------------------------------------

    def i2c_write(self, data: bytes, stop: bool) -> None:
        """Decode one write transaction: control bytes, then commands or GDDRAM data."""
        view = memoryview(data)
        i = 0
        n = len(data)
        while i < n:
            control = data[i]
            i += 1
            if control & 0x80:
                # Co=1: exactly one byte under this control byte, then a new control byte.
                if i >= n:
                    break
                if control & 0x40:
                    self._write_ram(view[i : i + 1])
                else:
                    self._command_byte(data[i])
                i += 1
            else:
                if control & 0x40:
                    self._write_ram(view[i:])
                else:
                    for byte in view[i:]:
                        self._command_byte(byte)
                break

    def i2c_read(self, nbytes: int) -> bytes:
        """Status byte reads: D6 is set while the display is off."""
        return bytes([0x00 if self.is_on else 0x40]) * nbytes

    # -- command decoder -------------------------------------------------------------------

    def _command_byte(self, byte: int) -> None:
        if self._pending is not None:
            self._arguments.append(byte)
            if len(self._arguments) == _ARGUMENT_COUNTS[self._pending]:
                opcode, self._pending = self._pending, None
                self._execute(opcode, self._arguments)
                self._arguments = []
            return
        if byte in _ARGUMENT_COUNTS:
            self._pending = byte
            return
        self._execute(byte, [])

    def _execute(self, opcode: int, args: list[int]) -> None:
        self.commands += 1
        if opcode <= 0x0F:
            self._page_mode_column = (self._page_mode_column & 0x70) | opcode
            self._column = self._page_mode_column
        elif opcode <= 0x1F:
            self._page_mode_column = ((opcode & 0x07) << 4) | (self._page_mode_column & 0x0F)
            self._column = self._page_mode_column
        elif opcode == 0x20:
            if args[0] & 0x03 != 0x03:  # 11b is an invalid entry: the mode is kept
                self.addressing_mode = args[0] & 0x03
        elif opcode == 0x21:
            self.column_window = (args[0] & 0x7F, args[1] & 0x7F)
            self._column = self.column_window[0]
        elif opcode == 0x22:
            self.page_window = (args[0] & 0x07, args[1] & 0x07)
            self._page = self.page_window[0]
        elif opcode == 0x2E:
            self.scrolling = False
        elif opcode == 0x2F:
            self.scrolling = True
        elif 0x40 <= opcode <= 0x7F:
            self.start_line = opcode & 0x3F
        elif opcode == 0x81:
            self.contrast = args[0]
        elif opcode == 0x8D:
            self.charge_pump = bool(args[0] & 0x04)
        elif opcode in (0xA0, 0xA1):
            self.segment_remap = bool(opcode & 1)
        elif opcode in (0xA4, 0xA5):
            self.entire_on = bool(opcode & 1)
        elif opcode in (0xA6, 0xA7):
            self.inverted = bool(opcode & 1)
        elif opcode == 0xA8:
            if args[0] & 0x3F >= 15:  # 0–14 are invalid entries
                self.mux_ratio = (args[0] & 0x3F) + 1
        elif opcode in (0xAE, 0xAF):
            self.is_on = bool(opcode & 1)
        elif 0xB0 <= opcode <= 0xB7:
            self._page = opcode & 0x07
        elif 0xC0 <= opcode <= 0xCF:
            self.com_scan_reversed = bool(opcode & 0x08)
        elif opcode == 0xD3:
            self.display_offset = args[0] & 0x3F
        elif opcode == 0xDA:
            self.com_pins = args[0]
        # Timing, scroll setup, IREF, fade, zoom, NOP and unknown opcodes change nothing shown.

    # -- GDDRAM writes ---------------------------------------------------------------------

    def _write_ram(self, data: memoryview) -> None:
        self.data_bytes += len(data)
        if self.addressing_mode == _MODE_HORIZONTAL:
            self._write_horizontal(data)
        elif self.addressing_mode == _MODE_VERTICAL:
            self._write_vertical(data)
        else:
            self._write_page_mode(data)

    def _store_run(self, page: int, column: int, chunk: memoryview) -> None:
        # Columns column..column+len-1 of one page, through the segment remap.
        base = page * COLUMNS
        if self.segment_remap:
            self.ram[base + column : base + column + len(chunk)] = chunk
        else:
            end = base + COLUMNS - column
            self.ram[end - len(chunk) : end] = bytes(chunk)[::-1]

    def _write_horizontal(self, data: memoryview) -> None:
        col_start, col_end = self.column_window
        page_start, page_end = self.page_window
        column, page = self._column, self._page
        i, n = 0, len(data)
        while i < n:
            # The chip compares the pointer with the window end for equality and wraps a 7-bit
            # counter, so a pointer beyond the end runs to 127 and round to the end.
            span = ((col_end - column) & 0x7F) + 1
            run = min(span, COLUMNS - column, n - i)
            self._store_run(page, column, data[i : i + run])
            i += run
            if run == span:
                column = col_start
                page = page_start if page == page_end else (page + 1) & 0x07
            else:
                column = (column + run) & 0x7F
        self._column, self._page = column, page

    def _write_vertical(self, data: memoryview) -> None:
        col_start, col_end = self.column_window
        page_start, page_end = self.page_window
        column, page = self._column, self._page
        i, n = 0, len(data)
        while i < n:
            span = ((page_end - page) & 0x07) + 1
            run = min(span, PAGES - page, n - i)
            x = column if self.segment_remap else COLUMNS - 1 - column
            start = page * COLUMNS + x
            self.ram[start : start + run * COLUMNS : COLUMNS] = data[i : i + run]
            i += run
            if run == span:
                page = page_start
                column = col_start if column == col_end else (column + 1) & 0x7F
            else:
                page = (page + run) & 0x07
        self._column, self._page = column, page

    def _write_page_mode(self, data: memoryview) -> None:
        column, page = self._column, self._page
        i, n = 0, len(data)
        while i < n:
            run = min(COLUMNS - column, n - i)
            self._store_run(page, column, data[i : i + run])
            i += run
            # Past the last column the pointer wraps to column 0 of the same page.
            column = (column + run) & 0x7F
        self._column = column

    # -- what the viewer sees --------------------------------------------------------------

    @property
    def lit(self) -> bool:
        """True if the panel is driven at all (display on and panel voltage present)."""
        return self.is_on and (self.charge_pump or self.external_vcc)

    def ram_row(self, y: int) -> int | None:
        """The GDDRAM row (0–63) panel row ``y`` shows, or None if the multiplexer skips it."""
        com = _com_of_pin(self._panel_pins[y], self.com_pins)
        mux = self.mux_ratio
        logical = (mux - 1 - com) % RAM_ROWS if self.com_scan_reversed else com
        counter = (logical + self.display_offset) % RAM_ROWS
        if counter >= mux:
            return None
        return (counter + self.start_line) % RAM_ROWS

    def pixel(self, x: int, y: int) -> int:
        """1 if panel pixel (x, y) is lit as a viewer sees it, else 0."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise IndexError(f"pixel ({x}, {y}) outside {self.width}x{self.height} panel")
        if not self.lit:
            return 0
        row = self.ram_row(y)
        if row is None:
            return 0
        if self.entire_on:
            return 1
        bit = (self.ram[(row >> 3) * COLUMNS + self._x0 + x] >> (row & 7)) & 1
        return bit ^ self.inverted

    def frame(self) -> list[bytes]:
        """The panel as ``height`` rows of ``width`` bytes, each 0 or 1 (``frame()[y][x]``)."""
        blank = bytes(self.width)
        if not self.lit:
            return [blank] * self.height
        full = b"\x01" * self.width
        tables = _INVERSE_BIT_TABLES if self.inverted else _BIT_TABLES
        rows = []
        for y in range(self.height):
            row = self.ram_row(y)
            if row is None:
                rows.append(blank)
            elif self.entire_on:
                rows.append(full)
            else:
                start = (row >> 3) * COLUMNS + self._x0
                rows.append(bytes(self.ram[start : start + self.width]).translate(tables[row & 7]))
        return rows

    def to_text(self) -> str:
        """The panel in Unicode half blocks, two pixel rows per line, no trailing newline."""
        return half_blocks(self.frame())

    @property
    def lit_colour(self) -> tuple[int, int, int]:
        """RGB of a lit pixel in :meth:`to_image` at the current contrast.

        Brightness runs from a quarter of :data:`LIT_RGB` at contrast 0 (an OLED at minimum
        contrast is dim, not dark) to all of it at 255.
        """
        level = 0.25 + 0.75 * self.contrast / 255
        return (
            round(LIT_RGB[0] * level),
            round(LIT_RGB[1] * level),
            round(LIT_RGB[2] * level),
        )

    def to_image(self, scale: int = 4) -> Image.Image:
        """The panel as an RGB image, ``scale`` screen pixels per panel pixel.

        At scale 3 and above a one-pixel black gap separates panel pixels, like a real panel's
        pixel pitch.
        """
        from PIL import Image, ImageChops

        if scale < 1:
            raise ValueError(f"scale must be >= 1, not {scale}")
        size = (self.width * scale, self.height * scale)
        levels = b"".join(self.frame()).translate(_MASK_LEVELS)
        mask = Image.frombytes("L", (self.width, self.height), levels)
        mask = mask.resize(size, Image.Resampling.NEAREST)
        if scale >= 3:
            cell_row = (b"\xff" * (scale - 1) + b"\x00") * self.width
            pattern = (cell_row * (scale - 1) + bytes(size[0])) * self.height
            mask = ImageChops.multiply(mask, Image.frombytes("L", size, pattern))
        image = Image.new("RGB", size)
        image.paste(self.lit_colour, (0, 0, *size), mask)
        return image

    def save_png(self, path: str | Path, scale: int = 4) -> None:
        """Write :meth:`to_image` to ``path`` as PNG."""
        self.to_image(scale).save(path, format="PNG")
