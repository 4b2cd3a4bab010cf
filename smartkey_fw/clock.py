"""UTC from the DS3231, guarded: a clock that lost power or reads before the firmware's build
year gives no time at all, so the token shows SET TIME rather than a wrong code."""

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


class Clock:
    def __init__(self, rtc: Any) -> None:
        self.rtc = rtc
        self.status = MISSING if rtc is None else OK

    def now(self) -> Optional[int]:
        """Seconds since 1970 (UTC), or None when the time cannot be trusted."""
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
