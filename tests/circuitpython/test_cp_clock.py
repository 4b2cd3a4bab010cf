"""The clock's arithmetic on CircuitPython's core: drift correction over the 32-bit range of
seconds, where a 31-bit small int overflows into a big one, and the trim kept in nvm, against
the same code on CPython."""

import os
import time

import pytest
from cp_runner import batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

from smartkey_fw.clock import Clock

cp = core_fixture()
BATCH = batched(5)
UTC_MIN, UTC_MAX = 1_672_531_200, 2**31 - 1  # from the build year to the 32-bit limit

# The unix core's time has no struct_time (a board's has, and adafruit_ds3231 returns one):
# the clock module gets the core's localtime/mktime behind one with tm_year.
CLOCK = """
import time
from smartkey_fw import clock


class Moment:
    def __init__(self, fields):
        self.fields = tuple(fields)
        self.tm_year = self.fields[0]


class Time:
    def localtime(self, utc):
        return Moment(time.localtime(utc))

    def mktime(self, moment):
        return time.mktime(moment.fields)


class RTC:
    lost_power = False
    calibration = 0

    def __init__(self):
        self.datetime = None


clock.time = Time()
out = []
for synced, aging, centi_ppm, raw in INPUT:
    rtc = RTC()
    c = clock.Clock(rtc, bytearray(16))
    c.set(synced)
    trim = attempt(c.set_trim, aging, centi_ppm)
    rtc.datetime = Time().localtime(raw)
    out.append([trim[0], c.trim(), c.now(), rtc.calibration])
done(out)
"""


class RTC:
    lost_power = False
    calibration = 0
    datetime = None


def on_cpython(synced, aging, centi_ppm, raw):
    rtc = RTC()
    clock = Clock(rtc, bytearray(16))
    clock.set(synced)
    try:
        clock.set_trim(aging, centi_ppm)
        outcome = "ok"
    except ValueError:
        outcome = "error"
    rtc.datetime = time.gmtime(raw)
    return [outcome, list(clock.trim()), clock.now(), rtc.calibration]


@pytest.fixture(scope="module")
def utc():
    """CPython's mktime reads local time; the board's clock is UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@BATCH
@given(
    cases=st.lists(
        st.tuples(
            st.integers(min_value=UTC_MIN, max_value=UTC_MAX),
            st.integers(min_value=-130, max_value=130),
            st.one_of(
                st.integers(min_value=-33_000, max_value=33_000),
                st.sampled_from([-32767, 32767, 0, 1, -1]),
            ),
            st.integers(min_value=UTC_MIN, max_value=UTC_MAX),
        ),
        min_size=150,
        max_size=150,
    )
)
def test_drift_correction_and_trim_match_cpython(cp, utc, cases):
    got = cp.run(CLOCK, [list(case) for case in cases])
    for case, result in zip(cases, got, strict=True):
        assert result == on_cpython(*case), case
