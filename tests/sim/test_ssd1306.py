"""The SSD1306 emulator decoding what the real adafruit_ssd1306 driver sends."""

import os
import time
from pathlib import Path

import micropython
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from smartkey.sim.bus import I2C, I2CBus
from smartkey.sim.loader import FirmwareImporter, host_library_dirs
from smartkey.sim.ssd1306 import LIT_RGB, SSD1306

# The drivers run from their installed sources as on the virtual board: with annotations
# postponed, since they annotate with busio/circuitpython_typing names the host lacks.
_DRIVERS = FirmwareImporter(
    search_path=[],
    fakes={"micropython": micropython, "time": time, "os": os},
    host_libraries=host_library_dirs(
        ["adafruit_bus_device", "adafruit_ssd1306", "adafruit_framebuf"]
    ),
    overrides={},
)
adafruit_ssd1306 = _DRIVERS.load("adafruit_ssd1306")

SIZES = [(128, 64), (128, 32)]


def make_display(width: int = 128, height: int = 64, **options: bool):
    """A bus with an emulated panel and the real driver initialised on it."""
    bus = I2CBus()
    oled = SSD1306(width, height)
    bus.attach(oled)
    driver = adafruit_ssd1306.SSD1306_I2C(width, height, I2C(bus), **options)
    return bus, oled, driver


def send_data(driver, data: bytes) -> None:
    """A GDDRAM data stream in one transaction (control byte 0x40), as the driver frames it."""
    with driver.i2c_device:
        driver.i2c_device.write(bytes([0x40]) + data)


def send_commands(driver, *commands: int) -> None:
    for command in commands:
        driver.write_cmd(command)


def lit(oled: SSD1306) -> set[tuple[int, int]]:
    return {(x, y) for y, row in enumerate(oled.frame()) for x, value in enumerate(row) if value}


def test_driver_init_configures_the_panel() -> None:
    _, oled, _ = make_display()
    assert oled.is_on and oled.charge_pump and oled.lit
    assert oled.contrast == 0xFF
    assert (oled.segment_remap, oled.com_scan_reversed) == (True, True)
    assert (oled.mux_ratio, oled.com_pins, oled.addressing_mode) == (64, 0x12, 0)
    assert not lit(oled)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pixels_land_where_the_datasheet_says(width: int, height: int) -> None:
    _, oled, driver = make_display(width, height)
    points = {(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1), (5, 10)}
    for x, y in points:
        driver.pixel(x, y, 1)
    driver.fill_rect(40, 8, 3, 9, 1)
    driver.show()
    rect = {(x, y) for x in range(40, 43) for y in range(8, 17)}
    assert lit(oled) == points | rect
    for x, y in points | rect:
        # GDDRAM: page y // 8, column x, bit y % 8 (LSB at the top of the page).
        assert oled.ram[(y // 8) * 128 + x] >> (y % 8) & 1
        assert oled.pixel(x, y) == 1
    assert oled.ram[: width * height // 8] == driver.buffer[1:]


def test_a_128x32_panel_shows_pages_0_to_3() -> None:
    _, oled, driver = make_display(128, 32)
    assert [oled.ram_row(y) for y in range(32)] == list(range(32))
    # Fill pages 4-7 behind the driver's back: nothing of it may show.
    send_commands(driver, 0x21, 0, 127, 0x22, 4, 7)
    send_data(driver, b"\xff" * 512)
    assert not lit(oled)
    send_commands(driver, 0x22, 3, 3)
    send_data(driver, b"\x80" * 128)
    assert lit(oled) == {(x, 31) for x in range(128)}


@settings(max_examples=40, deadline=None)
@given(
    size=st.sampled_from(SIZES),
    rects=st.lists(
        st.tuples(
            st.integers(-10, 130),
            st.integers(-10, 70),
            st.integers(0, 60),
            st.integers(0, 40),
            st.integers(0, 1),
        ),
        max_size=6,
    ),
)
def test_random_rectangles_match_a_reference_framebuffer(size, rects) -> None:
    width, height = size
    _, oled, driver = make_display(width, height)
    reference = [[0] * width for _ in range(height)]
    for x, y, w, h, colour in rects:
        driver.fill_rect(x, y, w, h, colour)
        for yy in range(max(y, 0), min(y + h, height)):
            for xx in range(max(x, 0), min(x + w, width)):
                reference[yy][xx] = colour
    driver.show()
    assert [list(row) for row in oled.frame()] == reference


def test_invert_contrast_and_power() -> None:
    _, oled, driver = make_display()
    driver.pixel(3, 4, 1)
    driver.show()
    driver.invert(True)
    assert oled.inverted
    assert oled.pixel(3, 4) == 0 and oled.pixel(0, 0) == 1
    driver.invert(False)
    assert oled.pixel(3, 4) == 1 and oled.pixel(0, 0) == 0

    driver.contrast(0x20)  # opcode and argument in two separate transactions
    assert oled.contrast == 0x20

    driver.poweroff()
    assert not oled.is_on and not lit(oled)
    assert driver.i2c_device.i2c.try_lock()
    status = bytearray(1)
    driver.i2c_device.i2c.readfrom_into(0x3C, status)
    driver.i2c_device.i2c.unlock()
    assert status[0] & 0x40  # D6: display off
    driver.poweron()
    assert lit(oled) == {(3, 4)}


def test_entire_display_on_ignores_ram() -> None:
    _, oled, driver = make_display()
    driver.write_cmd(0xA5)
    assert len(lit(oled)) == 128 * 64
    driver.write_cmd(0xA4)
    assert not lit(oled)


def test_charge_pump_off_leaves_the_panel_dark() -> None:
    _, oled, driver = make_display()
    driver.fill(1)
    driver.show()
    send_commands(driver, 0x8D, 0x10)
    assert not lit(oled)
    send_commands(driver, 0x8D, 0x14)
    assert len(lit(oled)) == 128 * 64


def test_rotation_com_now_segments_on_next_frame() -> None:
    _, oled, driver = make_display()
    driver.pixel(10, 3, 1)
    driver.show()
    driver.rotate(False)  # C0 + A0
    # COM scan direction acts on the picture at once; segment remap only on new data.
    assert lit(oled) == {(10, 60)}
    driver.show()
    assert lit(oled) == {(117, 60)}


@pytest.mark.parametrize(
    ("mode", "order"),
    [
        (0x00, lambda col, page: (page, col)),  # horizontal: columns first
        (0x01, lambda col, page: (col, page)),  # vertical: pages first
    ],
)
def test_partial_update_stays_in_its_window_and_wraps(mode, order) -> None:
    _, oled, driver = make_display()
    driver.fill(0)
    driver.show()
    send_commands(driver, 0x20, mode, 0x21, 10, 19, 0x22, 2, 3)
    payload = bytes(range(1, 26))  # 20 bytes fill the window, 5 wrap to its start
    send_data(driver, payload)

    cells = sorted(((c, p) for c in range(10, 20) for p in range(2, 4)), key=lambda k: order(*k))
    expected = bytearray(1024)
    for value, (col, page) in zip(payload, cells + cells, strict=False):
        expected[page * 128 + col] = value
    assert oled.ram == expected


def test_page_addressing_option_of_the_driver() -> None:
    # The driver sends 20h 10h for it; only A[1:0] count, so the chip is in horizontal mode and
    # each page is placed by B0h+page and the column commands. It starts every page at column
    # 0x10 * (width // 32) + width % 32: the centred columns of a 64-wide panel.
    _, oled, driver = make_display(64, 48, page_addressing=True)
    assert oled.addressing_mode == 0
    driver.fill_rect(0, 0, 64, 48, 0)
    driver.fill_rect(2, 5, 7, 30, 1)
    driver.pixel(63, 47, 1)
    driver.show()
    expected = {(x, y) for x in range(2, 9) for y in range(5, 35)} | {(63, 47)}
    assert lit(oled) == expected


def test_page_addressing_option_on_a_128_column_panel() -> None:
    # There the start column is 64, so the second half of each page runs past column 127 and,
    # in horizontal mode, on into the next page.
    _, oled, driver = make_display(128, 64, page_addressing=True)
    driver.pixel(0, 0, 1)
    driver.pixel(100, 9, 1)
    driver.show()
    assert lit(oled) == {(64, 0), (36, 17)}


def test_page_mode_wraps_the_column_within_the_page() -> None:
    _, oled, driver = make_display()
    send_commands(driver, 0x20, 0x02, 0xB3, 0x0E, 0x17)  # page 3, column 0x7E
    send_data(driver, bytes([1, 2, 4, 8]))
    assert oled.ram[3 * 128 + 126 : 3 * 128 + 128] == bytes([1, 2])
    assert oled.ram[3 * 128 : 3 * 128 + 2] == bytes([4, 8])
    assert sum(oled.ram) == 15


def test_command_stream_and_single_byte_controls() -> None:
    bus, oled, _ = make_display()
    # A command stream with an unknown opcode (0xFF), a scroll setup whose arguments look like
    # commands (0xAE would be display off), then contrast.
    bus.write(0x3C, bytes([0x00, 0xFF, 0x26, 0x00, 0xAE, 0x00, 0xAE, 0x00, 0xFF, 0x81, 0x42]))
    assert oled.is_on and oled.contrast == 0x42
    # Co=1 pairs: a command, a single data byte, a command, in one transaction.
    bus.write(0x3C, bytes([0x80, 0x21, 0x80, 0x05, 0x80, 0x05, 0xC0, 0x0F, 0x80, 0xA7]))
    assert oled.ram[5] == 0x0F and oled.inverted
    # An argument may come in a later transaction, even under another control byte.
    bus.write(0x3C, bytes([0x00, 0x81]))
    bus.write(0x3C, bytes([0x80, 0x10]))
    assert oled.contrast == 0x10


def test_start_line_offset_and_com_pin_configuration() -> None:
    _, oled, driver = make_display()
    driver.hline(0, 2, 128, 1)
    driver.show()
    driver.write_cmd(0x40 | 2)  # start line 2: RAM row 2 at the top
    assert lit(oled) == {(x, 0) for x in range(128)}
    driver.write_cmd(0x40)
    send_commands(driver, 0xD3, 1)  # offset 1: one row towards the first scanned row (top)
    assert lit(oled) == {(x, 1) for x in range(128)}
    send_commands(driver, 0xC0)  # scanning from the bottom now: flipped, and offset downwards
    assert lit(oled) == {(x, 62) for x in range(128)}
    send_commands(driver, 0xC8)
    send_commands(driver, 0xD3, 0)
    # Sequential COM pins on a panel wired for the alternative layout interleave its rows.
    send_commands(driver, 0xDA, 0x02)
    assert lit(oled) == {(x, 1) for x in range(128)}
    send_commands(driver, 0xDA, 0x12)
    assert lit(oled) == {(x, 2) for x in range(128)}


def test_multiplex_ratio_limits_the_scanned_rows() -> None:
    _, oled, driver = make_display()
    driver.fill(1)
    driver.show()
    send_commands(driver, 0xA8, 31)
    # With C8 the 32 scanned rows are COM31..COM0, rows 32-63 of this panel.
    assert lit(oled) == {(x, y) for x in range(128) for y in range(32, 64)}


def test_to_text_uses_half_blocks() -> None:
    _, oled, driver = make_display(128, 32)
    driver.pixel(0, 0, 1)
    driver.pixel(1, 1, 1)
    driver.pixel(2, 0, 1)
    driver.pixel(2, 1, 1)
    driver.pixel(127, 31, 1)
    driver.show()
    lines = oled.to_text().split("\n")
    assert len(lines) == 16 and all(len(line) == 128 for line in lines)
    assert lines[0][:4] == "▀▄█ "
    assert lines[15][-1] == "▄"
    assert set("".join(lines[1:15])) == {" "}


def test_save_png_draws_lit_pixels_in_the_contrast_colour(tmp_path: Path) -> None:
    _, oled, driver = make_display()
    driver.pixel(7, 9, 1)
    driver.show()
    path = tmp_path / "oled.png"
    oled.save_png(path, scale=4)
    with Image.open(path) as image:
        assert image.size == (512, 256)
        rgb = image.convert("RGB")
        assert rgb.getpixel((7 * 4 + 1, 9 * 4 + 1)) == LIT_RGB
        assert rgb.getpixel((7 * 4 + 3, 9 * 4 + 3)) == (0, 0, 0)  # gap between pixels
        assert rgb.getpixel((8 * 4 + 1, 9 * 4 + 1)) == (0, 0, 0)

    driver.contrast(0)
    dim = oled.to_image(scale=2).getpixel((7 * 2, 9 * 2))
    assert dim == oled.lit_colour
    assert all(0 < d < full for d, full in zip(dim, LIT_RGB, strict=True))


def test_byte_counters_for_a_full_frame() -> None:
    bus, oled, driver = make_display()
    bus.reset_counters()
    oled.reset_counters()
    driver.show()
    # Six [0x80, byte] command writes (21h, 0, 127, 22h, 0, 7), then 0x40 and 128 x 8 bytes.
    window_commands = 6 * 2
    frame = 1 + 128 * 64 // 8
    assert bus.bytes_written[0x3C] == window_commands + frame
    assert oled.data_bytes == 128 * 64 // 8
    assert oled.commands == 2
