"""The ATECC608's commands, run on the chip's memory and volatile state.

Each handler takes ``(chip, param1, param2, data)`` and returns the response's data (a one-byte
status for commands that return none) or raises :class:`CommandError` with the status byte:
``PARSE_ERROR`` (0x03) for a packet the command cannot accept whatever the chip's state (bad
mode, address, length), ``EXECUTION_ERROR`` (0x0F) for one the chip's state or access policy
refuses. Section numbers are those of the ATECC608A datasheet (DS40001977) and its 608B
successor, whose command sections share numbering.

Modelled: Info (Revision), Random, Nonce (random and pass-through), Read in clear text, Write in
clear text (config, OTP and data zones, 4 and 32 bytes) and encrypted (32 bytes and their MAC
to a data slot whose WriteConfig asks for it, after a GenDig of its WriteKey), Lock (config,
data, single slot; with summary CRC or without), Counter, SHA (SHA-256 and HMAC with a slot
key), GenDig (config, OTP and data zones), MAC and CheckMac (with the authorization a matching
CheckMac grants). Key use follows SlotConfig/KeyConfig once the data zone is locked: NoMac,
ReqRandom, ReqAuth/AuthKey, and LimitedUse, which on the 608 counts each use on Counter[0]
(section 3.2.6) up to its maximum or to the CountMatch value.

Choices where the public documents are silent: Counter runs whatever the lock state; the
data and OTP zones are unreadable until the data zone is locked; a 32-byte Write to config block
0 or 2 leaves bytes 0–15 and 84–87 as they are while a 4-byte one that touches them is refused;
the data zone's Lock summary is the CRC of the 16 slots in order, then the OTP zone; every use of
a LimitedUse key counts (GenDig and HMAC as well as MAC and CheckMac) before the digest, so a
failed CheckMac is still a try, while a use refused at the limit changes nothing.

Not modelled (a command that needs them answers with an execution or parse error, never with a
made-up result): encrypted reads, encrypted writes before the data lock, ECC (GenKey, Sign,
Verify, ECDH), AES, KDF, DeriveKey, PrivWrite, SecureBoot, SelfTest, UpdateExtra, Info modes
other than Revision, SHA context save/restore, the message-digest and alternate-key buffers as
inputs, CheckMac copy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any, Protocol

from smartkey.sim import atecc608_zones as zones

SUCCESS = 0x00
MISCOMPARE = 0x01
PARSE_ERROR = 0x03
EXECUTION_ERROR = 0x0F

OP_MAC = 0x08
OP_READ = 0x02
OP_WRITE = 0x12
OP_GENDIG = 0x15
OP_NONCE = 0x16
OP_LOCK = 0x17
OP_RANDOM = 0x1B
OP_COUNTER = 0x24
OP_CHECKMAC = 0x28
OP_INFO = 0x30
OP_SHA = 0x47

# Maximum execution times in ms for each clock divider (ChipMode bits 3–7: M0 = 0x00,
# M1 = 0x28, M2 = 0x68), datasheet table "Command Execution Times" as CryptoAuthLib tabulates
# it (calib_execution.c, device_execution_time_608_m0/m1/m2).
EXECUTION_MS = {
    0x00: {
        OP_CHECKMAC: 40, OP_COUNTER: 25, OP_GENDIG: 25, OP_INFO: 5, OP_LOCK: 35, OP_MAC: 55,
        OP_NONCE: 20, OP_RANDOM: 23, OP_READ: 5, OP_SHA: 36, OP_WRITE: 45,
    },
    0x28: {
        OP_CHECKMAC: 40, OP_COUNTER: 25, OP_GENDIG: 35, OP_INFO: 5, OP_LOCK: 35, OP_MAC: 55,
        OP_NONCE: 20, OP_RANDOM: 23, OP_READ: 5, OP_SHA: 42, OP_WRITE: 45,
    },
    0x68: {
        OP_CHECKMAC: 40, OP_COUNTER: 25, OP_GENDIG: 35, OP_INFO: 5, OP_LOCK: 35, OP_MAC: 55,
        OP_NONCE: 20, OP_RANDOM: 23, OP_READ: 5, OP_SHA: 75, OP_WRITE: 45,
    },
}  # fmt: skip
NAMES = {
    OP_CHECKMAC: "CheckMac", OP_COUNTER: "Counter", OP_GENDIG: "GenDig", OP_INFO: "Info",
    OP_LOCK: "Lock", OP_MAC: "MAC", OP_NONCE: "Nonce", OP_RANDOM: "Random", OP_READ: "Read",
    OP_SHA: "SHA", OP_WRITE: "Write",
}  # fmt: skip

# Random and Nonce before the configuration zone is locked (section 9.14: the RNG is not
# running, and a fixed pattern comes out; the same pattern read off a fresh ATECC608B).
UNLOCKED_RANDOM = bytes((0xFF, 0xFF, 0x00, 0x00)) * 8
_KEY_TYPE_P256 = 4


class CommandError(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


def _parse(why: str) -> CommandError:
    return CommandError(PARSE_ERROR, why)


def _refuse(why: str) -> CommandError:
    return CommandError(EXECUTION_ERROR, why)


class TempKey:
    """The volatile 32-byte register and its flags (section 3.3.1)."""

    def __init__(self) -> None:
        self.value = bytes(32)
        self.valid = False
        self.source_random = False  # SourceFlag 0: a random nonce made it
        self.gen_dig_data = False
        self.no_mac = False
        self.key_id = 0

    def load(self, value: bytes, *, random: bool) -> None:
        self.value = value
        self.valid = True
        self.source_random = random
        self.gen_dig_data = False
        self.no_mac = False
        self.key_id = 0


class ATECC608(Protocol):
    """What the commands use of the chip (``smartkey.sim.atecc608.ATECC608``)."""

    config: bytearray
    otp: bytearray
    slots: list[bytearray]
    tempkey: TempKey
    sha_context: Any
    authorized: int | None

    @property
    def config_locked(self) -> bool: ...

    @property
    def data_locked(self) -> bool: ...

    @property
    def serial_number(self) -> bytes: ...

    def random_bytes(self) -> bytes: ...

    def counter(self, which: int) -> int: ...

    def set_counter(self, which: int, value: int) -> None: ...

    def count_match(self) -> int | None: ...

    def slot_unlocked(self, slot: int) -> bool: ...

    def nonvolatile_changed(self) -> None: ...


# -- commands -----------------------------------------------------------------------------------


def info(chip: ATECC608, mode: int, param2: int, data: bytes) -> bytes:
    if mode != 0x00 or data:
        raise _parse("only Info Revision (mode 0) is modelled")
    return bytes(chip.config[zones.REVISION])


def random(chip: ATECC608, mode: int, param2: int, data: bytes) -> bytes:
    if mode not in (0x00, 0x01) or param2 != 0 or data:
        raise _parse("Random takes mode 0 (or 1), KeyID 0 and no data")
    return chip.random_bytes()


def nonce(chip: ATECC608, mode: int, param2: int, data: bytes) -> bytes:
    kind = mode & 0x03
    if kind in (0x00, 0x01):
        if mode & ~0x03 or param2 != 0 or len(data) != 20:
            raise _parse("a random Nonce takes a 20-byte NumIn")
        rand_out = chip.random_bytes()
        chip.tempkey.load(
            hashlib.sha256(rand_out + data + bytes((OP_NONCE, mode, 0x00))).digest(), random=True
        )
        return rand_out
    if kind == 0x03:
        size = 64 if mode & 0x20 else 32
        if mode & 0x1C or param2 != 0 or len(data) != size:
            raise _parse(f"a pass-through Nonce takes {size} bytes")
        if mode & 0xC0 == 0x00:
            chip.tempkey.load(bytes(data), random=False)
        else:  # the message-digest or alternate-key buffer, which nothing here reads
            chip.tempkey.valid = False
        return bytes((SUCCESS,))
    raise _parse("Nonce mode 2 is reserved")


def read(chip: ATECC608, zone: int, address: int, data: bytes) -> bytes:
    if zone & 0x7C or data:
        raise _parse("Read: reserved zone bits set")
    size = 32 if zone & 0x80 else 4
    where = zone & 0x03
    if where == 0:
        return bytes(chip.config[_config_range(address, size)])
    if not chip.data_locked:
        raise _refuse("the data and OTP zones cannot be read until the data zone is locked")
    if where == 1:
        return bytes(chip.otp[_otp_range(address, size)])
    if where == 2:
        slot, span = _slot_range(address, size)
        _check_readable(chip, slot)
        return bytes(chip.slots[slot][span])
    raise _parse("Read: zone 3 does not exist")


def write(chip: ATECC608, zone: int, address: int, data: bytes) -> bytes:
    if zone & 0x3C:
        raise _parse("Write: reserved zone bits set")
    size = 32 if zone & 0x80 else 4
    where = zone & 0x03
    # 32 bytes of a data slot followed by their MAC: an encrypted write. Microchip's documents
    # send it with Param1 0x82; CryptoAuthLib sets bit 6 as well (0xC2). The MAC covers
    # Param1 as sent.
    encrypted = where == 2 and size == 32 and len(data) == 64
    if not encrypted and (len(data) != size or zone & 0x40):
        raise _parse(f"Write of {size} bytes: {len(data)} bytes of data")
    if encrypted:
        if not chip.data_locked:
            raise _refuse("encrypted writes before the data lock are not modelled")
        slot, span = _slot_range(address, size)
        _check_writable(chip, slot, encrypted=True)
        chip.slots[slot][span] = _decrypt_write(chip, zone, address, slot, data)
        chip.nonvolatile_changed()
        return bytes((SUCCESS,))
    if where == 0:
        if chip.config_locked:
            raise _refuse("the configuration zone is locked")
        span = _config_range(address, size)
        offsets = range(span.start, span.stop)
        if size == 4 and any(at in zones.READ_ONLY_CONFIG for at in offsets):
            raise _refuse("config bytes 0–15 and 84–87 are not written by Write")
        for at, value in zip(offsets, data, strict=True):
            if at not in zones.READ_ONLY_CONFIG:
                chip.config[at] = value
    elif not chip.config_locked:
        raise _refuse("the data and OTP zones cannot be written until the config zone is locked")
    elif where == 1:
        if chip.data_locked:
            raise _refuse("the OTP zone is read-only once the data zone is locked")
        chip.otp[_otp_range(address, size)] = data
    elif where == 2:
        slot, span = _slot_range(address, size)
        if chip.data_locked:
            _check_writable(chip, slot)
        chip.slots[slot][span] = data
    else:
        raise _parse("Write: zone 3 does not exist")
    chip.nonvolatile_changed()
    return bytes((SUCCESS,))


def lock(chip: ATECC608, mode: int, summary: int, data: bytes) -> bytes:
    if mode & 0x40 or data:
        raise _parse("Lock: reserved mode bits set")
    check_crc = not mode & 0x80
    zone = mode & 0x03
    if zone == 0:
        if chip.config_locked:
            raise _refuse("the configuration zone is already locked")
        contents = bytes(chip.config)
    elif zone == 1:
        if not chip.config_locked or chip.data_locked:
            raise _refuse("the data zone locks once, after the configuration zone")
        contents = b"".join(bytes(slot) for slot in chip.slots) + bytes(chip.otp)
    elif zone == 2:
        slot = (mode >> 2) & 0x0F
        if not chip.data_locked:
            raise _refuse("slots lock one by one only after the data zone is locked")
        if not zones.key_config(chip.config, slot).lockable or not chip.slot_unlocked(slot):
            raise _refuse(f"slot {slot} is not lockable, or already locked")
        contents = bytes(chip.slots[slot])
    else:
        raise _parse("Lock: zone 3 does not exist")
    if check_crc and zones.crc16(contents) != summary:
        raise _refuse("the summary CRC does not match the zone's contents")
    if zone == 0:
        chip.config[zones.LOCK_CONFIG] = zones.LOCKED
    elif zone == 1:
        chip.config[zones.LOCK_VALUE] = zones.LOCKED
    else:
        bits = int.from_bytes(chip.config[zones.SLOT_LOCKED : zones.SLOT_LOCKED + 2], "little")
        bits &= ~(1 << slot)
        chip.config[zones.SLOT_LOCKED : zones.SLOT_LOCKED + 2] = bits.to_bytes(2, "little")
    chip.nonvolatile_changed()
    return bytes((SUCCESS,))


def counter(chip: ATECC608, mode: int, which: int, data: bytes) -> bytes:
    if mode not in (0x00, 0x01) or which not in (0, 1) or data:
        raise _parse("Counter takes mode 0 (read) or 1 (increment) and counter 0 or 1")
    value = chip.counter(which)
    if mode == 0x01:
        if which == 0:
            _check_counter0_room(chip, value)
        elif value >= zones.COUNTER_MAX:
            raise _refuse("the counter is at its maximum")
        value += 1
        chip.set_counter(which, value)
    return value.to_bytes(4, "little")


def sha(chip: ATECC608, mode: int, param2: int, data: bytes) -> bytes:
    step = mode & 0x07
    if mode & 0x38:
        raise _parse("SHA: reserved mode bits set")
    if step == 0x00:
        if param2 != 0 or data:
            raise _parse("SHA start takes no data")
        chip.sha_context = hashlib.sha256()
        return bytes((SUCCESS,))
    if step == 0x04:
        if data or param2 > 0x0F:
            raise _parse("HMAC start takes a slot in KeyID and no data")
        key = _use_key(chip, param2, tempkey_random=None)
        chip.sha_context = hmac.new(key, digestmod=hashlib.sha256)
        return bytes((SUCCESS,))
    context = chip.sha_context
    if context is None:
        raise _refuse("SHA update or end without a start since the chip woke")
    if step == 0x01:
        if param2 != 64 or len(data) != 64:
            raise _parse("SHA update takes exactly 64 bytes")
        context.update(data)
        return bytes((SUCCESS,))
    if step == 0x02:
        if param2 != len(data) or len(data) > 63:
            raise _parse("SHA end takes 0–63 bytes, their count in KeyID")
        context.update(data)
        digest = bytes(context.digest())
        chip.sha_context = None
        target = mode & 0xC0
        if target == 0x00:
            chip.tempkey.load(digest, random=False)
        elif target != 0xC0:
            chip.tempkey.valid = False  # the message digest buffer: not modelled as an input
        return digest
    raise _parse("SHA mode not modelled (public key, context save/restore)")


def gendig(chip: ATECC608, zone: int, key_id: int, data: bytes) -> bytes:
    if data:
        raise _parse("GenDig with OtherData (NoMac keys) is not modelled")
    if not chip.tempkey.valid:
        raise _refuse("GenDig needs a valid TempKey")
    if zone == 0:
        if key_id > 3:
            raise _parse("config GenDig takes a block 0–3")
        value = bytes(chip.config[key_id * 32 : key_id * 32 + 32])
    elif zone == 1:
        if key_id > 1:
            raise _parse("OTP GenDig takes a block 0–1")
        value = bytes(chip.otp[key_id * 32 : key_id * 32 + 32])
    elif zone == 2:
        if key_id > 0x0F:
            raise _parse("data GenDig takes a slot 0–15")
        value = _use_key(chip, key_id, tempkey_random=chip.tempkey.source_random)
    else:
        raise _parse("GenDig zones other than config, OTP and data are not modelled")
    serial = chip.serial_number
    message = (
        value
        + bytes((OP_GENDIG, zone))
        + key_id.to_bytes(2, "little")
        + serial[8:9]
        + serial[0:2]
        + bytes(25)
        + chip.tempkey.value
    )
    source_random = chip.tempkey.source_random
    chip.tempkey.load(hashlib.sha256(message).digest(), random=source_random)
    chip.tempkey.gen_dig_data = zone == 2
    chip.tempkey.key_id = key_id if zone == 2 else 0
    return bytes((SUCCESS,))


def mac(chip: ATECC608, mode: int, key_id: int, data: bytes) -> bytes:
    if mode & ~0x77 or key_id > 0x0F:
        raise _parse("MAC: reserved mode bits set, or KeyID beyond slot 15")
    if len(data) != (0 if mode & 0x01 else 32):
        raise _parse("MAC takes a 32-byte challenge unless TempKey is the second block")
    first, second = _blocks(chip, mode, key_id, data)
    serial = chip.serial_number
    message = (
        first
        + second
        + bytes((OP_MAC, mode))
        + key_id.to_bytes(2, "little")
        + (bytes(chip.otp[0:8]) if mode & 0x20 else bytes(8))
        + (bytes(chip.otp[8:11]) if mode & 0x10 else bytes(3))
        + serial[8:9]
        + (serial[4:8] if mode & 0x40 else bytes(4))
        + serial[0:2]
        + (serial[2:4] if mode & 0x40 else bytes(2))
    )
    chip.tempkey.valid = False
    return hashlib.sha256(message).digest()


def checkmac(chip: ATECC608, mode: int, key_id: int, data: bytes) -> bytes:
    if mode & ~0x27 or key_id > 0x0F:
        raise _parse("CheckMac: mode bits other than 0, 1, 2 and 5 are not modelled")
    if len(data) != 77:
        raise _parse("CheckMac takes ClientChal(32), ClientResp(32) and OtherData(13)")
    challenge, response, other = data[:32], data[32:64], data[64:]
    first, second = _blocks(chip, mode, key_id, challenge)
    serial = chip.serial_number
    message = (
        first
        + second
        + other[0:4]
        + (bytes(chip.otp[0:8]) if mode & 0x20 else bytes(8))
        + other[4:7]
        + serial[8:9]
        + other[7:11]
        + serial[0:2]
        + other[11:13]
    )
    chip.tempkey.valid = False
    if hmac.compare_digest(hashlib.sha256(message).digest(), response):
        chip.authorized = key_id
        return bytes((SUCCESS,))
    chip.authorized = None
    return bytes((MISCOMPARE,))


HANDLERS: dict[int, Callable[[ATECC608, int, int, bytes], bytes]] = {
    OP_CHECKMAC: checkmac,
    OP_COUNTER: counter,
    OP_GENDIG: gendig,
    OP_INFO: info,
    OP_LOCK: lock,
    OP_MAC: mac,
    OP_NONCE: nonce,
    OP_RANDOM: random,
    OP_READ: read,
    OP_SHA: sha,
    OP_WRITE: write,
}


# -- access policy ------------------------------------------------------------------------------


def _blocks(chip: ATECC608, mode: int, key_id: int, challenge: bytes) -> tuple[bytes, bytes]:
    """MAC's and CheckMac's two 32-byte blocks: the slot's key or TempKey, then the challenge
    or TempKey (mode bits 1 and 0), with TempKey's checks (section 9.10, "MAC")."""
    uses_tempkey = bool(mode & 0x03)
    tempkey = chip.tempkey
    if uses_tempkey:
        if not tempkey.valid or tempkey.no_mac:
            raise _refuse("TempKey is not valid")
        if bool(mode & 0x04) == tempkey.source_random:
            raise _refuse("mode bit 2 does not match TempKey.SourceFlag")
    if mode & 0x02:
        first = tempkey.value
    else:
        random_nonce = tempkey.source_random if uses_tempkey else False
        first = _use_key(chip, key_id, tempkey_random=random_nonce)
    second = tempkey.value if mode & 0x01 else bytes(challenge)
    return first, second


def _use_key(chip: ATECC608, slot: int, *, tempkey_random: bool | None) -> bytes:
    """The 32-byte key in ``slot`` for MAC, CheckMac, GenDig or HMAC, once the slot's policy
    allows it: ``tempkey_random`` says whether the command's nonce came from the RNG (None: the
    command takes none)."""
    if not chip.data_locked:
        raise _refuse("keys are used only once the data zone is locked")
    slot_config = zones.slot_config(chip.config, slot)
    key_config = zones.key_config(chip.config, slot)
    if key_config.key_type == _KEY_TYPE_P256 and key_config.private:
        raise _refuse(f"slot {slot} holds an ECC private key")
    if slot_config.no_mac:
        raise _refuse(f"slot {slot} has NoMac set")
    if key_config.req_random and not tempkey_random:
        raise _refuse(f"slot {slot} requires a random nonce (ReqRandom)")
    if key_config.req_auth and chip.authorized != key_config.auth_key:
        raise _refuse(f"slot {slot} requires authorization by slot {key_config.auth_key}")
    if slot_config.limited_use:
        value = chip.counter(0)
        _check_counter0_room(chip, value)
        chip.set_counter(0, value + 1)
    return bytes(chip.slots[slot][:32])


def _check_counter0_room(chip: ATECC608, value: int) -> None:
    if value >= zones.COUNTER_MAX:
        raise _refuse("Counter[0] is at its maximum")
    match = chip.count_match()
    if match is not None and value >= match & ~0x1F:  # the chip ignores the 5 low bits
        raise _refuse("Counter[0] has reached the CountMatch value")


def _check_readable(chip: ATECC608, slot: int) -> None:
    slot_config = zones.slot_config(chip.config, slot)
    key_config = zones.key_config(chip.config, slot)
    if key_config.key_type == _KEY_TYPE_P256 and key_config.private:
        raise _refuse(f"slot {slot} holds an ECC private key, never readable")
    if slot_config.is_secret:
        raise _refuse(f"slot {slot} is secret (encrypted reads are not modelled)")


def _check_writable(chip: ATECC608, slot: int, *, encrypted: bool = False) -> None:
    """Write access to a slot once the data zone is locked (WriteConfig, section 10.2.10:
    0000 always, x1xx encrypted with the WriteKey, anything else never here)."""
    if not chip.slot_unlocked(slot):
        raise _refuse(f"slot {slot} is locked")
    write_config = zones.slot_config(chip.config, slot).write_config
    if write_config & 0x04:
        if not encrypted:
            raise _refuse(f"slot {slot} takes only encrypted writes (32 bytes and a MAC)")
    elif write_config != 0x00 or encrypted:
        raise _refuse(f"slot {slot} refuses this write (WriteConfig {write_config:04b})")


def _decrypt_write(chip: ATECC608, zone: int, address: int, slot: int, data: bytes) -> bytes:
    """An encrypted write's plain text, once its MAC proves the writer knows the slot's
    WriteKey: TempKey must come from a GenDig of that key (section 9.21.2 "Encrypted Writes";
    the host side is CryptoAuthLib's ``atcah_write_auth_mac``)."""
    tempkey = chip.tempkey
    write_key = zones.slot_config(chip.config, slot).write_key
    if not tempkey.valid or not tempkey.gen_dig_data or tempkey.key_id != write_key:
        raise _refuse(f"an encrypted write to slot {slot} needs a GenDig of slot {write_key}")
    plain = bytes(a ^ b for a, b in zip(data[:32], tempkey.value, strict=True))
    serial = chip.serial_number
    expected = hashlib.sha256(
        tempkey.value
        + bytes((OP_WRITE, zone))
        + address.to_bytes(2, "little")
        + serial[8:9]
        + serial[0:2]
        + bytes(25)
        + plain
    ).digest()
    tempkey.valid = False
    if not hmac.compare_digest(expected, data[32:]):
        raise _refuse("the encrypted write's MAC does not match")
    return plain


# -- addresses (section 9.1.4) ------------------------------------------------------------------


def _config_range(address: int, size: int) -> slice:
    block, offset = (address >> 3) & 0x03, address & 0x07
    if address & ~0x1F or (size == 32 and offset):
        raise _parse("config address beyond the zone")
    start = block * 32 + (0 if size == 32 else offset * 4)
    return slice(start, start + size)


def _otp_range(address: int, size: int) -> slice:
    block, offset = (address >> 3) & 0x03, address & 0x07
    if address & ~0x0F or (size == 32 and offset):
        raise _parse("OTP address beyond the zone")
    start = block * 32 + (0 if size == 32 else offset * 4)
    return slice(start, start + size)


def _slot_range(address: int, size: int) -> tuple[int, slice]:
    slot, block, offset = (address >> 3) & 0x0F, address >> 8, address & 0x07
    if address & 0xE000 or (size == 32 and offset):
        raise _parse("data address with reserved bits set")
    start = block * 32 + (0 if size == 32 else offset * 4)
    if start + size > zones.SLOT_SIZES[slot]:
        raise _parse(f"slot {slot} has {zones.SLOT_SIZES[slot]} bytes")
    return slot, slice(start, start + size)
