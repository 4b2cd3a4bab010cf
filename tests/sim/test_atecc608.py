"""The ATECC608 emulator: packets and CRC against published bytes, power states, zones and locks,
the access policy, the counters, and every digest against the datasheet formula computed here
with hashlib — then the unmodified adafruit_atecc driver on it."""

import hashlib
import hmac
import json

import pytest

from atecc_host import ChipError, command_packet, load_driver, make_chip
from paths import ROOT
from smartkey.sim import atecc608_commands as op
from smartkey.sim.atecc608 import ATECC608, T_WATCHDOG, T_WHI
from smartkey.sim.atecc608_zones import (
    COUNTER_MAX,
    FACTORY_CONFIG,
    crc16,
    crc_le,
    decode_counter,
    encode_counter,
)
from smartkey.sim.bus import I2C

VECTORS = json.loads((ROOT / "tests" / "vectors" / "atecc608.json").read_text())
PACKETS = {p["what"]: bytes.fromhex(p["packet"]) for p in VECTORS["packets"]}
EXECUTION_ERROR, PARSE_ERROR = 0x0F, 0x03
SLOT_KEY, SLOT_MATCH, SLOT_CLEAR = 1, 2, 3
KEY = bytes(range(0x40, 0x60))

# The slots of docs/secure-element.md, plus a clear-text slot 3 and a ReqAuth slot 4 whose
# AuthKey is slot 5, for the policy tests.
SLOT_CONFIGS = {
    SLOT_KEY: b"\xaf\x00",  # secret, LimitedUse, WriteConfig Always
    SLOT_MATCH: b"\x00\x41",  # clear read, WriteConfig Encrypt with WriteKey 1
    SLOT_CLEAR: b"\x00\x00",  # clear read, WriteConfig Always
    4: b"\x8f\x80",
    5: b"\x8f\x80",
}
KEY_CONFIGS = {4: b"\x9c\x05"}  # KeyType 7, ReqAuth, AuthKey 5


# -- helpers -----------------------------------------------------------------------------------


def write_config(host, config: bytes) -> None:
    """Config bytes 16–127 in 4-byte words, skipping word 21 (bytes 84–87), as the driver does;
    the chip asleep or idle before and after."""
    for at in range(16, 128, 4):
        if at != 84:
            host.call(op.OP_WRITE, 0x00, at // 4, config[at : at + 4])


def token_config(count_match: int = 0x21) -> bytearray:
    config = bytearray(FACTORY_CONFIG)
    config[18] = count_match
    for slot in range(16):
        config[20 + 2 * slot : 22 + 2 * slot] = SLOT_CONFIGS.get(slot, b"\x8f\x80")
        config[96 + 2 * slot : 98 + 2 * slot] = KEY_CONFIGS.get(slot, b"\x1c\x00")
    return config


def provisioned(*, match: int = 64, counter0: int = 0, **options):
    """A chip set up as the token does: configured, slots written in clear, both zones locked."""
    chip, host, bus, clock = make_chip(**options)
    config = token_config()
    config[52:60] = encode_counter(counter0)
    write_config(host, config)
    host.call(op.OP_LOCK, 0x80)
    host.call(op.OP_WRITE, 0x82, SLOT_KEY << 3, KEY)
    host.call(op.OP_WRITE, 0x82, SLOT_MATCH << 3, match_block(match))
    host.call(op.OP_WRITE, 0x82, SLOT_CLEAR << 3, bytes(range(32)))
    host.call(op.OP_WRITE, 0x82, 5 << 3, bytes(32))
    host.call(op.OP_LOCK, 0x81)
    host.wake()
    return chip, host, bus, clock


def match_block(value: int) -> bytes:
    return (value.to_bytes(4, "little") * 2).ljust(32, b"\x00")


def serial(chip) -> bytes:
    return chip.serial_number


def datasheet_mac(key: bytes, challenge: bytes, mode: int, key_id: int, sn: bytes) -> bytes:
    """MAC's SHA-256 message (datasheet, MAC command): key, challenge, opcode, mode, KeyID,
    11 OTP bytes (zeros in these modes), SN[8], SN[4:8] if mode bit 6, SN[0:2], SN[2:4] if
    mode bit 6."""
    with_sn = bool(mode & 0x40)
    message = (
        key
        + challenge
        + bytes([0x08, mode, key_id, 0])
        + bytes(11)
        + sn[8:9]
        + (sn[4:8] if with_sn else bytes(4))
        + sn[0:2]
        + (sn[2:4] if with_sn else bytes(2))
    )
    assert len(message) == 88
    return hashlib.sha256(message).digest()


def nonce_tempkey(rand_out: bytes, num_in: bytes, mode: int = 0) -> bytes:
    return hashlib.sha256(rand_out + num_in + bytes([0x16, mode, 0])).digest()


def gendig_tempkey(value: bytes, zone: int, key_id: int, sn: bytes, tempkey: bytes) -> bytes:
    message = value + bytes([0x15, zone, key_id, 0]) + sn[8:9] + sn[0:2] + bytes(25) + tempkey
    assert len(message) == 96
    return hashlib.sha256(message).digest()


# -- packets and CRC ---------------------------------------------------------------------------


@pytest.mark.parametrize("what", sorted(PACKETS))
def test_crc_of_published_packets(what):
    packet = PACKETS[what]
    assert packet[0] == len(packet)
    assert crc_le(packet[:-2]) == packet[-2:]


def test_crc_of_nothing_is_zero():
    assert crc16(b"") == 0


def test_the_packets_the_emulator_sends_are_the_published_ones():
    _chip, host, _, _ = make_chip()
    assert host.wake() == PACKETS["wake status"]
    assert command_packet(op.OP_INFO, 0) == PACKETS["Info (DevRev) command"]
    assert command_packet(op.OP_RANDOM, 0) == PACKETS["Random command"]
    host.send(op.OP_RANDOM, 0)
    host.clock.advance(0.023)
    assert host.read_packet() == PACKETS["Random response before the config lock"]
    host.write(b"\x03" + PACKETS["Nonce command"])  # the published packet, byte for byte
    host.clock.advance(0.020)
    assert host.read_packet() == PACKETS["Random response before the config lock"]
    host.send(op.OP_INFO, 0x07)  # an Info mode that does not exist
    host.clock.advance(0.005)
    assert host.read_packet() == PACKETS["parse error status"]
    host.send(op.OP_WRITE, 0x00, 0, bytes(4))  # config word 0: the serial number
    host.clock.advance(0.045)
    assert host.read_packet() == PACKETS["execution error status"]
    host.send(op.OP_WRITE, 0x00, 5, bytes(4))
    host.clock.advance(0.045)
    assert host.read_packet() == PACKETS["success status"]


def test_a_bad_crc_or_count_answers_ff_and_runs_nothing():
    chip, host, _, _clock = make_chip()
    host.wake()
    packet = bytearray(command_packet(op.OP_WRITE, 0x00, 5, b"\x11\x22\x33\x44"))
    packet[-1] ^= 1
    host.write(b"\x03" + bytes(packet))
    assert host.read_packet() == bytes.fromhex("04ff") + crc_le(bytes.fromhex("04ff"))
    short = command_packet(op.OP_WRITE, 0x00, 5, b"\x11\x22\x33\x44")[:-3]
    host.write(b"\x03" + short)
    assert host.read_packet()[1] == 0xFF
    assert chip.config[20:24] == FACTORY_CONFIG[20:24]
    assert chip.commands == []


def test_factory_configuration_reads_as_a_fresh_608b():
    _chip, host, _, _ = make_chip()
    host.wake()
    config = b"".join(host.command(op.OP_READ, 0x80, block << 3) for block in range(4))
    assert config == bytes.fromhex(VECTORS["factory_config"]["config"])
    assert host.command(op.OP_INFO, 0) == bytes.fromhex("00006003")


# -- power states, timing, watchdog ------------------------------------------------------------


def test_asleep_the_chip_nacks_and_scan_does_not_see_it():
    _chip, host, _, _ = make_chip()
    with pytest.raises(OSError):
        host.write(b"\x02")
    assert 0x60 not in host.i2c.scan()  # its own address at 100 kHz is a wake token, though


def test_the_wake_token_needs_60_us_of_low_sda():
    for frequency, wakes in ((100_000, True), (133_000, True), (140_000, False), (400_000, False)):
        chip, host, _, _ = make_chip(frequency=frequency)
        with pytest.raises(OSError):
            host.i2c.writeto(0x00, b"\x00")  # 8 low bit times: 80 µs at 100 kHz
        assert chip.awake == wakes, frequency


def test_other_traffic_with_long_low_runs_wakes_the_chip_too():
    chip, host, bus, _ = make_chip(frequency=400_000)

    class Display:
        address = 0x3C

        def i2c_write(self, data, stop):
            pass

        def i2c_read(self, nbytes):
            return bytes(nbytes)

    bus.attach(Display())
    host.i2c.writeto(0x3C, b"\x40" + bytes(8))  # a blank row of pixels: 80 low bits
    assert chip.awake


def test_after_the_wake_it_nacks_for_twhi_then_says_11():
    _chip, host, _, clock = make_chip()
    with pytest.raises(OSError):
        host.i2c.writeto(0x00, b"\x00")
    clock.advance(T_WHI * 0.9)
    with pytest.raises(OSError):
        host.read_packet()
    clock.advance(T_WHI * 0.1)
    assert host.read_packet() == PACKETS["wake status"]


def test_a_command_nacks_until_its_maximum_execution_time():
    chip, host, _, clock = make_chip()
    host.wake()
    host.send(op.OP_WRITE, 0x00, 5, bytes(4))
    clock.advance(0.044)
    with pytest.raises(OSError):
        host.read_packet()
    clock.advance(0.001)
    assert host.read_packet() == PACKETS["success status"]
    assert chip.commands == [("Write", pytest.approx(0.045))]


def test_the_clock_divider_in_chipmode_scales_the_sha_time():
    _chip, host, _, clock = make_chip()
    host.wake()
    config = bytearray(FACTORY_CONFIG)
    config[19] = 0x68  # ChipMode: clock divider M2
    host.command(op.OP_WRITE, 0x00, 4, config[16:20])
    host.send(op.OP_SHA, 0x00)
    clock.advance(0.074)
    with pytest.raises(OSError):
        host.read_packet()
    clock.advance(0.001)
    assert host.read_packet() == PACKETS["success status"]


def test_sleep_loses_the_sha_context_and_idle_keeps_it():
    _chip, host, _, _ = make_chip()
    host.wake()
    host.command(op.OP_SHA, 0x00)
    host.idle()
    host.wake()
    host.command(op.OP_SHA, 0x01, 64, b"a" * 64)
    host.sleep()
    host.wake()
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_SHA, 0x02, 0)
    assert refused.value.status == EXECUTION_ERROR


def test_idle_keeps_tempkey_and_sleep_loses_it():
    _chip, host, _, _ = make_chip()
    host.wake()
    host.command(op.OP_NONCE, 0x03, 0, bytes(32))
    host.idle()
    host.wake()
    host.command(op.OP_GENDIG, 0x00, 0)  # needs a valid TempKey
    host.sleep()
    host.wake()
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_GENDIG, 0x00, 0)
    assert refused.value.status == EXECUTION_ERROR


def test_the_watchdog_puts_the_chip_to_sleep_and_refuses_work_it_could_not_finish():
    chip, host, _, clock = make_chip()
    host.wake()
    host.command(op.OP_NONCE, 0x03, 0, bytes(32))
    clock.advance(T_WATCHDOG - 0.01 - T_WHI - 0.02)
    host.send(op.OP_SHA, 0x00)  # 36 ms: past the watchdog
    assert host.read_packet() == bytes.fromhex("04ee") + crc_le(bytes.fromhex("04ee"))
    clock.advance(0.02)
    assert not chip.awake
    with pytest.raises(OSError):
        host.read_packet()
    host.wake()
    with pytest.raises(ChipError):
        host.command(op.OP_GENDIG, 0x00, 0)  # TempKey went with the watchdog's sleep


def test_power_off_loses_volatile_state_and_keeps_the_eeprom(tmp_path):
    chip, host, _, _ = provisioned()
    host.command(op.OP_COUNTER, 1, 0)
    host.command(op.OP_NONCE, 0x03, 0, bytes(32))
    chip.power_off()
    chip.power_on()
    assert not chip.awake
    host.wake()
    assert host.command(op.OP_COUNTER, 0, 0) == (1).to_bytes(4, "little")
    with pytest.raises(ChipError):
        host.command(op.OP_GENDIG, 0x00, 0)


# -- zones, locks, access policy ---------------------------------------------------------------


def test_config_writes_skip_the_factory_bytes_and_stop_at_the_lock():
    chip, host, _, _ = make_chip()
    host.wake()
    for word in (0, 3, 21):  # serial number and revision; UserExtra and the lock bytes
        with pytest.raises(ChipError) as refused:
            host.command(op.OP_WRITE, 0x00, word, bytes(4))
        assert refused.value.status == EXECUTION_ERROR
    block0 = bytes(range(100, 132))
    host.command(op.OP_WRITE, 0x80, 0, block0)
    assert chip.config[:16] == FACTORY_CONFIG[:16] and chip.config[16:32] == block0[16:]
    host.command(op.OP_LOCK, 0x80)
    with pytest.raises(ChipError):
        host.command(op.OP_WRITE, 0x00, 5, bytes(4))
    with pytest.raises(ChipError):
        host.command(op.OP_LOCK, 0x80)


def test_lock_checks_the_summary_crc_unless_told_not_to():
    chip, host, _, _ = make_chip()
    host.wake()
    wrong = crc16(bytes(chip.config)) ^ 1
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_LOCK, 0x00, wrong)
    assert refused.value.status == EXECUTION_ERROR and not chip.config_locked
    host.command(op.OP_LOCK, 0x00, crc16(bytes(chip.config)))
    assert chip.config_locked
    host.command(op.OP_WRITE, 0x82, SLOT_CLEAR << 3, bytes(range(32)))
    data = b"".join(bytes(chip.slots[s]) for s in range(16)) + bytes(chip.otp)
    with pytest.raises(ChipError):
        host.command(op.OP_LOCK, 0x01, crc16(data) ^ 0x100)
    host.command(op.OP_LOCK, 0x01, crc16(data))
    assert chip.data_locked


def test_data_zone_order_write_after_config_lock_read_after_data_lock():
    _chip, host, _, _ = make_chip()
    host.wake()
    with pytest.raises(ChipError):
        host.command(op.OP_WRITE, 0x82, SLOT_CLEAR << 3, bytes(32))
    with pytest.raises(ChipError):
        host.command(op.OP_LOCK, 0x81)  # data before config
    host.command(op.OP_LOCK, 0x80)
    host.command(op.OP_WRITE, 0x82, SLOT_CLEAR << 3, bytes(range(32)))
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_READ, 0x82, SLOT_CLEAR << 3)
    assert refused.value.status == EXECUTION_ERROR


def test_random_is_a_fixed_pattern_before_the_config_lock_then_seeded():
    def randoms(seed):
        _chip, host, _, _ = make_chip(seed=seed)
        host.wake()
        before = host.command(op.OP_RANDOM, 0)
        host.command(op.OP_LOCK, 0x80)
        return before, host.command(op.OP_RANDOM, 0), host.command(op.OP_RANDOM, 0)

    before, first, second = randoms(1)
    assert before == bytes.fromhex(VECTORS["unlocked_random"]["random"])
    assert first != second and first != before
    assert randoms(1) == (before, first, second)
    assert randoms(2)[1] != first


def test_a_secret_slot_cannot_be_read_but_a_dump_has_it():
    chip, host, _, _ = provisioned()
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_READ, 0x82, SLOT_KEY << 3)
    assert refused.value.status == EXECUTION_ERROR
    assert host.command(op.OP_READ, 0x82, SLOT_CLEAR << 3) == bytes(range(32))
    assert host.command(op.OP_READ, 0x82, SLOT_MATCH << 3) == match_block(64)
    assert KEY in chip.dump()
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_READ, 0x82, 4 << 3)
    assert refused.value.status == EXECUTION_ERROR


def test_write_config_always_never_and_slot_sizes():
    _chip, host, _, _ = provisioned()
    host.command(op.OP_WRITE, 0x82, SLOT_CLEAR << 3, bytes(32))  # Always
    with pytest.raises(ChipError):
        host.command(op.OP_WRITE, 0x82, 4 << 3, bytes(32))  # Never
    with pytest.raises(ChipError):
        host.command(op.OP_WRITE, 0x82, SLOT_MATCH << 3, bytes(32))  # Encrypt, sent in clear
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_READ, 0x82, SLOT_CLEAR << 3 | 1 << 8)  # 36-byte slot: no 2nd block
    assert refused.value.status == PARSE_ERROR
    assert host.command(op.OP_READ, 0x02, SLOT_CLEAR << 3 | 1 << 8) == bytes(4)


@pytest.mark.parametrize("zone", [0x82, 0xC2])  # Microchip's documents; CryptoAuthLib
def test_an_encrypted_write_needs_a_gendig_of_the_write_key_and_its_mac(zone):
    chip, host, _, _ = provisioned()
    sn = serial(chip)
    num_in = bytes(range(20))

    def encrypted(plain: bytes, *, tamper: bool = False) -> bytes:
        rand_out = host.command(op.OP_NONCE, 0x00, 0, num_in)
        host.command(op.OP_GENDIG, 0x02, SLOT_KEY)
        tempkey = gendig_tempkey(KEY, 0x02, SLOT_KEY, sn, nonce_tempkey(rand_out, num_in))
        address = SLOT_MATCH << 3
        mac = hashlib.sha256(
            tempkey + bytes([0x12, zone]) + address.to_bytes(2, "little") + sn[8:9] + sn[0:2]
            + bytes(25) + plain
        ).digest()  # fmt: skip
        cipher = bytes(a ^ b for a, b in zip(plain, tempkey, strict=True))
        if tamper:
            mac = bytes([mac[0] ^ 1]) + mac[1:]
        return host.command(op.OP_WRITE, zone, address, cipher + mac)

    with pytest.raises(ChipError):
        encrypted(match_block(96), tamper=True)
    assert bytes(chip.slots[SLOT_MATCH][:32]) == match_block(64)
    encrypted(match_block(96))
    assert host.command(op.OP_READ, 0x82, SLOT_MATCH << 3) == match_block(96)
    with pytest.raises(ChipError):  # TempKey was used up by the write
        host.command(op.OP_WRITE, zone, SLOT_MATCH << 3, bytes(64))
    with pytest.raises(ChipError) as refused:  # a slot that takes clear writes only
        host.command(op.OP_WRITE, zone, SLOT_CLEAR << 3, bytes(64))
    assert refused.value.status == EXECUTION_ERROR


# -- counters ----------------------------------------------------------------------------------


def test_counter_encoding_round_trips_and_matches_the_factory_bytes():
    assert encode_counter(0) == FACTORY_CONFIG[52:60]
    for value in (0, 1, 15, 16, 17, 31, 32, 33, 1000, COUNTER_MAX):
        assert decode_counter(encode_counter(value)) == value


def test_counters_only_go_up_and_survive_power_cuts(tmp_path):
    path = tmp_path / "atecc608.bin"
    chip, host, _, clock = provisioned(path=path, match=10_000)
    counts = [int.from_bytes(host.command(op.OP_COUNTER, 1, 0), "little") for _ in range(3)]
    assert counts == [1, 2, 3]
    assert host.command(op.OP_COUNTER, 1, 1) == (1).to_bytes(4, "little")  # Counter[1] apart
    again = ATECC608(clock, path=path)  # the same chip on a new board
    assert again.dump() == chip.dump()
    assert again.counter(0) == 3 and again.data_locked


def test_a_counter_stops_at_its_maximum():
    _chip, host, _, _ = make_chip()
    host.wake()
    config = bytearray(FACTORY_CONFIG)
    config[60:68] = encode_counter(COUNTER_MAX - 1)
    host.command(op.OP_WRITE, 0x80, 1 << 3, config[32:64])
    host.command(op.OP_WRITE, 0x00, 16, config[64:68])
    assert host.command(op.OP_COUNTER, 1, 1) == COUNTER_MAX.to_bytes(4, "little")
    with pytest.raises(ChipError) as refused:
        host.command(op.OP_COUNTER, 1, 1)
    assert refused.value.status == EXECUTION_ERROR
    assert host.command(op.OP_COUNTER, 0, 1) == COUNTER_MAX.to_bytes(4, "little")


def test_a_limited_use_key_stops_at_the_count_match_across_power_cuts():
    chip, host, _, _ = provisioned(match=32, counter0=29)
    challenge = bytes(32)
    host.command(op.OP_MAC, 0x00, SLOT_KEY, challenge)
    chip.power_off()
    chip.power_on()
    host.wake()
    host.command(op.OP_MAC, 0x00, SLOT_KEY, challenge)
    host.command(op.OP_MAC, 0x00, SLOT_KEY, challenge)
    for _ in range(2):
        with pytest.raises(ChipError) as refused:
            host.command(op.OP_MAC, 0x00, SLOT_KEY, challenge)
        assert refused.value.status == EXECUTION_ERROR
    assert chip.counter(0) == 32
    with pytest.raises(ChipError):
        host.command(op.OP_COUNTER, 1, 0)  # nor can the counter pass the match
    assert host.command(op.OP_MAC, 0x00, SLOT_CLEAR, challenge)  # other keys do not count


def test_the_count_match_ignores_its_five_low_bits():
    _chip, host, _, _ = provisioned(match=32 + 31, counter0=31)
    host.command(op.OP_MAC, 0x00, SLOT_KEY, bytes(32))
    with pytest.raises(ChipError):
        host.command(op.OP_MAC, 0x00, SLOT_KEY, bytes(32))


# -- digests against the datasheet formulas ----------------------------------------------------


@pytest.mark.parametrize("mode", [0x00, 0x40])
def test_mac_of_a_challenge(mode):
    chip, host, _, _ = provisioned()
    challenge = hashlib.sha256(b"smartkey se").digest()
    response = host.command(op.OP_MAC, mode, SLOT_KEY, challenge)
    assert response == datasheet_mac(KEY, challenge, mode, SLOT_KEY, serial(chip))
    assert chip.counter(0) == 1


def test_mac_over_a_random_nonce_and_the_source_flag():
    chip, host, _, _ = provisioned()
    num_in = b"\x07" * 20
    rand_out = host.command(op.OP_NONCE, 0x00, 0, num_in)
    tempkey = nonce_tempkey(rand_out, num_in)
    with pytest.raises(ChipError):  # mode bit 2 says "input", TempKey came from the RNG
        host.command(op.OP_MAC, 0x05, SLOT_CLEAR)
    rand_out = host.command(op.OP_NONCE, 0x00, 0, num_in)
    tempkey = nonce_tempkey(rand_out, num_in)
    response = host.command(op.OP_MAC, 0x01, SLOT_CLEAR)
    assert response == datasheet_mac(bytes(range(32)), tempkey, 0x01, SLOT_CLEAR, serial(chip))
    with pytest.raises(ChipError):  # TempKey is used up
        host.command(op.OP_MAC, 0x01, SLOT_CLEAR)


def test_gendig_of_a_slot_then_mac_of_tempkey():
    chip, host, _, _ = provisioned()
    sn = serial(chip)
    seed = hashlib.sha256(b"pass-through").digest()
    host.command(op.OP_NONCE, 0x03, 0, seed)
    host.command(op.OP_GENDIG, 0x02, SLOT_KEY)
    tempkey = gendig_tempkey(KEY, 0x02, SLOT_KEY, sn, seed)
    challenge = bytes(range(32, 64))
    response = host.command(op.OP_MAC, 0x06, SLOT_CLEAR, challenge)  # TempKey first, input
    assert response == datasheet_mac(tempkey, challenge, 0x06, SLOT_CLEAR, sn)
    assert chip.counter(0) == 1  # the GenDig used the limited key


def test_gendig_of_a_config_block():
    chip, host, _, _ = make_chip()
    host.wake()
    seed = bytes(32)
    host.command(op.OP_NONCE, 0x03, 0, seed)
    host.command(op.OP_GENDIG, 0x00, 2)
    expected = gendig_tempkey(FACTORY_CONFIG[64:96], 0x00, 2, serial(chip), seed)
    assert chip.tempkey.value == expected and chip.tempkey.valid


def test_checkmac_accepts_the_right_response_and_authorizes_its_key():
    chip, host, _, _ = provisioned()
    sn = serial(chip)
    challenge, other = bytes(range(32)), bytes(range(13))

    def checkmac(response: bytes) -> bytes:
        return host.command(op.OP_CHECKMAC, 0x00, 5, challenge + response + other)

    message = (
        bytes(32) + challenge + other[0:4] + bytes(8) + other[4:7] + sn[8:9] + other[7:11]
        + sn[0:2] + other[11:13]
    )  # fmt: skip
    assert len(message) == 88
    right = hashlib.sha256(message).digest()
    with pytest.raises(ChipError):  # slot 4 needs slot 5's authorization
        host.command(op.OP_MAC, 0x00, 4, challenge)
    with pytest.raises(ChipError) as miscompare:
        checkmac(bytes(32))
    assert miscompare.value.status == 0x01
    assert checkmac(right) == b"\x00"
    assert host.command(op.OP_MAC, 0x00, 4, challenge)
    host.sleep()
    host.wake()
    with pytest.raises(ChipError):  # the authorization is volatile
        host.command(op.OP_MAC, 0x00, 4, challenge)


def test_sha_and_hmac_with_a_slot_key():
    chip, host, _, _ = provisioned()
    message = bytes(range(64)) + b"tail"
    host.command(op.OP_SHA, 0x00)
    host.command(op.OP_SHA, 0x01, 64, message[:64])
    assert host.command(op.OP_SHA, 0x02, 4, message[64:]) == hashlib.sha256(message).digest()
    host.command(op.OP_SHA, 0x04, SLOT_KEY)
    host.command(op.OP_SHA, 0x01, 64, message[:64])
    digest = host.command(op.OP_SHA, 0xC2, 4, message[64:])
    assert digest == hmac.new(KEY, message, hashlib.sha256).digest()
    assert chip.counter(0) == 1


# -- the unmodified adafruit_atecc driver ------------------------------------------------------


def test_the_driver_waits_less_than_the_datasheet_guarantees():
    """adafruit_atecc 1.3.2 waits 1 ms after its wake pulse (tWHI is 1.5 ms) and less than the
    maximum execution time for Info, Nonce, Write, Lock and Counter: on a chip as slow as the
    datasheet allows, its first call already fails."""
    _chip, host, _, clock = make_chip()
    driver = load_driver(clock)
    with pytest.raises(OSError):
        driver.ATECC(I2C(host.i2c._bus, frequency=100_000))


def test_the_driver_runs_on_a_chip_at_45_percent_of_the_maxima():
    chip, host, _bus, clock = make_chip(time_scale=0.45)
    host.i2c.unlock()
    driver = load_driver(clock)
    atecc = driver.ATECC(host.i2c)
    assert atecc.version() >> 8 == 0x60
    assert atecc.serial_number == serial(chip).hex().upper()
    assert not atecc.locked
    assert atecc.counter(0, increment_counter=True) == bytearray((1, 0, 0, 0))
    atecc.sha_start()
    atecc.sha_update(bytes(64))
    assert atecc.sha_digest(bytearray(b"abc")) == hashlib.sha256(bytes(64) + b"abc").digest()
    num_in = bytearray(range(20))
    rand_out = atecc.nonce(num_in)
    assert chip.tempkey.value == nonce_tempkey(bytes(rand_out), bytes(num_in))
    atecc.write_config(token_config())
    atecc.lock(0)
    assert chip.config_locked and chip.config[22:24] == SLOT_CONFIGS[SLOT_KEY]
    assert 0 <= atecc.random(rnd_max=1024) < 1024
    atecc.lock(1)
    assert atecc.locked


def test_the_driver_cannot_wake_the_chip_at_400_khz():
    chip, host, _, clock = make_chip(frequency=400_000, time_scale=0.45)
    host.i2c.unlock()
    driver = load_driver(clock)
    with pytest.raises(OSError):
        driver.ATECC(host.i2c)
    assert not chip.awake


# -- on the virtual board ----------------------------------------------------------------------


def test_the_virtual_board_keeps_the_chips_eeprom_and_cuts_its_power(tmp_path):
    from smartkey.sim import VirtualBoard

    drive = tmp_path / "drive"
    with VirtualBoard(drive, utc=1_700_000_000, atecc608=True) as board:
        chip = board.atecc608
        assert chip is not None and 0x60 in board.bus
        board.step(1.0)
        assert not chip.config_locked  # a token without the setting never configures it
        chip.set_counter(0, 5)
        chip.tempkey.load(bytes(32), random=False)
        board.power_cycle()
        assert not chip.tempkey.valid and chip.counter(0) == 5
        image = chip.dump()
    with VirtualBoard(drive, utc=1_700_000_000, atecc608=True) as again:
        assert again.atecc608 is not None and again.atecc608.dump() == image
    with VirtualBoard(tmp_path / "other", utc=1_700_000_000, atecc608=True) as other:
        assert other.atecc608 is not None
        assert other.atecc608.serial_number != chip.serial_number
