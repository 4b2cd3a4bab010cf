"""A host for the ATECC608 emulator that follows the datasheet to the letter, for the tests.

It wakes the chip with a write to address 0x00 at 100 kHz, waits tWHI, sends a command packet,
waits the command's maximum execution time, then reads the count byte and the rest in a second
read (as CryptoAuthLib's I2C HAL does). Time is a :class:`Clock` the chip also reads.
"""

from __future__ import annotations

import contextlib
import os
import types

import micropython

from smartkey.sim import atecc608_commands as commands
from smartkey.sim.atecc608 import ATECC608, T_WHI
from smartkey.sim.atecc608_zones import crc_le
from smartkey.sim.bus import I2C, I2CBus
from smartkey.sim.loader import FirmwareImporter, host_library_dirs

ADDRESS = 0x60


class Clock:
    """Simulated seconds, moved only by ``advance`` (and the driver's ``time.sleep``)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


class ChipError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"status 0x{status:02x}")
        self.status = status


def command_packet(opcode: int, param1: int, param2: int = 0, data: bytes = b"") -> bytes:
    """Count, opcode, param1, param2 (LE), data, CRC: what follows word address 0x03."""
    body = bytes((7 + len(data), opcode, param1)) + param2.to_bytes(2, "little") + data
    return body + crc_le(body)


class Host:
    def __init__(self, i2c: I2C, clock: Clock) -> None:
        self.i2c = i2c
        self.clock = clock
        self.i2c.try_lock()

    def wake(self) -> bytes:
        """The wake token, tWHI, then the chip's first four bytes (04 11 33 43 after a wake)."""
        with contextlib.suppress(OSError):  # nothing answers at 0x00: only the low SDA matters
            self.i2c.writeto(0x00, b"\x00")
        self.clock.advance(T_WHI)
        return self.read_packet()

    def write(self, data: bytes) -> None:
        self.i2c.writeto(ADDRESS, data)

    def sleep(self) -> None:
        self.write(b"\x01")

    def idle(self) -> None:
        self.write(b"\x02")

    def send(self, opcode: int, param1: int, param2: int = 0, data: bytes = b"") -> None:
        self.write(b"\x03" + command_packet(opcode, param1, param2, data))

    def read_packet(self) -> bytes:
        count = bytearray(1)
        self.i2c.readfrom_into(ADDRESS, count)
        rest = bytearray(max(count[0] - 1, 1))
        self.i2c.readfrom_into(ADDRESS, rest)
        return bytes(count + rest)

    def command(self, opcode: int, param1: int, param2: int = 0, data: bytes = b"") -> bytes:
        """Send, wait the datasheet's maximum (M0), read; the response's data, or ChipError
        for a status other than success (a one-byte success returns b"\\x00")."""
        self.send(opcode, param1, param2, data)
        self.clock.advance(commands.EXECUTION_MS[0x00][opcode] / 1000)
        packet = self.read_packet()
        assert crc_le(packet[:-2]) == packet[-2:], packet.hex()
        if len(packet) == 4 and packet[1] not in (0x00,):
            raise ChipError(packet[1])
        return packet[1:-2]

    def call(self, opcode: int, param1: int, param2: int = 0, data: bytes = b"") -> bytes:
        """Wake, one command, idle: what a host does so that the watchdog never interrupts
        (the chip must be asleep or idle before)."""
        self.wake()
        try:
            return self.command(opcode, param1, param2, data)
        finally:
            self.idle()


def make_chip(
    *, frequency: int = 100_000, **options: object
) -> tuple[ATECC608, Host, I2CBus, Clock]:
    clock = Clock()
    bus = I2CBus()
    chip = ATECC608(clock, **options)  # type: ignore[arg-type]
    bus.attach(chip)
    return chip, Host(I2C(bus, frequency=frequency), clock), bus, clock


def load_driver(clock: Clock) -> types.ModuleType:
    """``adafruit_atecc`` as installed, unmodified, its ``time.sleep`` moving ``clock``."""
    fake_time = types.ModuleType("time")
    fake_time.sleep = clock.advance  # type: ignore[attr-defined]
    fake_time.monotonic = clock  # type: ignore[attr-defined]
    importer = FirmwareImporter(
        search_path=[],
        fakes={"micropython": micropython, "time": fake_time, "os": os},
        host_libraries=host_library_dirs(
            ["adafruit_bus_device", "adafruit_binascii", "adafruit_atecc"]
        ),
        overrides={},
    )
    return importer.load("adafruit_atecc.adafruit_atecc")
