"""The DS3231 emulator read and set through the real adafruit_ds3231 driver."""

import calendar
import datetime
import os
import time

import micropython
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartkey.sim.bus import I2C, I2CBus
from smartkey.sim.ds3231 import DS3231
from smartkey.sim.loader import FirmwareImporter, host_library_dirs

# The drivers run from their installed sources as on the virtual board: with annotations
# postponed, since they annotate with busio/circuitpython_typing names the host lacks.
_DRIVERS = FirmwareImporter(
    search_path=[],
    fakes={"micropython": micropython, "time": time, "os": os},
    host_libraries=host_library_dirs(
        ["adafruit_bus_device", "adafruit_register", "adafruit_ds3231"]
    ),
    overrides={},
)
adafruit_ds3231 = _DRIVERS.load("adafruit_ds3231")

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC, a Tuesday
DAY = 86_400


class Clock:
    """The board's true time; ``step`` is how far it moves on every reading (0: frozen)."""

    def __init__(self, t: float = 1000.0, step: float = 0.0) -> None:
        self.t = t
        self.step = step

    def __call__(self) -> float:
        now = self.t
        self.t += self.step
        return now


def make_rtc(clock: Clock, **options):
    bus = I2CBus()
    chip = DS3231(clock, **options)
    bus.attach(chip)
    i2c = I2C(bus)
    return chip, adafruit_ds3231.DS3231(i2c), i2c


def struct(unix: float) -> time.struct_time:
    return time.gmtime(int(unix))


def fields(value: time.struct_time) -> tuple[int, ...]:
    return tuple(value)[:7]


def read_registers(i2c: I2C, start: int, count: int) -> bytes:
    buffer = bytearray(count)
    assert i2c.try_lock()
    try:
        i2c.writeto_then_readfrom(0x68, bytes([start]), buffer)
    finally:
        i2c.unlock()
    return bytes(buffer)


def write_registers(i2c: I2C, start: int, *values: int) -> None:
    assert i2c.try_lock()
    try:
        i2c.writeto(0x68, bytes([start, *values]))
    finally:
        i2c.unlock()


def test_set_and_read_through_the_driver() -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock)
    rtc.datetime = struct(T0)
    assert fields(rtc.datetime) == fields(struct(T0))
    assert not rtc.lost_power and not chip.lost_power
    assert chip.now() == T0
    clock.t += 3600.25
    assert fields(rtc.datetime) == fields(struct(T0 + 3600))
    assert chip.now() == pytest.approx(T0 + 3600.25)


@settings(max_examples=150, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2099, 12, 31, 23, 59)
    ),
    seconds=st.integers(min_value=0, max_value=3 * DAY),
    fraction=st.floats(min_value=0, max_value=0.999),
)
def test_any_datetime_of_the_century_round_trips(
    moment: datetime.datetime, seconds: int, fraction: float
) -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock)
    unix = calendar.timegm(moment.timetuple())
    rtc.datetime = struct(unix)
    assert fields(rtc.datetime) == fields(struct(unix))
    clock.t += seconds + fraction
    assert fields(rtc.datetime) == fields(struct(unix + seconds))
    assert chip.now() == pytest.approx(unix + seconds + fraction, abs=1e-6)


def test_first_power_up_and_power_loss() -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock)
    assert rtc.lost_power
    assert fields(rtc.datetime)[:6] == (2000, 1, 1, 0, 0, 0)

    rtc.datetime = struct(T0)
    assert not rtc.lost_power
    clock.t += 50
    chip.lose_power()
    assert rtc.lost_power and chip.lost_power
    clock.t += 61
    assert fields(rtc.datetime)[:6] == (2000, 1, 1, 0, 1, 1)
    rtc.datetime = struct(T0)
    assert not chip.lost_power


def test_set_time_like_a_host() -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock)
    chip.set_time(T0 + 0.5)
    assert not rtc.lost_power
    assert fields(rtc.datetime) == fields(struct(T0))
    assert rtc.datetime.tm_wday == 1  # Tuesday, as the driver numbers days
    clock.t += 0.5
    assert rtc.datetime.tm_sec == struct(T0 + 1).tm_sec


def test_osf_can_only_be_cleared() -> None:
    chip, rtc, _ = make_rtc(Clock(), utc=T0)
    rtc.lost_power = True
    assert not chip.lost_power


def test_drift_of_20_ppm_over_30_days() -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock, utc=T0, drift_ppm=20.0)
    clock.t += 30 * DAY
    # 30 days x 86 400 s x 20e-6 = 51.84 s fast.
    assert chip.now() - (T0 + 30 * DAY) == pytest.approx(51.84, abs=1e-4)
    assert fields(rtc.datetime) == fields(struct(T0 + 30 * DAY + 51.84))


def test_changing_drift_keeps_the_time_already_gained() -> None:
    clock = Clock()
    chip = DS3231(clock, utc=T0, drift_ppm=10.0)
    clock.t += 10 * DAY
    chip.drift_ppm = -10.0
    clock.t += 10 * DAY
    assert chip.now() == pytest.approx(T0 + 20 * DAY, abs=1e-4)


@pytest.mark.parametrize("offset", [-128, -50, 1, 50, 127])
def test_aging_offset_trims_0_1_ppm_per_step(offset: int) -> None:
    clock = Clock()
    chip, rtc, _ = make_rtc(clock, utc=T0, drift_ppm=3.0)
    rtc.calibration = offset  # also forces a temperature conversion, which must finish
    assert rtc.calibration == offset and chip.aging_offset == offset
    clock.t += 1e6
    expected_ppm = 3.0 - 0.1 * offset
    assert chip.now() - (T0 + 1e6) == pytest.approx(expected_ppm, abs=1e-5)


def test_writing_seconds_restarts_the_countdown_chain() -> None:
    clock = Clock(t=500.0)
    chip, _, i2c = make_rtc(clock, utc=T0 + 0.7)
    clock.t = 500.2  # the RTC now reads T0 + 0.9
    write_registers(i2c, 0x00, 0x30)  # seconds = 30
    written = T0 - struct(T0).tm_sec + 30
    assert chip.now() == written
    clock.t = 501.199
    assert read_registers(i2c, 0x00, 1) == b"\x30"
    clock.t = 501.2  # exactly one second after the write
    assert read_registers(i2c, 0x00, 1) == b"\x31"


def test_writing_minutes_keeps_the_phase() -> None:
    clock = Clock(t=500.0)
    chip, _, i2c = make_rtc(clock, utc=T0 + 0.7)
    write_registers(i2c, 0x01, 0x05)
    assert chip.now() % 1 == pytest.approx(0.7, abs=1e-6)
    assert struct(chip.now()).tm_min == 5


@pytest.mark.parametrize("phase", [0.9990, 0.9994, 0.9997, 0.9999])
def test_multi_byte_read_is_consistent_across_a_rollover(phase: float) -> None:
    # The clock moves 0.1 ms every time anything looks at it, so a reading that was not
    # latched once per START would mix fields from both sides of midnight.
    clock = Clock(step=0.0001)
    new_year = calendar.timegm((2024, 1, 1, 0, 0, 0))
    chip = DS3231(clock, utc=new_year - 1 + phase)
    bus = I2CBus()
    bus.attach(chip)
    rtc = adafruit_ds3231.DS3231(I2C(bus))
    seen = set()
    for _ in range(20):
        value = fields(rtc.datetime)[:6]
        assert value in {(2023, 12, 31, 23, 59, 59), (2024, 1, 1, 0, 0, 0)}
        seen.add(value)
    assert (2024, 1, 1, 0, 0, 0) in seen


def test_pointer_wraps_and_relatches_at_zero() -> None:
    clock = Clock()
    chip, _, i2c = make_rtc(clock, utc=T0)
    first = read_registers(i2c, 0x00, 0x13)
    assert first == chip.registers()
    clock.t += 5
    again = read_registers(i2c, 0x10, 0x13 + 3)
    assert again[3:] == chip.registers()  # 10h-12h, then 00h on with a fresh latch
    assert again[3] == (first[0] + 5)  # 20 -> 25 seconds, BCD without a carry


def test_hours_register_12_and_24_hour_modes() -> None:
    clock = Clock()
    chip, _, i2c = make_rtc(clock, utc=calendar.timegm((2024, 3, 5, 13, 5, 0)))
    assert read_registers(i2c, 0x02, 1) == b"\x13"
    write_registers(i2c, 0x02, 0x40 | 0x20 | 0x01)  # 12-hour mode, 1 PM
    assert read_registers(i2c, 0x02, 1) == bytes([0x61])
    assert struct(chip.now()).tm_hour == 13
    write_registers(i2c, 0x02, 0x40 | 0x12)  # 12 AM: midnight
    assert struct(chip.now()).tm_hour == 0
    assert read_registers(i2c, 0x02, 1) == bytes([0x52])
    write_registers(i2c, 0x02, 0x23)  # back to 24-hour mode, 23 h (20-hour bit + 3)
    assert struct(chip.now()).tm_hour == 23
    assert read_registers(i2c, 0x02, 1) == b"\x23"


def test_century_bit_and_leap_day() -> None:
    clock = Clock()
    _, _, i2c = make_rtc(clock, utc=calendar.timegm((2099, 12, 31, 23, 59, 59)))
    assert read_registers(i2c, 0x04, 3) == bytes([0x31, 0x12, 0x99])
    clock.t += 1
    assert read_registers(i2c, 0x00, 7)[4:] == bytes([0x01, 0x81, 0x00])  # 2100, century set
    write_registers(i2c, 0x04, 0x28, 0x02, 0x24)  # 28 February 2024
    write_registers(i2c, 0x00, 0x59, 0x59, 0x23)
    clock.t += 1
    assert read_registers(i2c, 0x04, 3) == bytes([0x29, 0x02, 0x24])


def test_day_of_week_counts_on_its_own() -> None:
    clock = Clock()
    _, _, i2c = make_rtc(clock, utc=calendar.timegm((2024, 3, 5, 23, 59, 59)))
    write_registers(i2c, 0x03, 7)
    clock.t += 1  # midnight: 7 rolls over to 1
    assert read_registers(i2c, 0x03, 1) == b"\x01"
    write_registers(i2c, 0x04, 0x15)  # a new date leaves the day register alone
    assert read_registers(i2c, 0x03, 2) == bytes([0x01, 0x15])


def test_temperature_and_conversion() -> None:
    chip, rtc, i2c = make_rtc(Clock(), utc=T0)
    assert rtc.temperature == 25.0
    chip.temperature_c = -12.75
    assert rtc.temperature == -12.75
    assert read_registers(i2c, 0x11, 2) == bytes([0xF3, 0x40])
    chip.temperature_c = 31.25
    assert rtc.force_temperature_conversion() == 31.25
    assert read_registers(i2c, 0x0E, 2) == bytes([0x1C, 0x08])  # CONV and BSY read back 0


def test_alarms_and_control_are_stored() -> None:
    _, rtc, i2c = make_rtc(Clock(), utc=T0)
    rtc.alarm1 = (time.struct_time((2024, 1, 17, 6, 30, 15, 0, -1, -1)), "monthly")
    alarm, frequency = rtc.alarm1
    assert (alarm.tm_mday, alarm.tm_hour, alarm.tm_min, alarm.tm_sec) == (17, 6, 30, 15)
    assert frequency == "monthly"
    rtc.alarm1_interrupt = True
    assert read_registers(i2c, 0x0E, 1) == bytes([0x1D])
