"""Register-level emulator of the Maxim (Analog Devices) DS3231 real-time clock on I2C.

Modelled from the DS3231 datasheet (19-5170):

- Registers 00h–12h (figure 1): BCD seconds, minutes, hours (bit 6 selects 12-hour mode, then
  bit 5 is PM; in 24-hour mode bit 5 is the 20-hour digit), day of week 1–7 (user-defined,
  incremented at midnight), date, month with the century bit (bit 7, toggled when the year
  register rolls from 99 to 00), year 00–99; alarm registers 07h–0Dh (stored; alarm matching
  and A1F/A2F are not modelled); control 0Eh; status 0Fh (OSF, EN32kHz, BSY, A2F, A1F — the
  flags can only be cleared by a write); aging offset 10h (two's complement); temperature
  11h–12h (10-bit two's complement in 0.25 °C steps, read-only).
- The register pointer is set by the first byte of a write, auto-increments and wraps from 12h
  to 00h.
- "The user buffers are synchronized to the internal registers on any START and when the
  register pointer rolls over to zero": the time registers are latched then, so a multi-byte
  read is consistent even across a rollover.
- "The countdown chain is reset whenever the seconds register is written": the next tick comes
  exactly one second after the write. Writing the other time registers keeps the phase.
- Frequency: the oscillator runs ``drift_ppm`` fast; each aging-offset step slows it by about
  0.1 ppm at 25 °C. The chip applies a new aging offset at the next temperature conversion
  (at most 64 s later, or at once when CONV is set); here it applies at once.
- CONV completes immediately: it reads back 0 and BSY stays 0.
- Power-on (and :meth:`DS3231.lose_power`): time 2000-01-01 00:00:00, day 1, control 1Ch,
  status 88h (OSF and EN32kHz set), aging 0. EOSC only stops the oscillator on battery power,
  which this model does not tell apart from main power, so it is stored and has no effect.

Time is kept as a float, ``rtc = base_rtc + (clock() - base_true) * rate``, re-based whenever
the rate or the time changes, so drift accumulates correctly over simulated weeks. Values the
datasheet calls illegal (a 31st of February, hour 25) are normalised into the following days
rather than left undefined. Years run 2000–2199 (century bit set = 21xx); the chip's leap-year
rule is only right up to 2099, and this model uses the Gregorian calendar throughout.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable

_Y2K = 946_684_800  # 2000-01-01T00:00:00Z as a UNIX time
_Y2K_DATE = datetime.date(2000, 1, 1)
_DAY = 86_400
# Times are split into whole seconds after rounding up by a microsecond, so float noise in
# "base + elapsed * rate" never moves a tick that is due exactly now.
_EPSILON = 1e-6

_REGISTERS = 0x13
_TIME_REGISTERS = 7
_ALARMS = 0x07
_CONTROL = 0x0E
_STATUS = 0x0F
_AGING = 0x10
_TEMP_MSB = 0x11
_TEMP_LSB = 0x12

_CONTROL_CONV = 0x20
_CONTROL_POWER_ON = 0x1C  # RS2, RS1, INTCN
_STATUS_OSF = 0x80
_STATUS_EN32KHZ = 0x08
_STATUS_CLEAR_ONLY = 0x83  # OSF, A2F, A1F: a 1 written leaves them as they are
_STATUS_POWER_ON = _STATUS_OSF | _STATUS_EN32KHZ
_HOURS_12 = 0x40
_HOURS_PM = 0x20
_CENTURY = 0x80


def _bcd(value: int) -> int:
    return (value // 10) << 4 | value % 10


def _unbcd(value: int) -> int:
    return (value >> 4) * 10 + (value & 0x0F)


class DS3231:
    """A DS3231 whose crystal is driven by ``clock``, the board's true UTC time in seconds.

    ``utc`` sets the clock as a host would (OSF clear); without it the chip starts as on first
    power-up. ``drift_ppm`` is the crystal's frequency error (positive runs fast);
    ``temperature_c`` is what the temperature registers report (settable at any time).
    """

    def __init__(
        self,
        clock: Callable[[], float],
        address: int = 0x68,
        *,
        utc: float | None = None,
        drift_ppm: float = 0.0,
        temperature_c: float = 25.0,
    ) -> None:
        self.address = address
        self._clock = clock
        self._drift_ppm = float(drift_ppm)
        self.temperature_c = temperature_c
        self._power_on()
        if utc is not None:
            self.set_time(utc)

    def _power_on(self) -> None:
        self._pointer = 0
        self._alarms = bytearray(_CONTROL - _ALARMS)
        self._control = _CONTROL_POWER_ON
        self._status = _STATUS_POWER_ON
        self._aging = 0
        self._hours_12 = False
        self._base_true = self._clock()
        self._base_rtc = float(_Y2K)
        self._dow_offset = 0  # day register = (days since 2000-01-01 + offset) % 7 + 1
        self._rate = self._compute_rate()
        self._user = self._time_registers(self._base_rtc)

    # -- host-side controls ----------------------------------------------------------------

    def now(self) -> float:
        """The RTC's current reading as a UNIX time, with the fraction of the running second."""
        return self._base_rtc + (self._clock() - self._base_true) * self._rate

    def set_time(self, utc: float) -> None:
        """Set the clock to ``utc`` now, as a host would through the driver; clears OSF.

        The day register follows ``adafruit_ds3231`` (``tm_wday + 1``: Monday is 1). The
        fractional part of ``utc`` is the phase of the running second.
        """
        self._rebase(self._clock(), float(utc))
        whole = math.floor(utc + _EPSILON)
        days = (whole - _Y2K) // _DAY
        self._dow_offset = (_weekday(whole) - 1 - days) % 7
        self._status &= ~_STATUS_OSF

    def lose_power(self) -> None:
        """Battery removed with main power off: the oscillator stops and every register comes
        back at its power-on value (2000-01-01 00:00:00, OSF set); the clock runs from there."""
        self._power_on()

    @property
    def lost_power(self) -> bool:
        """The oscillator-stop flag (OSF, status bit 7)."""
        return bool(self._status & _STATUS_OSF)

    @property
    def drift_ppm(self) -> float:
        """Crystal frequency error in ppm; positive runs fast."""
        return self._drift_ppm

    @drift_ppm.setter
    def drift_ppm(self, value: float) -> None:
        self._rebase(self._clock())
        self._drift_ppm = float(value)
        self._rate = self._compute_rate()

    @property
    def aging_offset(self) -> int:
        """The aging offset register as a signed value (−128…127)."""
        return self._aging

    @aging_offset.setter
    def aging_offset(self, value: int) -> None:
        if not -128 <= value <= 127:
            raise ValueError(f"aging offset must be -128..127, not {value}")
        self._write_register(_AGING, value & 0xFF, self._clock())

    @property
    def rate(self) -> float:
        """RTC seconds per true second."""
        return self._rate

    def registers(self) -> bytes:
        """All 19 registers as a read from 00h would return them now (pointer untouched)."""
        user = self._time_registers(self.now())
        return bytes(user) + bytes(self._read_register(r, user) for r in range(7, _REGISTERS))

    # -- I2C target ------------------------------------------------------------------------

    def i2c_write(self, data: bytes, stop: bool) -> None:
        """A write transaction: pointer byte, then registers from the pointer on."""
        true_now = self._clock()
        self._latch(true_now)
        if not data:
            return
        # There is nothing above 12h; this model points such addresses at 00h.
        self._pointer = data[0] if data[0] < _REGISTERS else 0
        pending: bytearray | None = None
        seconds_written = False
        for value in data[1:]:
            if self._pointer < _TIME_REGISTERS:
                if pending is None:
                    pending = bytearray(self._user)
                pending[self._pointer] = value
                seconds_written = seconds_written or self._pointer == 0
            else:
                self._write_register(self._pointer, value, true_now)
            self._pointer += 1
            if self._pointer == _REGISTERS:
                self._pointer = 0
                if pending is not None:
                    self._commit_time(pending, seconds_written, true_now)
                    pending, seconds_written = None, False
                self._latch(true_now)
        if pending is not None:
            self._commit_time(pending, seconds_written, true_now)

    def i2c_read(self, nbytes: int) -> bytes:
        """A read transaction from the current pointer, wrapping 12h → 00h."""
        true_now = self._clock()
        self._latch(true_now)
        out = bytearray(nbytes)
        for i in range(nbytes):
            out[i] = self._read_register(self._pointer, self._user)
            self._pointer += 1
            if self._pointer == _REGISTERS:
                self._pointer = 0
                self._latch(true_now)
        return bytes(out)

    # -- registers -------------------------------------------------------------------------

    def _read_register(self, register: int, user: bytes | bytearray) -> int:
        if register < _TIME_REGISTERS:
            return user[register]
        if register < _CONTROL:
            return self._alarms[register - _ALARMS]
        if register == _CONTROL:
            return self._control
        if register == _STATUS:
            return self._status
        if register == _AGING:
            return self._aging & 0xFF
        quarters = max(-512, min(511, round(self.temperature_c * 4))) & 0x3FF
        return quarters >> 2 if register == _TEMP_MSB else (quarters & 0x03) << 6

    def _write_register(self, register: int, value: int, true_now: float) -> None:
        if _ALARMS <= register < _CONTROL:
            self._alarms[register - _ALARMS] = value
        elif register == _CONTROL:
            # A conversion finishes before anyone can poll it, so CONV reads back 0.
            self._control = value & ~_CONTROL_CONV
        elif register == _STATUS:
            clear_only = self._status & value & _STATUS_CLEAR_ONLY
            self._status = clear_only | (value & _STATUS_EN32KHZ)
        elif register == _AGING:
            self._rebase(true_now)
            self._aging = value - 0x100 if value & 0x80 else value
            self._rate = self._compute_rate()
        # 11h–12h are read-only.

    # -- timekeeping -----------------------------------------------------------------------

    def _compute_rate(self) -> float:
        return 1.0 + (self._drift_ppm - 0.1 * self._aging) / 1e6

    def _rebase(self, true_now: float, rtc: float | None = None) -> None:
        # Start a new segment at true_now: from the reading then, or from a new setting.
        self._base_rtc = self._reading_at(true_now) if rtc is None else rtc
        self._base_true = true_now

    def _reading_at(self, true_now: float) -> float:
        return self._base_rtc + (true_now - self._base_true) * self._rate

    def _latch(self, true_now: float) -> None:
        self._user = self._time_registers(self._reading_at(true_now))

    def _time_registers(self, rtc: float) -> bytearray:
        whole = math.floor(rtc + _EPSILON)
        days, second_of_day = divmod(whole - _Y2K, _DAY)
        date = _Y2K_DATE + datetime.timedelta(days=days)
        hour, rest = divmod(second_of_day, 3600)
        minute, second = divmod(rest, 60)
        if self._hours_12:
            pm = _HOURS_PM if hour >= 12 else 0
            hours = _HOURS_12 | pm | _bcd(hour % 12 or 12)
        else:
            hours = _bcd(hour)
        years = date.year - 2000
        century = _CENTURY if (years // 100) & 1 else 0
        return bytearray(
            (
                _bcd(second),
                _bcd(minute),
                hours,
                (days + self._dow_offset) % 7 + 1,
                _bcd(date.day),
                century | _bcd(date.month),
                _bcd(years % 100),
            )
        )

    def _commit_time(self, registers: bytearray, seconds_written: bool, true_now: float) -> None:
        second = _unbcd(registers[0] & 0x7F)
        minute = _unbcd(registers[1] & 0x7F)
        hours = registers[2]
        self._hours_12 = bool(hours & _HOURS_12)
        if self._hours_12:
            hour = _unbcd(hours & 0x1F) % 12 + (12 if hours & _HOURS_PM else 0)
        else:
            hour = _unbcd(hours & 0x3F)
        day_of_week = registers[3] & 0x07
        day = _unbcd(registers[4] & 0x3F)
        month = min(max(_unbcd(registers[5] & 0x1F), 1), 12)
        year = 2000 + _unbcd(registers[6]) + (100 if registers[5] & _CENTURY else 0)
        date = datetime.date(year, month, 1) + datetime.timedelta(days=day - 1)
        days = (date - _Y2K_DATE).days
        whole = _Y2K + days * _DAY + hour * 3600 + minute * 60 + second
        if seconds_written:
            phase = 0.0
        else:
            current = self._reading_at(true_now)
            phase = max(0.0, current - math.floor(current + _EPSILON))
        self._base_true = true_now
        self._base_rtc = whole + phase
        # The day register keeps its own count: writing the date does not change it.
        self._dow_offset = (day_of_week - 1 - (whole - _Y2K) // _DAY) % 7


def _weekday(unix_seconds: int) -> int:
    """Day register value for ``unix_seconds`` as adafruit_ds3231 writes it (Monday = 1)."""
    return (_Y2K_DATE + datetime.timedelta(days=(unix_seconds - _Y2K) // _DAY)).weekday() + 1
