"""Draw the wiring diagrams in docs/img: `python -P docs/wiring.py`.

wiring-pico.png: a Raspberry Pi Pico, the SSD1306 OLED and the DS3231 on I2C0 (SDA = GP4,
SCL = GP5), and the three buttons, with the pins of ``smartkey_fw/profile.py``'s pico profile.
wiring-feather32.png: the Feather RP2040 stack, which needs no wires.

Everything is drawn at twice the size and scaled down, for smooth lines; the font is the one
Pillow bundles, so the pictures come out the same on any machine.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent / "img"
S = 2  # supersampling factor
Point = tuple[float, float]
Colour = tuple[int, int, int]

WHITE: Colour = (255, 255, 255)
INK: Colour = (34, 34, 34)
GREY: Colour = (120, 120, 120)
PCB_GREEN: Colour = (22, 110, 62)
PCB_BLUE: Colour = (28, 72, 150)
PCB_FEATHER: Colour = (30, 30, 36)
GOLD: Colour = (214, 178, 92)
RED: Colour = (215, 38, 38)
BLACK: Colour = (30, 30, 30)
BLUE: Colour = (30, 110, 235)
AMBER: Colour = (236, 158, 0)
GREEN: Colour = (24, 150, 70)
PURPLE: Colour = (140, 70, 195)
TEAL: Colour = (0, 150, 165)

# The Pico's header, top (USB end) to bottom: physical pins 1-20 down the left side, 40-21 down
# the right side.
PICO_LEFT = (
    "GP0 GP1 GND GP2 GP3 GP4 GP5 GND GP6 GP7 GP8 GP9 GND GP10 GP11 GP12 GP13 GND GP14 GP15"
).split()
PICO_RIGHT = (
    "VBUS VSYS GND 3V3_EN 3V3(OUT) ADC_VREF GP28 GND GP27 GP26 RUN GP22 GND GP21 GP20 GP19 "
    "GP18 GND GP17 GP16"
).split()


class Canvas:
    """A Pillow drawing in 1× coordinates, rendered at ``S``× and scaled down on save."""

    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (width * S, height * S), WHITE)
        self.draw = ImageDraw.Draw(self.image)
        self._fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def font(self, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        if size not in self._fonts:
            self._fonts[size] = ImageFont.load_default(size=size * S)
        return self._fonts[size]

    def text(
        self,
        at: Point,
        text: str,
        size: int = 17,
        fill: Colour = INK,
        anchor: str = "lm",
        bold: bool = False,
    ) -> None:
        self.draw.text(
            (at[0] * S, at[1] * S),
            text,
            font=self.font(size),
            fill=fill,
            anchor=anchor,
            stroke_width=S // 2 if bold else 0,
            stroke_fill=fill,
        )

    def text_width(self, text: str, size: int = 17) -> float:
        return self.draw.textlength(text, font=self.font(size)) / S

    def rect(
        self,
        box: tuple[float, float, float, float],
        fill: Colour | None,
        outline: Colour | None = None,
        radius: float = 0,
        width: float = 2,
    ) -> None:
        self.draw.rounded_rectangle(
            [c * S for c in box], radius * S, fill=fill, outline=outline, width=int(width * S)
        )

    def circle(
        self, at: Point, radius: float, fill: Colour | None, outline: Colour | None = None
    ) -> None:
        x, y = at
        box = [(x - radius) * S, (y - radius) * S, (x + radius) * S, (y + radius) * S]
        self.draw.ellipse(box, fill=fill, outline=outline, width=2 * S)

    def line(self, points: Sequence[Point], colour: Colour, width: float) -> None:
        self.draw.line([(x * S, y * S) for x, y in points], colour, int(width * S), joint="curve")

    def wire(self, points: Sequence[Point], colour: Colour) -> None:
        """An insulated wire: a white edge first, so a wire drawn later visibly crosses over."""
        self.line(points, WHITE, 11)
        self.line(points, colour, 5)

    def dot(self, at: Point, colour: Colour) -> None:
        """A joint: wires meeting at a dot are connected; crossing without one, they are not."""
        self.circle(at, 7, colour, WHITE)

    def save(self, path: Path) -> None:
        size = (self.image.width // S, self.image.height // S)
        self.image.resize(size, Image.Resampling.LANCZOS).save(path, optimize=True)
        print("wrote", path)


def pill(canvas: Canvas, at: Point, text: str, colour: Colour, anchor: str) -> None:
    """A used pin's label: white on the colour of its wire."""
    width = canvas.text_width(text, 16) + 12
    x, y = at
    left = x if anchor == "l" else x - width
    canvas.rect((left, y - 11, left + width, y + 11), colour, radius=6)
    canvas.text((left + 6, y), text, 16, WHITE, "lm", bold=True)


# -- the Pico ------------------------------------------------------------------------------------
PICO_BOX = (1000, 170, 1280, 860)
PITCH = 30


def pico_pin(number: int) -> Point:
    """Where a pin's pad is: 1-20 down the left edge, 40-21 down the right."""
    if number <= 20:
        return (1020, 200 + (number - 1) * PITCH)
    return (1260, 200 + (40 - number) * PITCH)


def draw_pico(canvas: Canvas, used: dict[int, tuple[str, Colour]]) -> None:
    left, top, right, bottom = PICO_BOX
    canvas.rect((1105, top - 26, 1175, top + 14), (200, 200, 205), GREY, radius=4)  # USB
    canvas.text((1140, top - 12), "USB", 13, (90, 90, 90), "mm", bold=True)
    canvas.rect(PICO_BOX, PCB_GREEN, radius=10)
    canvas.rect((1112, 450, 1168, 506), (40, 40, 44), radius=3)  # the RP2040
    canvas.text((1140, 478), "RP2040", 11, (200, 200, 200), "mm")
    canvas.text((1140, bottom - 42), "Raspberry Pi Pico / Pico W", 17, WHITE, "mm", bold=True)
    canvas.text((1140, bottom - 20), "top view, USB end up", 13, (190, 220, 200), "mm")
    for number in range(1, 41):
        x, y = pico_pin(number)
        name = PICO_LEFT[number - 1] if number <= 20 else PICO_RIGHT[40 - number]
        on_left = number <= 20
        if number in used:
            colour = used[number][1]
            edge = left if on_left else right
            canvas.line([(edge, y), (x, y)], colour, 5)
            canvas.circle((x, y), 8, colour, GOLD)
        else:
            canvas.circle((x, y), 7, PCB_GREEN, GOLD)
        step = 1 if on_left else -1
        canvas.text((x + step * 14, y), str(number), 11, (160, 200, 175), "lm" if on_left else "rm")
        at = (x + step * 34, y)
        if number in used:
            pill(canvas, at, used[number][0], used[number][1], "l" if on_left else "r")
        else:
            canvas.text(at, name, 15, (225, 240, 230), "lm" if on_left else "rm")


# -- the modules ---------------------------------------------------------------------------------
def header(canvas: Canvas, x: float, pins: Sequence[tuple[str, float, bool]]) -> None:
    """Header pins sticking out of a module's right edge at ``x``: (label, y, connected)."""
    for label, y, connected in pins:
        canvas.rect((x - 2, y - 5, x + 16, y + 5), GOLD, radius=2)
        colour = WHITE if connected else (170, 185, 215)
        canvas.text((x - 12, y), label, 16, colour, "rm", bold=connected)


def draw_oled(canvas: Canvas) -> None:
    canvas.rect((120, 200, 430, 400), PCB_BLUE, radius=8)
    canvas.rect((140, 224, 340, 330), (8, 8, 12), radius=3)
    canvas.text((240, 258), "GitHub: octocat", 14, (170, 225, 255), "mm")
    canvas.text((240, 292), "492 039", 30, (170, 225, 255), "mm", bold=True)
    canvas.text((130, 356), "SSD1306 OLED", 19, WHITE, "lm", bold=True)
    canvas.text((130, 380), "128x64, I2C address 0x3C", 14, (200, 215, 240), "lm")
    header(canvas, 430, [("VCC", 290, True), ("GND", 320, True), ("SDA", 350, True)])
    header(canvas, 430, [("SCL", 380, True)])


def draw_rtc(canvas: Canvas) -> None:
    canvas.rect((120, 445, 430, 645), PCB_BLUE, radius=8)
    canvas.circle((195, 518), 50, (190, 192, 198), (120, 122, 130))  # the coin cell
    canvas.text((195, 510), "CR2032", 15, (70, 70, 80), "mm", bold=True)
    canvas.text((195, 530), "battery", 13, (70, 70, 80), "mm")
    canvas.rect((268, 478, 318, 528), (40, 40, 44), radius=3)
    canvas.text((293, 503), "DS3231", 10, (200, 200, 200), "mm")
    canvas.text((130, 600), "DS3231 RTC", 19, WHITE, "lm", bold=True)
    canvas.text((130, 624), "I2C address 0x68", 14, (200, 215, 240), "lm")
    pins = [("VCC", 470, True), ("SCL", 500, True), ("SDA", 530, True), ("GND", 560, True)]
    header(canvas, 430, [*pins, ("32K", 590, False), ("SQW", 620, False)])
    for y in (590, 620):
        canvas.text((454, y), "n/c", 12, GREY, "lm")


def draw_button(canvas: Canvas, at: Point, name: str, pin: str, colour: Colour) -> None:
    """A 6 mm tactile switch seen from above: legs left (to GND) and right (to the pin)."""
    x, y = at
    canvas.line([(x - 46, y), (x + 46, y)], (150, 150, 150), 5)  # the legs
    canvas.rect((x - 26, y - 26, x + 26, y + 26), (60, 60, 66), radius=4)
    canvas.circle((x, y), 15, colour, (20, 20, 20))
    canvas.text((x, y), name, 17, WHITE, "mm", bold=True)
    canvas.text((x, y - 40), f"button {name} ({pin})", 15, INK, "mm", bold=True)


# -- the pico diagram ----------------------------------------------------------------------------
def pico() -> Canvas:
    canvas = Canvas(1400, 1140)
    canvas.text((40, 42), "smartkey wiring: the pico profile", 30, INK, bold=True)
    canvas.text(
        (40, 80),
        "Raspberry Pi Pico or Pico W, SSD1306 OLED and DS3231 RTC on I2C0, three push buttons",
        17,
        GREY,
    )
    # Every wire, as a path of points; the crossing one (the RTC's SDA over SCL) comes last.
    red: list[Point] = [(1260, 320), (1330, 320), (1330, 130), (470, 130), (470, 290), (446, 290)]
    red_rtc: list[Point] = [(470, 130), (90, 130), (90, 425), (470, 425), (470, 470), (446, 470)]
    wires: list[tuple[list[Point], Colour]] = [
        (red, RED),
        (red_rtc, RED),
        ([(446, 320), (950, 320), (950, 260), (1000, 260)], BLACK),  # OLED GND → pin 3
        ([(446, 560), (1000, 560)], BLACK),  # RTC GND → pin 13
        ([(520, 560), (520, 880), (654, 880)], BLACK),  # buttons → the same GND
        ([(520, 680), (654, 680)], BLACK),
        ([(520, 780), (654, 780)], BLACK),
        ([(446, 350), (1000, 350)], BLUE),  # OLED SDA → GP4
        ([(446, 380), (1000, 380)], AMBER),  # OLED SCL → GP5
        ([(446, 500), (600, 500), (600, 380)], AMBER),  # RTC SCL
        ([(746, 680), (1000, 680)], GREEN),  # A → GP13
        ([(746, 780), (880, 780), (880, 740), (1000, 740)], PURPLE),  # B → GP14
        ([(746, 880), (920, 880), (920, 770), (1000, 770)], TEAL),  # C → GP15
        ([(446, 530), (640, 530), (640, 350)], BLUE),  # RTC SDA, over SCL
    ]
    for points, colour in wires:
        canvas.wire(points, colour)
    draw_oled(canvas)
    draw_rtc(canvas)
    draw_pico(
        canvas,
        {
            3: ("GND", BLACK),
            6: ("GP4 SDA", BLUE),
            7: ("GP5 SCL", AMBER),
            13: ("GND", BLACK),
            17: ("GP13 A", GREEN),
            19: ("GP14 B", PURPLE),
            20: ("GP15 C", TEAL),
            36: ("3V3(OUT)", RED),
        },
    )
    draw_button(canvas, (700, 680), "A", "GP13", GREEN)
    draw_button(canvas, (700, 780), "B", "GP14", PURPLE)
    draw_button(canvas, (700, 880), "C", "GP15", TEAL)
    for at, colour in [
        ((470, 130), RED),
        ((520, 560), BLACK),
        ((520, 680), BLACK),
        ((520, 780), BLACK),
        ((600, 380), AMBER),
        ((640, 350), BLUE),
    ]:
        canvas.dot(at, colour)
    legend(canvas, 930)
    return canvas


def legend(canvas: Canvas, top: float) -> None:
    canvas.line([(40, top), (1360, top)], (220, 220, 220), 2)
    entries = [
        (RED, "3V3: power for both modules (3V3(OUT), pin 36)"),
        (BLACK, "GND: any of the Pico's GND pins"),
        (BLUE, "SDA: I2C0 data, GP4 (pin 6), shared"),
        (AMBER, "SCL: I2C0 clock, GP5 (pin 7), shared"),
        (GREEN, "button A: GP13 (pin 17)"),
        (PURPLE, "button B: GP14 (pin 19)"),
        (TEAL, "button C: GP15 (pin 20)"),
    ]
    for i, (colour, text) in enumerate(entries):
        x = 40 + (i % 2) * 470
        y = top + 30 + (i // 2) * 32
        canvas.line([(x, y), (x + 44, y)], colour, 6)
        canvas.text((x + 56, y), text, 16)
    notes = [
        "A dot joins wires; wires that cross",
        "without a dot are not connected.",
        "Modules order their pins differently:",
        "connect by the printed labels.",
        "No resistors: the firmware turns on",
        "the Pico's pull-ups for the buttons.",
    ]
    for i, text in enumerate(notes):
        canvas.text((990, top + 30 + i * 27), text, 15, GREY)


# -- the Feather stack ---------------------------------------------------------------------------
def feather32() -> Canvas:
    canvas = Canvas(1220, 680)
    canvas.text((40, 42), "smartkey wiring: the feather32 profile", 30, INK, bold=True)
    canvas.text(
        (40, 80),
        "No wires: three boards stack on their headers and share I2C, 3V3 and GND",
        17,
        GREY,
    )
    layers = [
        ("OLED FeatherWing 128x32", "SSD1306 at 0x3C; buttons A = D9, B = D6, C = D5", PCB_FEATHER),
        ("DS3231 Precision RTC FeatherWing", "DS3231 at 0x68, CR1220 coin cell", PCB_FEATHER),
        ("Adafruit Feather RP2040", "USB-C to the computer; CircuitPython 9 or 10", PCB_BLUE),
    ]
    x0, x1 = 120, 760
    for i, (name, detail, colour) in enumerate(layers):
        y = 190 + i * 150
        for pin in range(16 if i < len(layers) - 1 else 0):  # down to the board below
            px = x0 + 40 + pin * ((x1 - x0 - 80) / 15)
            canvas.rect((px - 4, y + 18, px + 4, y + 150 - 18), GOLD, radius=1)
        canvas.rect((x0, y, x1, y + 22), colour, radius=6)
        canvas.text((x1 + 30, y + 2), name, 20, INK, "lm", bold=True)
        canvas.text((x1 + 30, y + 28), detail, 16, GREY, "lm")
    canvas.rect((x0 - 40, 490, x0 + 10, 514), (200, 200, 205), GREY, radius=4)  # USB-C
    canvas.text((x0 - 15, 530), "USB", 14, GREY, "mm")
    screen = [(x0 + 200, 168), (x0 + 440, 168)]
    canvas.line(screen, (8, 8, 12), 12)
    canvas.text((x0 + 320, 150), "screen faces up", 14, GREY, "mm")
    for i, name in enumerate("ABC"):
        bx = x0 + 520 + i * 40
        canvas.rect((bx - 12, 178, bx + 12, 190), (60, 60, 66), radius=2)
        canvas.text((bx, 164), name, 15, INK, "mm", bold=True)
    notes = [
        "Solder stacking headers (long female headers) onto the Feather and the RTC wing, and",
        "plain male headers onto the OLED wing, so the screen and its buttons end up on top.",
        "A FeatherWing Doubler or Tripler works too, side by side. Put SMARTKEY_PROFILE =",
        '"feather32" in settings.toml only if the board is not recognised on its own.',
    ]
    for i, text in enumerate(notes):
        canvas.text((40, 580 + i * 26), text, 16, INK)
    return canvas


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    pico().save(OUT / "wiring-pico.png")
    feather32().save(OUT / "wiring-feather32.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
