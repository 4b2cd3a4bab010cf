"""UTC from the DS3231: guarded, set on a second boundary, and trimmed for drift.

A clock that lost power or reads before the firmware's build year gives no time at all, so the
token shows SET TIME rather than a wrong code. The host measures the drift over weeks and trims
it twice: the DS3231's aging register (0.1 ppm a step, ±12.7 ppm, inside the chip), and for
what that cannot reach (cheap modules drift more) a correction in ppm applied here, counted from
the last sync. Both are kept across power cuts: the aging register by the DS3231's battery, the
correction and the sync time in ``nvm`` (bytes 8–15; pin.py owns 0–7).
"""

import time

from micropython import const

from smartkey_fw import BUILD_YEAR

try:
    from typing import Any, Optional
except ImportError:
    pass

OK = const(0)
LOST = const(1)  # oscillator stopped or time before the build year: needs `smartkey time sync`
MISSING = const(2)  # no DS3231 answers on the bus
_NVM = const(8)  # u32 last sync (UTC), i16 correction in 0.01 ppm, u8 check, u8 magic
_MAGIC = const(0x5C)
MAX_CORRECTION = const(32767)  # ±327 ppm, what 16 bits hold: beyond, the module is broken


class Clock:
    def __init__(self, rtc: Any, nvm: Any = None) -> None:
        self.rtc = rtc
        self.nvm = nvm
        self.status = MISSING if rtc is None else OK

    # -- reading -----------------------------------------------------------------------
    def raw(self) -> Optional[int]:
        """The DS3231's own reading (seconds since 1970, UTC), or None if it can't be trusted."""
        if self.rtc is None:
            return None
        try:
            if self.rtc.lost_power:
                self.status = LOST
                return None
            moment = self.rtc.datetime
        except OSError:
            self.status = MISSING
            return None
        if moment.tm_year < BUILD_YEAR:
            self.status = LOST
            return None
        self.status = OK
        # CircuitPython has no time zones: mktime reads the fields as UTC.
        return int(time.mktime(moment))

    def now(self) -> Optional[int]:
        """UTC now, drift correction applied; None when the time cannot be trusted."""
        raw = self.raw()
        if raw is None:
            return None
        synced, centi_ppm = self.trim()
        if centi_ppm and raw > synced:
            # Rounded to whole seconds: the DS3231 has no finer reading to correct.
            return raw - (centi_ppm * (raw - synced) + 50_000_000) // 100_000_000
        return raw

    def trim(self) -> tuple:
        """(last sync time, software correction in 0.01 ppm) from nvm; (0, 0) if never set."""
        nvm = self.nvm
        if nvm is None:
            return (0, 0)
        data = nvm[_NVM : _NVM + 8]
        if data[7] != _MAGIC or data[6] != (sum(data[:6]) & 0xFF):
            return (0, 0)
        synced = (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]
        centi_ppm = (data[4] << 8) | data[5]
        if centi_ppm >= 0x8000:
            centi_ppm -= 0x10000
        return (synced, centi_ppm)

    # -- setting -------------------------------------------------------------------------
    def set(self, utc: int) -> None:
        """Set the DS3231 to ``utc`` now. Writing the seconds register restarts the chip's
        count of the current second, so a host that sends this on a second boundary gets
        sub-second agreement. Clears the oscillator-stop flag; remembers the sync."""
        self.rtc.datetime = time.localtime(utc)
        self._store(utc, self.trim()[1])
        self.status = OK

    def set_trim(self, aging: int, centi_ppm: int) -> None:
        """Program the DS3231's aging offset and the software correction (0.01 ppm)."""
        if not -127 <= aging <= 127:
            raise ValueError("aging must be -127 to 127")
        if not -MAX_CORRECTION <= centi_ppm <= MAX_CORRECTION:
            raise ValueError("correction must be within ±327 ppm")
        self.rtc.calibration = aging
        synced = self.trim()[0] or (self.raw() or 0)
        self._store(synced, centi_ppm)

    def aging(self) -> int:
        return self.rtc.calibration if self.rtc is not None else 0

    def _store(self, synced: int, centi_ppm: int) -> None:
        if self.nvm is None:
            return
        value = centi_ppm & 0xFFFF
        data = bytearray(
            (synced >> 24 & 0xFF, synced >> 16 & 0xFF, synced >> 8 & 0xFF, synced & 0xFF,
             value >> 8, value & 0xFF, 0, _MAGIC)
        )  # fmt: skip
        data[6] = sum(data[:6]) & 0xFF
        self.nvm[_NVM : _NVM + 8] = data
