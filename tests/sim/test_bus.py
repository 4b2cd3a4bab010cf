"""The simulated I2C bus and the ``busio.I2C`` fake, driven by the real Adafruit drivers."""

import errno
import os
import time

import micropython
import pytest

from smartkey.sim.bus import I2C, I2CBus, I2CTarget
from smartkey.sim.ds3231 import DS3231
from smartkey.sim.loader import FirmwareImporter, host_library_dirs
from smartkey.sim.ssd1306 import SSD1306

# The drivers run from their installed sources as on the virtual board: with annotations
# postponed, since they annotate with busio/circuitpython_typing names the host lacks.
_LIBRARIES = ["adafruit_bus_device", "adafruit_register", "adafruit_framebuf"]
_LIBRARIES += ["adafruit_ssd1306", "adafruit_ds3231"]
_DRIVERS = FirmwareImporter(
    search_path=[],
    fakes={"micropython": micropython, "time": time, "os": os},
    host_libraries=host_library_dirs(_LIBRARIES),
    overrides={},
)
i2c_device = _DRIVERS.load("adafruit_bus_device.i2c_device")
adafruit_ssd1306 = _DRIVERS.load("adafruit_ssd1306")
adafruit_ds3231 = _DRIVERS.load("adafruit_ds3231")


class RegisterFile:
    """A minimal register-pointer target that records every transaction it sees."""

    def __init__(self, address: int, size: int = 16) -> None:
        self.address = address
        self.registers = bytearray(range(size))
        self.pointer = 0
        self.log: list[tuple[str, bytes, bool]] = []

    def i2c_write(self, data: bytes, stop: bool) -> None:
        self.log.append(("w", data, stop))
        if data:
            self.pointer = data[0]
            for value in data[1:]:
                self.registers[self.pointer] = value
                self.pointer += 1

    def i2c_read(self, nbytes: int) -> bytes:
        self.log.append(("r", bytes(nbytes), True))
        out = self.registers[self.pointer : self.pointer + nbytes]
        self.pointer += nbytes
        return bytes(out)


@pytest.fixture
def bus() -> I2CBus:
    return I2CBus()


@pytest.fixture
def i2c(bus: I2CBus) -> I2C:
    return I2C(bus, "GP5", "GP4", frequency=400_000)


def test_targets_satisfy_the_protocol() -> None:
    assert isinstance(RegisterFile(0x10), I2CTarget)
    assert isinstance(SSD1306(), I2CTarget)
    assert isinstance(DS3231(lambda: 0.0), I2CTarget)


def test_absent_address_raises_enodev(i2c: I2C) -> None:
    assert i2c.try_lock()
    with pytest.raises(OSError) as write_error:
        i2c.writeto(0x3C, b"\x00\xaf")
    assert write_error.value.errno == errno.ENODEV
    with pytest.raises(OSError) as read_error:
        i2c.readfrom_into(0x68, bytearray(1))
    assert read_error.value.errno == errno.ENODEV
    with pytest.raises(OSError) as both_error:
        i2c.writeto_then_readfrom(0x68, b"\x00", bytearray(7))
    assert both_error.value.errno == errno.ENODEV


def test_bus_device_probe_fails_like_on_the_board(i2c: I2C) -> None:
    with pytest.raises(ValueError, match="No I2C device at address: 0x3c"):
        i2c_device.I2CDevice(i2c, 0x3C)
    # The probe must leave the bus unlocked for the next user.
    assert i2c.try_lock()


def test_bus_device_probe_finds_an_attached_chip(bus: I2CBus, i2c: I2C) -> None:
    bus.attach(RegisterFile(0x3C))
    device = i2c_device.I2CDevice(i2c, 0x3C)
    with device:
        device.write(b"\x02\xaa\xbb")
    assert bus.device(0x3C).registers[2:4] == b"\xaa\xbb"


def test_scan_lists_attached_targets(bus: I2CBus, i2c: I2C) -> None:
    bus.attach(SSD1306())
    bus.attach(DS3231(lambda: 0.0))
    bus.attach(RegisterFile(0x03))  # reserved range: CircuitPython's scan skips it
    assert i2c.try_lock()
    assert i2c.scan() == [0x3C, 0x68]
    assert bus.addresses == [0x03, 0x3C, 0x68]


def test_transfers_require_the_lock(bus: I2CBus, i2c: I2C) -> None:
    bus.attach(RegisterFile(0x10))
    for call in (
        lambda: i2c.scan(),
        lambda: i2c.writeto(0x10, b"\x00"),
        lambda: i2c.readfrom_into(0x10, bytearray(1)),
        lambda: i2c.writeto_then_readfrom(0x10, b"\x00", bytearray(1)),
    ):
        with pytest.raises(RuntimeError, match="Function requires lock"):
            call()


def test_lock_is_not_reentrant(i2c: I2C) -> None:
    assert i2c.try_lock()
    assert not i2c.try_lock()
    i2c.unlock()
    assert i2c.try_lock()


def test_deinit_makes_the_object_unusable(bus: I2CBus) -> None:
    with I2C(bus) as i2c:
        assert i2c.frequency == 100_000
        assert i2c.try_lock()
    for call in (i2c.try_lock, lambda: i2c.writeto(0x10, b""), lambda: i2c.frequency):
        with pytest.raises(ValueError, match="deinitialized"):
            call()
    i2c.deinit()  # a second deinit is harmless


def test_buffer_slices_and_repeated_start(bus: I2CBus, i2c: I2C) -> None:
    target = RegisterFile(0x20)
    bus.attach(target)
    assert i2c.try_lock()
    buffer = bytearray(b"\xee\x04\x11\x22\x33\xee")
    i2c.writeto(0x20, memoryview(buffer)[1:], end=4)
    assert target.registers[4:7] == b"\x11\x22\x33"

    # adafruit_register's pattern: one buffer for both directions, address byte then data.
    shared = bytearray(b"\x04\x00\x00\x00")
    i2c.writeto_then_readfrom(0x20, shared, shared, out_end=1, in_start=1)
    assert shared == b"\x04\x11\x22\x33"
    assert target.log[-2:] == [("w", b"\x04", False), ("r", bytes(3), True)]

    into = bytearray(5)
    i2c.writeto(0x20, b"\x05")
    i2c.readfrom_into(0x20, into, start=1, end=3)
    assert into == b"\x00\x22\x33\x00\x00"
    with pytest.raises(ValueError):
        i2c.readfrom_into(0x20, into, start=2, end=2)


def test_attach_and_detach(bus: I2CBus, i2c: I2C) -> None:
    bus.attach(RegisterFile(0x10))
    with pytest.raises(ValueError, match="already in use"):
        bus.attach(RegisterFile(0x10))
    with pytest.raises(ValueError):
        bus.attach(RegisterFile(0x80))
    bus.detach(0x10)
    assert 0x10 not in bus
    assert i2c.try_lock()
    assert i2c.scan() == []


def test_byte_counters_per_device(bus: I2CBus, i2c: I2C) -> None:
    oled = SSD1306()
    clock = [1_700_000_000.0]
    bus.attach(oled)
    bus.attach(DS3231(lambda: clock[0]))
    display = adafruit_ssd1306.SSD1306_I2C(128, 64, i2c)
    rtc = adafruit_ds3231.DS3231(i2c)
    bus.reset_counters()

    display.show()
    # show(): six one-byte commands as [0x80, cmd] writes, then 0x40 and the whole frame.
    frame = 1 + 128 * 64 // 8
    assert bus.bytes_written == {0x3C: 6 * 2 + frame}
    assert bus.wire_bytes == {0x3C: 6 * (1 + 2) + 1 + frame}

    rtc.datetime = time.struct_time((2024, 5, 17, 12, 0, 0, 4, -1, -1))
    # The 7 time registers with their pointer byte, then two read-modify-writes of one bit
    # (disable_oscillator, lost_power): pointer out, one byte in, pointer and byte out.
    assert bus.bytes_written[0x68] == 8 + 2 * (1 + 2)
    assert bus.bytes_read[0x68] == 2
    assert bus.total_written == 6 * 2 + frame + 8 + 2 * 3

    bus.reset_counters()
    assert bus.total_written == 0
    assert bus.bytes_written == {}


class SleepyChip(RegisterFile):
    """A target that decides its ACK and watches SDA, as the ATECC608 does."""

    def __init__(self, address: int) -> None:
        super().__init__(address)
        self.listening = False
        self.low_runs: list[float] = []

    def i2c_acknowledge(self) -> bool:
        return self.listening

    def sda_low(self, seconds: float) -> None:
        self.low_runs.append(seconds)


def test_an_address_phase_alone_reports_its_low_run_only_when_nacked(bus: I2CBus) -> None:
    # The emulated RP2040's I2C block asks for the ACK before it sends anything else; a NACK
    # ends the transaction there, so its SDA-low run is all the wire saw of it.
    chip = SleepyChip(0x60)
    bus.attach(chip)
    bus.attach(RegisterFile(0x3C))
    bus.frequency = 95_859  # what busio's 100 kHz gives on the RP2040's wire
    assert bus.address_phase(0x00) is False
    assert chip.low_runs == [pytest.approx(8 / 95_859)]  # the ATECC's wake: over 60 µs
    assert bus.address_phase(0x60) is False
    assert chip.low_runs[-1] == pytest.approx(6 / 95_859)  # 0xC0: six low bits, then NACK
    assert bus.address_phase(0x60, read=True) is False
    assert chip.low_runs[-1] == pytest.approx(5 / 95_859)  # 0xC1
    chip.listening = True
    runs = len(chip.low_runs)
    assert bus.address_phase(0x60) is True
    assert bus.address_phase(0x3C) is True
    assert len(chip.low_runs) == runs  # reported with the write or read that follows
    assert chip.log == []  # an address phase delivers nothing
