"""UTC from the DS3231: guarded, set on a second boundary, and trimmed for drift.

A clock that lost power or reads before the firmware's build year gives no time at all, so the
token shows SET TIME rather than a wrong code. The host measures the drift over weeks and trims
it twice: the DS3231's aging register (0.1 ppm a step, ±12.7 ppm, inside the chip), and for
what that cannot reach (cheap modules drift more) a correction in ppm applied here, counted from
the last sync. Both are kept across power cuts: the aging register by the DS3231's battery, the
correction and the sync time in ``nvm`` (bytes 8–15; pin.py owns 0–7).

A host may move the clock a little without a yes on the token (protocol.py), so the token keeps
count, in ``nvm`` (bytes 272–279) so that unplugging does not reset it, of how far it was moved
since the user last confirmed a clock change: ahead, including what a trim that makes the clock
run fast has gained since the sync, and back. The lead ahead is bounded: beyond LEAD_BOUND, the
reading stops gaining from the trim, so no sequence of unconfirmed steps and trims harvests codes
from the future.
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
_LEAD = const(272)  # u16 s ahead, u16 s back unconfirmed, 0, 0, u8 check, u8 magic
_LEAD_MAGIC = const(0x4C)
LEAD_BOUND = const(60)  # s: the most the clock may lead what the user last confirmed
BACK_BOUND = const(2)  # s: backwards, beyond drift correction, is suspicious too


class Clock:
    def __init__(self, rtc: Any, nvm: Any = None) -> None:
        self.rtc = rtc
        self.nvm = nvm
        self.status = MISSING if rtc is None else OK
        self._aging: Optional[int] = None  # the aging register, read once: only set_trim changes it

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
        now = raw
        if centi_ppm and raw > synced:
            # Rounded to whole seconds: the DS3231 has no finer reading to correct.
            now = raw - (centi_ppm * (raw - synced) + 50_000_000) // 100_000_000
        # Past the bound, what the trim gains is taken back: the clock then runs at the chip's
        # own rate until a sync the user confirms.
        excess = self._lead()[0] + self._gained(raw, synced, centi_ppm) - LEAD_BOUND
        return now - excess if excess > 0 else now

    def _gained(self, raw: int, synced: int, centi_ppm: int) -> int:
        """Seconds a trim that makes the clock run fast (aging register or correction, 0.01 ppm
        together) has put it ahead since the sync. The aging register's effect is the chip's
        nominal 0.1 ppm a step."""
        rate = self.aging() * 10 + centi_ppm
        if rate >= 0 or raw <= synced or not synced:
            return 0
        return (-rate * (raw - synced) + 50_000_000) // 100_000_000  # rounded as now() rounds

    def unconfirmed(self) -> tuple:
        """(ahead, back): seconds the clock was moved without a yes on the token since the
        last one; ahead includes what a fast trim has gained since the sync."""
        ahead, back = self._lead()
        raw = self.raw()
        if raw is not None:
            synced, centi_ppm = self.trim()
            ahead = min(LEAD_BOUND, ahead + self._gained(raw, synced, centi_ppm))
        return (ahead, back)

    def _lead(self) -> tuple:
        nvm = self.nvm
        if nvm is None or len(nvm) < _LEAD + 8:
            return (0, 0)
        data = nvm[_LEAD : _LEAD + 8]
        if data == b"\xff" * 8:
            return (0, 0)  # never written: a token from before this record, or a new one
        if data[7] != _LEAD_MAGIC or data[6] != (sum(data[:6]) & 0xFF):
            return (LEAD_BOUND, BACK_BOUND)  # damaged: no unconfirmed change left to spend
        return ((data[0] << 8) | data[1], (data[2] << 8) | data[3])

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
    def set(self, utc: int, ahead: int = 0, back: int = 0) -> None:
        """Set the DS3231 to ``utc`` now. Writing the seconds register restarts the chip's
        count of the current second, so a host that sends this on a second boundary gets
        sub-second agreement. Clears the oscillator-stop flag; remembers the sync, and the
        unconfirmed change (``ahead``, ``back``: 0 after a yes on the token) it leaves."""
        self.rtc.datetime = time.localtime(utc)
        self._store(utc, self.trim()[1])
        self.status = OK
        ahead = min(max(ahead, 0), LEAD_BOUND)
        back = min(max(back, 0), BACK_BOUND)
        nvm = self.nvm
        if nvm is not None and len(nvm) >= _LEAD + 8 and self._lead() != (ahead, back):
            data = bytearray((ahead >> 8, ahead & 0xFF, back >> 8, back & 0xFF, 0, 0, 0, 0))
            data[6] = sum(data[:6]) & 0xFF
            data[7] = _LEAD_MAGIC
            nvm[_LEAD : _LEAD + 8] = data

    def set_trim(self, aging: int, centi_ppm: int) -> None:
        """Program the DS3231's aging offset and the software correction (0.01 ppm)."""
        if not -127 <= aging <= 127:
            raise ValueError("aging must be -127 to 127")
        if not -MAX_CORRECTION <= centi_ppm <= MAX_CORRECTION:
            raise ValueError("correction must be within ±327 ppm")
        self.rtc.calibration = aging
        self._aging = aging
        synced = self.trim()[0] or (self.raw() or 0)
        self._store(synced, centi_ppm)

    def aging(self) -> int:
        if self._aging is None:
            try:
                self._aging = self.rtc.calibration if self.rtc is not None else 0
            except OSError:
                return 0
        return self._aging

    def _store(self, synced: int, centi_ppm: int) -> None:
        if self.nvm is None:
            return
        value = centi_ppm & 0xFFFF
        data = bytearray(
            (synced >> 24 & 0xFF, synced >> 16 & 0xFF, synced >> 8 & 0xFF, synced & 0xFF,
             value >> 8, value & 0xFF, 0, _MAGIC)
        )  # fmt: skip
        data[6] = sum(data[:6]) & 0xFF
        if self.nvm[_NVM : _NVM + 8] != data:  # each write erases the PIN counter's sector
            self.nvm[_NVM : _NVM + 8] = data
