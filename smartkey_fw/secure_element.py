"""The optional ATECC608 secure element: a PIN's key needs it, and it counts the tries itself.

Needs ``adafruit_atecc`` (and its ``adafruit_binascii``, ``adafruit_bus_device``) in lib/; only
imported when ``SMARTKEY_SECURE_ELEMENT = "atecc608"``. The design, the slot configuration and
what the chip enforces are in docs/secure-element.md. Slot 1 holds a random key ``X``: its MAC
of a PIN's stretched value is part of the vault key, and each use advances the chip's
Counter[0], which stops at the match value in slot 2. Raising that value takes an encrypted
write that only someone who knows ``X`` can make: the firmware, after a correct PIN (the vault
keeps ``X``), or whoever overwrites ``X`` and so destroys the old vault.
"""

import os
import time

from micropython import const

from smartkey_fw import otp
from smartkey_fw.vault import VaultError

try:
    from typing import Any
except ImportError:
    pass

ABSENT = const(0)  # nothing answers at 0x60 as an ATECC608
BLANK = const(1)  # configuration zone unlocked: as shipped
HALF = const(2)  # our configuration locked, the data zone not (a power cut while setting up)
OURS = const(3)  # both zones locked with our configuration
FOREIGN = const(4)  # configuration locked with another one: it can never serve this token

_KEY = const(1)
_MATCH = const(2)
_OP_READ = const(0x02)
_OP_MAC = const(0x08)
_OP_WRITE = const(0x12)
_OP_GENDIG = const(0x15)
_OP_NONCE = const(0x16)
_OP_LOCK = const(0x17)
_OP_COUNTER = const(0x24)
_ZONE_DATA_32 = const(0x82)
_ZONE_DATA_32_ENCRYPTED = const(0xC2)  # bit 6: the data is encrypted and a MAC follows
_EXECUTION_ERROR = const(0x0F)
# The ATECC608's maximum execution times (ms): how long to keep polling for a response. The
# driver's own table is the older ATECC508A's, shorter for Nonce, MAC, GenDig and Write, so
# the token times every command itself.
_MS_READ = const(5)
_MS_MAC = const(55)
_MS_WRITE = const(45)
_MS_GENDIG = const(25)
_MS_NONCE = const(20)
_MS_LOCK = const(35)
_MS_COUNTER = const(25)
_POLL_MS = const(2)
_LOCK_CONFIG = const(87)
_LOCK_DATA = const(86)


class SecureElementError(VaultError):
    """The chip answered wrongly or not at all (a VaultError: the vault cannot open)."""


class Spent(SecureElementError):
    """Counter[0] is at the match value: slot 1 refuses until someone who knows X re-arms it.
    The token never gets there itself (its own limit is one lower): only a bench attack."""


def _config_image() -> bytearray:
    """Configuration bytes 16-127 as docs/secure-element.md lists them (84-87 are the chip's)."""
    image = bytearray(112)
    image[0] = 0xC0  # I2C address 0x60, as shipped
    image[2] = (_MATCH << 4) | 1  # CountMatch on, its value in slot 2
    for slot in range(16):
        at = 4 + 2 * slot
        if slot == _KEY:
            image[at] = 0xAF  # no read, LimitedUse, secret; WriteConfig Always (destroys X)
        elif slot == _MATCH:
            image[at + 1] = 0x41  # clear read; encrypted writes with key 1 only
        else:
            image[at], image[at + 1] = 0x8F, 0x80  # secret, never read, never written
        image[80 + 2 * slot] = 0x1C  # KeyConfig: KeyType 7 (not ECC), no ReqRandom/ReqAuth
    for counter in (36, 44):
        image[counter : counter + 4] = b"\xff\xff\xff\xff"  # Counter[0] and [1] start at 0
    image[56] = 0xF0  # KdflvLoc unused
    image[72] = image[73] = 0xFF  # SlotLocked: no slot locked on its own
    return image


# Config bytes that hold our choice (not the counters 52-67, not 84-87 the chip keeps).
_OURS = ((16, 52), (68, 84), (88, 128))


def _sha256(*parts: Any) -> bytes:
    digest = otp._constructor("sha256")()
    for part in parts:
        digest.update(part)
    return digest.digest()


def _match_block(value: int) -> bytearray:
    """Slot 2's content: the match value twice, little-endian (its 5 low bits are ignored)."""
    block = bytearray(32)
    for copy in (0, 4):
        for i in range(4):
            block[copy + i] = (value >> (8 * i)) & 0xFF
    return block


def _u32(data: Any, at: int) -> int:
    return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)


class ATECC608:
    def __init__(self, i2c: Any, tries: int = 11) -> None:
        """``tries``: the wrong PINs the chip allows between two correct ones (the token's own
        limit plus one: its wipe must leave the chip one use to re-key with)."""
        self.tries = tries
        self._chip: Any = None
        self._config = bytearray(128)
        self.state = ABSENT
        self.failure = ""  # how the last command failed: see status()
        if i2c is None:
            return
        try:
            from adafruit_atecc.adafruit_atecc import ATECC

            self._chip = ATECC(i2c)
            self._read_config()
        except (OSError, RuntimeError, ImportError, SecureElementError):
            self._chip = None
            return
        self.state = self._classify()

    def status(self) -> str:
        """The chip as the host's ``info`` shows it: the state found at boot, or how the last
        command failed ("spent", "error"). Nothing secret and no counter: a bench attacker
        would learn nothing from it, and the tries left are on the token's own screen."""
        if self.failure:
            return self.failure
        return ("absent", "not-set-up", "not-set-up", "ready", "foreign")[self.state]

    # -- talking to the chip ---------------------------------------------------------------
    def _command(self, opcode: int, p1: int, p2: int, data: Any, length: int, ms: int) -> Any:
        try:
            answer = self._exchange(opcode, p1, p2, data, length, ms)
        except SecureElementError as error:
            self.failure = "spent" if isinstance(error, Spent) else "error"
            raise
        self.failure = ""
        return answer

    def _exchange(self, opcode: int, p1: int, p2: int, data: Any, length: int, ms: int) -> Any:
        """One command through the driver's low-level API: the response's data (``length``
        bytes; 1 = a status that must be 0), or raises with the chip's status. The driver's own
        reader cannot tell a status packet from a short read."""
        chip = self._chip
        try:
            # Traffic to the OLED holds SDA low long enough to wake the chip too, and its
            # watchdog then puts it to sleep 1.3 s later, whenever that falls: idle it first,
            # so this command's wake starts a window of its own. The driver's own wake waits
            # 1 ms; the chip may take tWHI = 1.5 ms to listen.
            try:
                chip.idle()
            except OSError:
                pass  # asleep already
            chip.wakeup()
            time.sleep(0.0015)
            chip._send_command(opcode, p1, p2, data)
        except (OSError, RuntimeError) as error:
            raise SecureElementError("no answer") from error
        # The chip NACKs its address until the command is done: poll, up to its maximum
        # execution time and a margin (a real chip is usually much faster than the maximum).
        packet = bytearray(length + 3)
        for _ in range(ms // _POLL_MS + 10):
            time.sleep(_POLL_MS / 1000)
            try:
                with chip._i2c_device as i2c:
                    i2c.readinto(packet)
                break
            except OSError:
                pass
        else:
            raise SecureElementError("no answer")
        size = packet[0]
        if size == 4:
            self._check_crc(packet, 4)
            chip.idle()
            status = packet[1]
            if length == 1 and status == 0:
                return packet[1:2]
            if status == _EXECUTION_ERROR and opcode != _OP_READ and self._spent():
                raise Spent("the chip's tries are used up")
            raise SecureElementError("status %02X" % status)
        if size != length + 3:
            raise SecureElementError("bad length")
        self._check_crc(packet, size)
        chip.idle()  # idle keeps TempKey between Nonce, GenDig and Write; sleep would not
        return packet[1 : 1 + length]

    def _check_crc(self, packet: Any, size: int) -> None:
        crc = self._chip._at_crc(packet[: size - 2])
        if packet[size - 2] != crc & 0xFF or packet[size - 1] != crc >> 8:
            raise SecureElementError("CRC")

    def _read_config(self) -> None:
        for number in range(4):
            block = self._command(_OP_READ, 0x80, number << 3, b"", 32, _MS_READ)
            self._config[32 * number : 32 * number + 32] = block

    def _classify(self) -> int:
        if self._config[_LOCK_CONFIG] != 0:
            return BLANK
        if not self._configured():
            return FOREIGN
        return OURS if self._config[_LOCK_DATA] == 0 else HALF

    def _configured(self) -> bool:
        """Does the configuration read from the chip hold ours (counters and locks aside)?"""
        image = _config_image()
        config = self._config
        return all(config[start:end] == image[start - 16 : end - 16] for start, end in _OURS)

    @property
    def needs_locking(self) -> bool:
        """Setting it up configures and locks it for good: the token asks first."""
        return self.state == BLANK or self.state == HALF

    def counter(self) -> int:
        return _u32(self._command(_OP_COUNTER, 0, 0, b"", 4, _MS_COUNTER), 0)

    def match(self) -> int:
        return _u32(self._command(_OP_READ, _ZONE_DATA_32, _MATCH << 3, b"", 32, _MS_READ), 0)

    def tries_left(self) -> int:
        """Uses of slot 1 left before the chip refuses (a PIN check takes one)."""
        return max(0, (self.match() & ~31) - self.counter())

    def _spent(self) -> bool:
        try:
            return self.tries_left() == 0
        except SecureElementError:
            return False

    def _sn(self) -> bytes:
        return bytes((self._config[12], self._config[0], self._config[1]))

    def _lock(self, zone: int) -> None:
        """Lock the configuration (0) or data (1) zone, for good (no summary CRC: 0x80)."""
        self._command(_OP_LOCK, 0x80 | zone, 0, b"", 1, _MS_LOCK)

    def _write_plain(self, slot: int, data: Any) -> None:
        self._command(_OP_WRITE, _ZONE_DATA_32, slot << 3, data, 1, _MS_WRITE)

    # -- what the vault uses ---------------------------------------------------------------
    def response(self, challenge: bytes) -> bytes:
        """The chip's MAC of ``challenge`` with X: one PIN check, counted by the chip."""
        if self.state != OURS:
            raise SecureElementError("not set up")
        return bytes(self._command(_OP_MAC, 0, _KEY, challenge, 32, _MS_MAC))

    def arm(self, key: bytes) -> None:
        """Give back ``self.tries`` uses of slot 1 after a correct PIN (``key`` is X): a new
        match value written with X's authority, then Counter[0] raised to leave exactly that
        many. The match value's 5 low bits are ignored by the chip: it moves by 32."""
        count = self.counter()
        number_in = os.urandom(20)
        rand_out = self._command(_OP_NONCE, 0, 0, number_in, 32, _MS_NONCE)  # chip's RNG
        temp_key = _sha256(rand_out, number_in, b"\x16\x00\x00")
        self._command(_OP_GENDIG, 0x02, _KEY, b"", 1, _MS_GENDIG)
        sn = self._sn()
        temp_key = _sha256(key, bytes((_OP_GENDIG, 0x02, _KEY, 0)), sn, bytes(25), temp_key)
        target = (count + 1 + self.tries + 31) & ~31
        plain = _match_block(target)
        mac = _sha256(
            temp_key,
            bytes((_OP_WRITE, _ZONE_DATA_32_ENCRYPTED, _MATCH << 3, 0)),
            sn,
            bytes(25),
            plain,
        )
        for i in range(32):
            plain[i] ^= temp_key[i]
        data = bytes(plain) + mac
        self._command(_OP_WRITE, _ZONE_DATA_32_ENCRYPTED, _MATCH << 3, data, 1, _MS_WRITE)
        count = self.counter()
        while count < target - self.tries:
            count = _u32(self._command(_OP_COUNTER, 1, 0, b"", 4, _MS_COUNTER), 0)

    def provision(self) -> bytes:
        """Set the chip up for a new vault and return its new X (the vault keeps it). A blank
        chip is configured and locked (irreversible: the screen asked first); a chip already
        ours gets a fresh X, which destroys the previous one."""
        if self.state == FOREIGN or self.state == ABSENT:
            raise SecureElementError("cannot serve this token")
        if self.state == BLANK:
            image = _config_image()
            config = bytearray(self._config)
            config[16:84] = image[0:68]
            config[88:128] = image[72:112]
            for word in range(4, 32):
                at = 4 * word
                if word != 21 and config[at : at + 4] != self._config[at : at + 4]:
                    self._command(_OP_WRITE, 0, word, config[at : at + 4], 1, _MS_WRITE)
            self._read_config()
            if not self._configured():
                raise SecureElementError("configuration did not read back")
            self._lock(0)
            self._read_config()
            self.state = self._classify()
        if self.state == HALF:
            # Room for the GenDig that arms it below; arm() then sets the real limit.
            self._write_plain(_MATCH, _match_block((self.counter() + 2 + 31) & ~31))
            self._lock(1)
            self._read_config()
            self.state = self._classify()
        if self.state != OURS:
            raise SecureElementError("did not lock")
        key = os.urandom(32)
        self._write_plain(_KEY, key)
        self.arm(key)
        return key

    def forget(self) -> None:
        """Overwrite X with bytes nobody keeps: the vault it served can never open again."""
        if self.state == OURS:
            self._write_plain(_KEY, os.urandom(32))
