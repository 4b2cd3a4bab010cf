"""Command-level emulator of the Microchip ATECC608 secure element on I2C.

Modelled from the ATECC608A/B datasheets (DS40001977, DS40002239) and CryptoAuthLib, the
vendor's host library (``lib/calib``, ``lib/host/atca_host.c``):

- Power states (section 6.1): the chip powers up asleep and only a wake token wakes it: SDA
  held low for tWLO ≥ 60 µs. On a shared bus that is any long enough run of low bits, counted
  at the controller's clock (``I2CBus.sda_low``): a write to address 0x00 at 100 kHz is 80 µs,
  but only 20 µs at 400 kHz. Asleep (or in idle) the chip NACKs its address. After the wake it
  NACKs for tWHI (1.5 ms, times ``time_scale``), then answers its first read with the wake
  status ``04 11 33 43``.
- I2C word addresses (section 6.2): 0x00 reset (the next read starts the output buffer again),
  0x01 sleep (volatile state lost), 0x02 idle (kept), 0x03 command.
- Command packets (section 7.1): count, opcode, param1, param2 (little-endian), data,
  CRC-16 (polynomial 0x8005, bits taken LSB first, little-endian on the wire). A count that
  disagrees with the bytes sent, or a bad CRC, answers status 0xFF and runs nothing.
- While a command runs the chip NACKs; the time it takes is the datasheet's maximum for the
  opcode and the clock divider in ChipMode (``atecc608_commands.EXECUTION_MS``) times
  ``time_scale`` (1.0: the guarantee a firmware must be written for; real parts are faster).
  Each command is logged in ``commands`` with that time, for the bench. adafruit_atecc 1.3.2
  waits less than these (1 ms after its wake pulse; 3 ms for Info, 9 for Nonce, 28 for Write,
  34 for Lock, 22 for Counter, its read retries taking no simulated time): it works on a chip
  at ``time_scale`` 0.45 or less, not at 1.0.
- Responses (section 7.2): count, data, CRC; status packets carry one byte: 0x00 success,
  0x01 CheckMac miscompare, 0x03 parse error, 0x0F execution error, 0x11 after wake, 0xEE
  when the watchdog would expire before the command finished (it is not run), 0xFF CRC or
  count error. Bytes read past the end of the response read 0xFF (SDA left high).
- Watchdog (section 6.1.2, ChipMode bit 2 clear): tWATCHDOG (1.3 s typical) after a wake the
  chip goes to sleep whatever it is doing, losing TempKey, the SHA context, the authorization
  and the output buffer.
- Memory and commands: :mod:`smartkey.sim.atecc608_zones` and
  :mod:`smartkey.sim.atecc608_commands`, which say what is and is not modelled.
- Random numbers come from SHA-256 over ``seed`` and a draw count, so runs reproduce; before the
  configuration zone is locked Random and Nonce return the chip's fixed ``FF FF 00 00`` pattern.

The configuration, data and OTP zones are the chip's nonvolatile state: kept in the object across
:meth:`power_off`/:meth:`power_on`, and in ``path`` when one is given (written on every change,
so a new board on the same drive finds the chip as it was). :meth:`dump` returns all of it, access
policy ignored — what a decapping lab gets out of the die, and nothing less patient does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartkey.sim import atecc608_commands as commands
from smartkey.sim import atecc608_zones as zones

T_WLO = 60e-6
T_WHI = 1.5e-3
T_WATCHDOG = 1.3
WAKE_STATUS = 0x11
WATCHDOG_STATUS = 0xEE
COMM_ERROR = 0xFF
_WORD_RESET, _WORD_SLEEP, _WORD_IDLE, _WORD_COMMAND = 0, 1, 2, 3
_SLEEP, _IDLE, _AWAKE = "sleep", "idle", "awake"
_DUMP_SIZE = zones.CONFIG_SIZE + zones.OTP_SIZE + sum(zones.SLOT_SIZES)
_RNG_STATE = 8  # after the dump in ``path``: how many numbers the RNG has given


def status_packet(status: int) -> bytes:
    packet = bytes((4, status))
    return packet + zones.crc_le(packet)


def response_packet(data: bytes) -> bytes:
    packet = bytes((len(data) + 3,)) + data
    return packet + zones.crc_le(packet)


class ATECC608:
    """An ATECC608 whose time is ``clock()`` (the board's simulated seconds).

    ``serial`` is SN[2:4] + SN[4:8] (6 bytes; SN[0:2] is always 01 23 and SN[8] EE); ``revision``
    the Info Revision bytes (00 00 60 02 for a 608A, 00 00 60 03 for a 608B).
    """

    def __init__(
        self,
        clock: Callable[[], float],
        address: int = 0x60,
        *,
        serial: bytes = bytes.fromhex("703AA642748F"),
        revision: bytes = bytes.fromhex("00006003"),
        seed: int = 0,
        time_scale: float = 1.0,
        path: Path | str | None = None,
    ) -> None:
        if len(serial) != 6 or len(revision) != 4:
            raise ValueError("serial is 6 bytes and revision 4")
        self.address = address
        self._clock = clock
        self.time_scale = time_scale
        self.path = Path(path) if path is not None else None
        config = bytearray(zones.FACTORY_CONFIG)
        config[2:4] = serial[0:2]
        config[zones.SN_HIGH.start : zones.SN_HIGH.start + 4] = serial[2:6]
        config[zones.REVISION] = revision
        self.config = config
        self.otp = bytearray(zones.OTP_SIZE)
        self.slots = [bytearray(size) for size in zones.SLOT_SIZES]
        self._seed = seed
        self._draws = 0
        if self.path is not None and self.path.exists():
            self._restore(self.path.read_bytes())
        self.commands: list[tuple[str, float]] = []  # (command, simulated seconds it took)
        self._mode = _SLEEP
        self._power_on()

    # -- host-side controls --------------------------------------------------------------------

    def power_off(self) -> None:
        """Power cut: everything volatile is gone (the chip comes back asleep)."""
        self._power_on()

    def power_on(self) -> None:
        self._power_on()

    def dump(self) -> bytes:
        """Config, OTP, then the 16 slots in order, whatever their access policy: what an
        attacker with the die under a microscope reads."""
        return bytes(self.config) + bytes(self.otp) + b"".join(bytes(s) for s in self.slots)

    @property
    def awake(self) -> bool:
        self._watchdog()
        return self._mode == _AWAKE

    @property
    def config_locked(self) -> bool:
        return self.config[zones.LOCK_CONFIG] != zones.UNLOCKED

    @property
    def data_locked(self) -> bool:
        return self.config[zones.LOCK_VALUE] != zones.UNLOCKED

    @property
    def serial_number(self) -> bytes:
        """SN[0:9], as the chip uses it in digests."""
        return bytes(self.config[zones.SN_LOW]) + bytes(self.config[zones.SN_HIGH])

    # -- state the commands use ----------------------------------------------------------------

    def counter(self, which: int) -> int:
        at = zones.COUNTERS + 8 * which
        try:
            return zones.decode_counter(self.config[at : at + 8])
        except ValueError as error:
            raise commands.CommandError(commands.EXECUTION_ERROR, str(error)) from None

    def set_counter(self, which: int, value: int) -> None:
        at = zones.COUNTERS + 8 * which
        self.config[at : at + 8] = zones.encode_counter(value)
        self.nonvolatile_changed()

    def count_match(self) -> int | None:
        """The CountMatch limit on Counter[0], when enabled (config byte 18): the first four
        bytes of the slot it names, little-endian (CryptoAuthLib
        ``atcah_encode_counter_match``)."""
        setting = self.config[zones.COUNT_MATCH]
        if not setting & 0x01:
            return None
        return int.from_bytes(self.slots[setting >> 4][0:4], "little")

    def slot_unlocked(self, slot: int) -> bool:
        bits = int.from_bytes(self.config[zones.SLOT_LOCKED : zones.SLOT_LOCKED + 2], "little")
        return bool(bits >> slot & 1)

    def random_bytes(self) -> bytes:
        if not self.config_locked:
            return commands.UNLOCKED_RANDOM
        # The real chip keeps its RNG seed in EEPROM: numbers never repeat across power cycles.
        self._draws += 1
        self.nonvolatile_changed()
        material = self._seed.to_bytes(8, "little", signed=True) + self._draws.to_bytes(8, "little")
        return hashlib.sha256(b"atecc608 rng" + self.serial_number + material).digest()

    def nonvolatile_changed(self) -> None:
        if self.path is not None:
            self.path.write_bytes(self.dump() + self._draws.to_bytes(_RNG_STATE, "little"))

    # -- I2C target ----------------------------------------------------------------------------

    def sda_low(self, seconds: float) -> None:
        """SDA was held low ``seconds`` by some transaction: a wake token if long enough."""
        self._watchdog()
        if self._mode != _AWAKE and seconds >= T_WLO:
            now = self._clock()
            self._mode = _AWAKE
            self._woke_at = now
            self._ready_at = now + T_WHI * self.time_scale
            self._output = status_packet(WAKE_STATUS)
            self._read_at = 0

    def i2c_acknowledge(self) -> bool:
        self._watchdog()
        return self._mode == _AWAKE and self._clock() >= self._ready_at

    def i2c_write(self, data: bytes, stop: bool) -> None:
        if not data:
            return
        word = data[0]
        if word == _WORD_RESET:
            self._read_at = 0
        elif word == _WORD_SLEEP:
            self._sleep()
        elif word == _WORD_IDLE:
            self._mode = _IDLE
        elif word == _WORD_COMMAND:
            self._command(data[1:])
        # Other word addresses are reserved; the chip ignores them.

    def i2c_read(self, nbytes: int) -> bytes:
        out = self._output[self._read_at : self._read_at + nbytes]
        self._read_at += nbytes
        return out + b"\xff" * (nbytes - len(out))

    # -- internals -----------------------------------------------------------------------------

    def _power_on(self) -> None:
        self._mode = _SLEEP
        self._woke_at = 0.0
        self._ready_at = 0.0
        self._output = b""
        self._read_at = 0
        self._lose_volatile()

    def _lose_volatile(self) -> None:
        self.tempkey = commands.TempKey()
        self.sha_context: Any = None
        self.authorized: int | None = None

    def _sleep(self) -> None:
        self._mode = _SLEEP
        self._output = b""
        self._read_at = 0
        self._lose_volatile()

    def _watchdog(self) -> None:
        if self._mode == _AWAKE and self._clock() >= self._woke_at + T_WATCHDOG:
            self._sleep()

    def _command(self, packet: bytes) -> None:
        self._read_at = 0
        if len(packet) < 7 or packet[0] != len(packet) or zones.crc_le(packet[:-2]) != packet[-2:]:
            self._output = status_packet(COMM_ERROR)
            return
        opcode, param1 = packet[1], packet[2]
        param2 = int.from_bytes(packet[3:5], "little")
        data = bytes(packet[5:-2])
        handler = commands.HANDLERS.get(opcode)
        divider = self.config[zones.CHIP_MODE] & 0xF8
        milliseconds = commands.EXECUTION_MS.get(divider, commands.EXECUTION_MS[0]).get(opcode, 5)
        seconds = milliseconds / 1000 * self.time_scale
        now = self._clock()
        if now + seconds >= self._woke_at + T_WATCHDOG:
            self._output = status_packet(WATCHDOG_STATUS)
            return
        self._ready_at = now + seconds
        self.commands.append((commands.NAMES.get(opcode, f"0x{opcode:02x}"), seconds))
        try:
            if handler is None:
                raise commands.CommandError(commands.PARSE_ERROR, "unknown opcode")
            result = handler(self, param1, param2, data)
        except commands.CommandError as error:
            self._output = status_packet(error.status)
            return
        self._output = status_packet(result[0]) if len(result) == 1 else response_packet(result)

    def _restore(self, image: bytes) -> None:
        if len(image) != _DUMP_SIZE + _RNG_STATE:
            raise ValueError(f"{self.path} is not an ATECC608 image ({len(image)} bytes)")
        self._draws = int.from_bytes(image[_DUMP_SIZE:], "little")
        self.config[:] = image[: zones.CONFIG_SIZE]
        at = zones.CONFIG_SIZE
        self.otp[:] = image[at : at + zones.OTP_SIZE]
        at += zones.OTP_SIZE
        for slot, size in zip(self.slots, zones.SLOT_SIZES, strict=True):
            slot[:] = image[at : at + size]
            at += size

    def __repr__(self) -> str:
        locks = f"config {'locked' if self.config_locked else 'unlocked'}, data " + (
            "locked" if self.data_locked else "unlocked"
        )
        return f"<ATECC608 0x{self.address:02x} {self.serial_number.hex()} {locks}>"
