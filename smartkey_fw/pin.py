"""PIN policy: the wrong-PIN counter, the growing delay, and when to wipe.

The counter lives in ``microcontroller.nvm`` (passed in), not in the vault's files: it must be
writable even when the flash belongs to the host, and it is written *before* a PIN is checked,
so cutting the power during a check never gives an extra try. It is stored twice, each copy with
its complement, and the larger valid count wins.
"""

from micropython import const

try:
    from typing import Any
except ImportError:
    pass

MIN_LENGTH = const(6)
MAX_LENGTH = const(12)
DEFAULT_TRIES = const(10)
_FREE_TRIES = const(2)  # wrong PINs before the delays start
_MAX_DELAY = const(300)
_MAGIC = const(0xA5)
_SLOTS = (0, 4)  # two copies of (magic, failures, ~failures, magic) at the start of nvm


def valid(pin: str) -> bool:
    return MIN_LENGTH <= len(pin) <= MAX_LENGTH and all("0" <= ch <= "9" for ch in pin)


def shortest_new() -> int:
    """The fewest digits a new PIN may have: SMARTKEY_PIN_MIN_LENGTH (6-12; the README's
    threat table says what each length buys). A PIN set before it was raised still unlocks."""
    from smartkey_fw import settings

    return settings.number("PIN_MIN_LENGTH", MIN_LENGTH, MIN_LENGTH, MAX_LENGTH)


class PinGuard:
    def __init__(self, nvm: Any, max_tries: int = DEFAULT_TRIES) -> None:
        self.nvm = nvm
        self.max_tries = max_tries
        # What an unreadable counter counts as. On an RP2040 a write to nvm erases its flash
        # sector first, so a power cut at the wrong moment leaves no valid copy: with a vault
        # to protect, that must not give the tries back (lock.start sets this).
        self.if_unreadable = 0

    @property
    def failures(self) -> int:
        count = -1
        for at in _SLOTS:
            magic, value, check, magic2 = self.nvm[at : at + 4]
            if magic == _MAGIC and magic2 == _MAGIC and value ^ check == 0xFF:
                count = max(count, value)
        return self.if_unreadable if count < 0 else count

    def _store(self, value: int) -> None:
        value = min(value, 255)
        copy = bytes((_MAGIC, value, value ^ 0xFF, _MAGIC))
        if self.nvm[0:8] == copy + copy:
            return  # each nvm write erases flash: none when nothing changes
        self.nvm[0:8] = copy + copy  # both copies in one write

    @property
    def tries_left(self) -> int:
        return max(0, self.max_tries - self.failures)

    def delay(self) -> int:
        """Seconds to wait before the next try: none at first, then doubling up to 5 minutes."""
        extra = self.failures - _FREE_TRIES
        return 0 if extra <= 0 else min(1 << extra, _MAX_DELAY)

    def begin_attempt(self) -> None:
        """Count this try as failed until it is proven right. Call before checking the PIN."""
        self._store(self.failures + 1)

    def succeeded(self) -> None:
        self._store(0)

    @property
    def exhausted(self) -> bool:
        return self.failures >= self.max_tries

    def reset(self) -> None:
        self._store(0)
