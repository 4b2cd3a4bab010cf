"""Keeping a token's clock right for years: measure, sync on a second boundary, trim drift.

The host's clock is the reference (keep it synced with NTP). The DS3231 counts whole seconds, so
the offset is measured at the moment its second turns over (the token replies at that edge),
and the clock is set by a request that arrives just as the host's second begins. Each sync is
remembered per token (by its device id); from the offsets found at later syncs the drift is
estimated in ppm and trimmed: the DS3231's aging register as far as it reaches (0.1 ppm a step,
±12.7 ppm), the rest by a correction the firmware applies.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from smartkey.device import CONFIRM_TIMEOUT, DEVICE_ID, DeviceError, Token, field, optional

AGING_PPM = 0.1  # DS3231 datasheet: about 0.1 ppm per aging step at 25 °C
AGING_LIMIT = 127
MIN_INTERVAL = 3600.0  # syncs closer than this say nothing useful about drift
MEASUREMENT_ERROR = 0.05  # seconds: what one offset measurement may be off by
WARN_OFFSET = 15.0  # seconds: codes start failing at servers around here
# What a DS3231 can count (2000 to 2099, as seconds since 1970), its aging register (a signed
# byte) and the firmware's correction (16 bits of 0.01 ppm) hold: a reading outside is no reading.
_UTC = range(946684800, 4102444800)
_AGING = range(-128, 128)
_CORRECTION = range(-32768, 32768)


class ClockNotSet(ValueError):
    """The token's clock lost power (or was never set): only a sync helps."""


@dataclass
class HostClock:
    """Where the host gets the time: the system clock, or a virtual board's in tests."""

    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Reading:
    host: float  # host UTC when the token's second turned over
    raw: int  # the DS3231's reading that began then
    clock: int | None  # the token's corrected time (what its codes use)
    offset: float  # raw - host: positive when the DS3231 is ahead
    latency: float  # one-way, estimated from a round trip
    aging: int
    correction: int  # 0.01 ppm
    synced: int | None


def measure(token: Token, host: HostClock | None = None) -> Reading:
    host = host or HostClock()
    started = host.now()
    token.request("time")
    latency = (host.now() - started) / 2
    reply = token.request("time", timeout=3.0, edge=True)
    edge = host.now() - latency
    raw = optional(reply, "raw", int, _UTC)
    if raw is None:
        status = field(reply, "clock_status", str)
        if status not in ("not-set", "missing"):
            raise DeviceError("bad-reply", "the token sent no clock reading, and no reason")
        raise ClockNotSet(f"the token's clock is {status}: run `smartkey time sync`")
    return Reading(
        host=edge,
        raw=raw,
        clock=optional(reply, "clock", int, _UTC),
        offset=raw - edge,
        latency=latency,
        aging=field(reply, "aging", int, _AGING),
        correction=field(reply, "correction", int, _CORRECTION),
        synced=optional(reply, "synced", int, _UTC),
    )


def set_clock(token: Token, host: HostClock | None = None) -> float:
    """Set the token to the host's UTC on a second boundary; returns the second sent.

    A large or backward jump needs a yes on the token first (``prepare``); the precise set
    follows within a minute of that."""
    host = host or HostClock()
    started = host.now()
    token.request("time")
    latency = (host.now() - started) / 2
    # The time it will set, as near as known now: the token judges the jump by it.
    token.request("set_time", CONFIRM_TIMEOUT, utc=round(host.now()), prepare=True)
    target = math.floor(host.now()) + 1
    if target - latency - host.now() < 0.2:
        target += 1
    host.sleep(target - latency - host.now())
    token.request("set_time", utc=target)
    return target


@dataclass
class Sync:
    at: float  # host UTC of the sync
    offset_before: float | None  # the DS3231's offset before setting it (None: it was not set)
    offset_after: float  # and right after
    aging: int  # the aging offset in force since the previous sync
    correction: int


class History:
    """The syncs of one token, in the host's config directory."""

    def __init__(self, device_id: str, directory: Path | None = None) -> None:
        if not DEVICE_ID.fullmatch(device_id):
            raise ValueError("the token sent an odd device id; it is used as a file name")
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        self.path = (directory or Path(base) / "smartkey" / "clock") / f"{device_id}.json"
        self.syncs: list[Sync] = []
        if self.path.exists():
            try:
                self.syncs = [Sync(**item) for item in json.loads(self.path.read_text())]
            except (ValueError, TypeError) as error:
                raise ValueError(
                    f"{self.path} is damaged ({error}); delete it to start over"
                ) from None

    def add(self, sync: Sync) -> None:
        self.syncs.append(sync)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps([asdict(s) for s in self.syncs], indent=1))
        temporary.replace(self.path)

    def drift(self) -> tuple[float, float] | None:
        """(the DS3231's own drift in ppm, untrimmed, its uncertainty in ppm), or None.

        Each interval between syncs gives the drift under the aging in force then; intervals
        are weighted by length, since the measurement error shrinks with time."""
        estimates = []
        for earlier, later in zip(self.syncs, self.syncs[1:], strict=False):
            span = later.at - earlier.at
            if span < MIN_INTERVAL or later.offset_before is None:
                continue  # too short to tell, or the clock lost power in between
            measured = (later.offset_before - earlier.offset_after) / span * 1e6
            estimates.append((measured + AGING_PPM * later.aging, span))
        if not estimates:
            return None
        total = sum(span for _, span in estimates)
        ppm = sum(value * span for value, span in estimates) / total
        return ppm, 2 * MEASUREMENT_ERROR / total * 1e6


def trim_for(drift_ppm: float) -> tuple[int, int]:
    """(aging register value, software correction in 0.01 ppm) that cancel ``drift_ppm``."""
    aging = max(-AGING_LIMIT, min(AGING_LIMIT, round(drift_ppm / AGING_PPM)))
    return aging, round((drift_ppm - AGING_PPM * aging) * 100)


def days_until(offset: float, residual_ppm: float) -> float | None:
    """Days until the clock is WARN_OFFSET seconds off, drifting ``residual_ppm``."""
    if residual_ppm <= 0:
        return None
    return (WARN_OFFSET - abs(offset)) / (residual_ppm * 1e-6) / 86400


@dataclass
class SyncResult:
    before: Reading | None  # None when the clock had lost power
    after: Reading
    drift: tuple[float, float] | None
    trim: tuple[int, int] | None


def sync(token: Token, host: HostClock | None = None, history: History | None = None) -> SyncResult:
    """Set the clock, record the sync, and trim the drift once there is enough history."""
    host = host or HostClock()
    history = history or History(token.device_id())
    try:
        before: Reading | None = measure(token, host)
    except ClockNotSet:
        before = None
    set_clock(token, host)
    after = measure(token, host)
    history.add(
        Sync(
            host.now(),
            None if before is None else before.offset,
            after.offset,
            after.aging,
            after.correction,
        )
    )
    drift = history.drift()
    trim = None
    if drift is not None:
        trim = trim_for(drift[0])
        token.request("set_trim", aging=trim[0], correction=trim[1])
    return SyncResult(before, after, drift, trim)


def status(token: Token, host: HostClock | None = None) -> dict[str, Any]:
    reading = measure(token, host)
    history = History(token.device_id())
    return {"reading": reading, "drift": history.drift(), "syncs": len(history.syncs)}
