"""The ATECC608's memory: configuration zone layout, data slots, OTP, and the CRC they share.

From the ATECC608A/B datasheet (DS40001977, DS40002239), section 2 "EEPROM Memory and Data
Zone Access Policies" and 10 "Configuration Zone", as CryptoAuthLib names the fields
(``lib/calib/calib_device.h``, ``atecc608_config_t``). All multi-byte fields are little-endian.

====== ============================================================================
bytes  field
====== ============================================================================
0–3    SN[0:4]   (01 23 on every part)
4–7    RevNum    (00 00 60 02 on a 608A, 00 00 60 03 on a 608B)
8–12   SN[4:9]   (SN[8] is EE)
13     AES_Enable
14     I2C_Enable (bit 0: I2C rather than single-wire)
16     I2C_Address (the 7-bit address shifted left: C0 → 0x60)
18     CountMatch (bit 0 enable; bits 4–7 the slot holding the match value)
19     ChipMode (bits 3–7: the clock divider that scales every execution time)
20–51  SlotConfig[16]
52–59  Counter[0], 60–67 Counter[1] (an initial value, in the encoding below)
68     UseLock, 69 VolatileKeyPermission, 70–71 SecureBoot, 72–74 KDF IV
84     UserExtra, 85 UserExtraAdd
86     LockValue (data and OTP zones: 55 unlocked, 00 locked)
87     LockConfig (configuration zone: 55 unlocked, 00 locked)
88–89  SlotLocked (one bit per slot, 0 = locked)
90–91  ChipOptions, 92–95 X509format
96–127 KeyConfig[16]
====== ============================================================================

The data zone has 16 slots: 0–7 of 36 bytes, 8 of 416, 9–15 of 72 (section 2.2). The OTP zone
has 64 bytes. Addresses in Read/Write/GenDig are words of 4 bytes: for the data zone
``slot << 3 | block << 8 | offset`` (32-byte blocks, 4-byte offsets), for the config and OTP
zones ``block << 3 | offset`` (section 9.1.4 "Address Encoding").
"""

from __future__ import annotations

CONFIG_SIZE = 128
OTP_SIZE = 64
SLOT_SIZES = (36,) * 8 + (416,) + (72,) * 7
SLOTS = len(SLOT_SIZES)

SN_LOW = slice(0, 4)
REVISION = slice(4, 8)
SN_HIGH = slice(8, 13)
I2C_ADDRESS = 16
COUNT_MATCH = 18
CHIP_MODE = 19
SLOT_CONFIG = 20
COUNTERS = 52
USER_EXTRA = 84
LOCK_VALUE = 86
LOCK_CONFIG = 87
SLOT_LOCKED = 88
KEY_CONFIG = 96
UNLOCKED = 0x55
LOCKED = 0x00
# The Write command never changes bytes 0–15 (serial number, revision, I2C_Enable) nor 84–87
# (UserExtra and the locks, which UpdateExtra and Lock own).
READ_ONLY_CONFIG = frozenset(range(16)) | frozenset(range(USER_EXTRA, USER_EXTRA + 4))

COUNTER_MAX = 2_097_151  # section 9.5 "Counter Command"

# A factory-fresh ATECC608B on Adafruit's breakout (product 4314), as read from one
# (github.com/retromanc3r/pi_atecc README); the serial number bytes are replaced per chip.
FACTORY_CONFIG = bytes.fromhex(
    "0123703A 00006003 A642748F EE616100"
    "C0000000 83208720 8F20C48F 8F8F8F8F"
    "9F8FAF8F 00000000 00000000 00000000"
    "0000AF8F FFFFFFFF 00000000 FFFFFFFF"
    "00000000 00000000 00000000 00000000"
    "00000000 00005555 FFFF0000 00000000"
    "33003300 33001C00 1C001C00 1C001C00"
    "3C003C00 3C003C00 3C003C00 3C001C00".replace(" ", "")
)


def crc16(data: bytes | bytearray | memoryview) -> int:
    """The chip's CRC-16: polynomial 0x8005, initial value 0, each byte taken LSB first, no
    final XOR (CryptoAuthLib's ``atCRC`` in ``calib_command.c``). Packets carry it
    little-endian."""
    crc = 0
    for byte in bytes(data):
        for bit in range(8):
            data_bit = (byte >> bit) & 1
            crc_bit = crc >> 15
            crc = (crc << 1) & 0xFFFF
            if data_bit != crc_bit:
                crc ^= 0x8005
    return crc


def crc_le(data: bytes | bytearray | memoryview) -> bytes:
    """``crc16(data)`` as the two bytes that follow ``data`` on the wire."""
    return crc16(data).to_bytes(2, "little")


class SlotConfig:
    """SlotConfig[slot], section 10.2.10 (bit positions of the 16-bit little-endian word)."""

    def __init__(self, word: int) -> None:
        self.read_key = word & 0x0F
        self.no_mac = bool(word & 0x0010)
        self.limited_use = bool(word & 0x0020)
        self.encrypt_read = bool(word & 0x0040)
        self.is_secret = bool(word & 0x0080)
        self.write_key = (word >> 8) & 0x0F
        self.write_config = (word >> 12) & 0x0F


class KeyConfig:
    """KeyConfig[slot], section 10.2.12."""

    def __init__(self, word: int) -> None:
        self.private = bool(word & 0x0001)
        self.pub_info = bool(word & 0x0002)
        self.key_type = (word >> 2) & 0x07
        self.lockable = bool(word & 0x0020)
        self.req_random = bool(word & 0x0040)
        self.req_auth = bool(word & 0x0080)
        self.auth_key = (word >> 8) & 0x0F
        self.persistent_disable = bool(word & 0x1000)


def slot_config(config: bytes | bytearray, slot: int) -> SlotConfig:
    at = SLOT_CONFIG + 2 * slot
    return SlotConfig(int.from_bytes(config[at : at + 2], "little"))


def key_config(config: bytes | bytearray, slot: int) -> KeyConfig:
    at = KEY_CONFIG + 2 * slot
    return KeyConfig(int.from_bytes(config[at : at + 2], "little"))


def encode_counter(value: int) -> bytes:
    """A counter value in the 8-byte form of config bytes 52–59 / 60–67: two 16-bit "linear"
    words that lose a bit per count and two binary words counting 32s, offset by 16 from each
    other (CryptoAuthLib ``calib_write_config_counter``)."""
    if not 0 <= value <= COUNTER_MAX:
        raise ValueError(f"counter value must be 0..{COUNTER_MAX}, not {value}")
    lin_a = 0xFFFF >> (value % 32)
    lin_b = 0xFFFF >> ((value - 16) % 32 if value >= 16 else 0)
    bin_a = value // 32
    bin_b = (value - 16) // 32 if value >= 16 else 0
    return b"".join(word.to_bytes(2, "big") for word in (lin_a, lin_b, bin_a, bin_b))


def decode_counter(encoded: bytes | bytearray) -> int:
    """The value :func:`encode_counter` turned into ``encoded``; ValueError when no value
    encodes to it (a config a host wrote by hand)."""
    base = int.from_bytes(encoded[4:6], "big") * 32
    for value in range(base, min(base + 32, COUNTER_MAX + 1)):
        if encode_counter(value) == bytes(encoded):
            return value
    raise ValueError(f"not a counter encoding: {bytes(encoded).hex()}")
