"""High-water marks in ``nvm`` that a vault.bin put back through the drive cannot turn back.

The vault's files live on the drive, which maintenance mode hands to the computer: an older copy
could be put back to revive removed accounts or replay HOTP codes. ``nvm`` is not on the drive,
so it keeps the newest vault generation this token has used and, for up to 16 HOTP accounts,
the next counter to use (keyed by 4 bytes of an HMAC of the secret, never the secret).

Layout, bytes 64–271 (pin.py owns 0–7, clock.py 8–15, preferences.py 16–19)::

    64   u32 generation, u8 check, u8 0, u8 0, u8 magic
    72   16 × (4-byte account tag, u48 next counter, u8 check, u8 magic)

The marks are written after the vault file they describe is in place: a power cut in between
leaves a vault newer than its mark, which is accepted and raises the mark. Each write is one
slice, so one flash erase however many fields change.
"""

from micropython import const

try:
    from typing import Any, Optional
except ImportError:
    pass

_GENERATION = const(64)
_SLOTS = const(72)
_SLOT = const(12)
HOTP_SLOTS = const(16)
_END = const(272)  # the slots end at 264; 264–271 are spare, written back as they were
_MAGIC = const(0x6E)
_MAX_COUNTER = const(0xFFFFFFFFFFFF)  # 48 bits: a counter beyond is not tracked


def _check(data: Any, length: int) -> int:
    return (sum(data[:length]) + 0x3C) & 0xFF


def hotp_tag(secret: bytes) -> bytes:
    """Which HOTP account a mark belongs to, without keeping its secret in nvm."""
    from smartkey_fw import otp

    return otp.hmac(secret, b"smartkey hotp mark", "sha1")[:4]


class Marks:
    def __init__(self, nvm: Any) -> None:
        # A board whose nvm is too small for the marks keeps none (the RP2040's has 4 KB).
        self.nvm = nvm if nvm is not None and len(nvm) >= _END else None

    @property
    def generation(self) -> int:
        """The newest vault generation used here; 0 when none was recorded (or unreadable)."""
        if self.nvm is None:
            return 0
        data = self.nvm[_GENERATION : _GENERATION + 8]
        if data[7] != _MAGIC or data[4] != _check(data, 4):
            return 0
        return (data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]

    def _slot(self, data: Any, at: int) -> "Optional[tuple]":
        if data[at + 11] != _MAGIC or data[at + 10] != _check(data[at : at + 10], 10):
            return None
        counter = 0
        for i in range(4, 10):
            counter = (counter << 8) | data[at + i]
        return (bytes(data[at : at + 4]), counter)

    def hotp(self, tag: bytes) -> int:
        """The lowest counter the account with ``tag`` may use next (0 if none is recorded)."""
        if self.nvm is None:
            return 0
        data = self.nvm[_SLOTS:_END]
        for i in range(HOTP_SLOTS):
            slot = self._slot(data, i * _SLOT)
            if slot is not None and slot[0] == tag:
                return slot[1]
        return 0

    def save(self, generation: int, hotp: "Any" = None) -> None:
        """Raise the generation mark (never lower it) and, with ``hotp`` = (tag, next counter),
        that account's mark, in one write; nothing is written when nothing rises."""
        if self.nvm is None:
            return
        data = bytearray(self.nvm[_GENERATION:_END])
        changed = False
        if generation > self.generation:
            for i in range(4):
                data[i] = (generation >> (24 - 8 * i)) & 0xFF
            data[4] = _check(data, 4)
            data[5] = data[6] = 0
            data[7] = _MAGIC
            changed = True
        if hotp is not None and hotp[1] <= _MAX_COUNTER:
            changed = self._put(data, hotp[0], hotp[1]) or changed
        if changed:
            self.nvm[_GENERATION:_END] = data

    def _put(self, data: bytearray, tag: bytes, counter: int) -> bool:
        # The account's own slot, else a free one, else the one with the lowest counter (the
        # account least likely to have codes worth replaying).
        base = _SLOTS - _GENERATION
        chosen = -1
        lowest = -1
        for i in range(HOTP_SLOTS):
            slot = self._slot(data, base + i * _SLOT)
            if slot is None:
                if lowest != -2:
                    chosen, lowest = i, -2
                continue
            if slot[0] == tag:
                if slot[1] >= counter:
                    return False
                chosen = i
                break
            if lowest != -2 and (lowest < 0 or slot[1] < lowest):
                chosen, lowest = i, slot[1]
        at = base + chosen * _SLOT
        data[at : at + 4] = tag
        for i in range(6):
            data[at + 4 + i] = (counter >> (40 - 8 * i)) & 0xFF
        data[at + 10] = _check(data[at : at + 10], 10)
        data[at + 11] = _MAGIC
        return True
