"""The secure element's arithmetic on CircuitPython's core: the configuration the token writes
(docs/secure-element.md's table) and the re-arming's encrypted write, checked here against the
datasheet's formulas with the host's hashlib. The chip's answers are scripted (the core has no
I2C); the virtual board's tests run the same code against the emulated chip."""

import hashlib

from cp_runner import core_fixture

cp = core_fixture()
KEY = bytes(range(0x40, 0x60))
RAND_OUT = bytes(range(0xA0, 0xC0))
SERIAL = bytes.fromhex("0123703AA642748FEE")
COUNTER = 40  # Counter[0] when the re-arming starts

SCRIPT = """
from binascii import hexlify

from smartkey_fw import secure_element as se


def text(data):
    return hexlify(bytes(data)).decode()


class Scripted(se.ATECC608):
    # The chip's side: Counter reads and increments, Nonce's RandOut, success otherwise.
    def __init__(self, config):
        self.tries = 11
        self._config = config
        self.state = se.OURS
        self.count = INPUT["counter"]
        self.sent = []

    def _command(self, opcode, p1, p2, data, length, ms):
        self.sent.append([opcode, p1, p2, text(data)])
        if opcode == 0x24:
            self.count += p1
            return self.count.to_bytes(4, "little")
        if opcode == 0x16:
            return bytes.fromhex(INPUT["rand_out"])
        return b"\\x00"


config = bytearray(128)
config[0:4] = bytes.fromhex(INPUT["serial"])[0:4]
config[8:13] = bytes.fromhex(INPUT["serial"])[4:9]
chip = Scripted(config)
chip.arm(bytes.fromhex(INPUT["key"]))
done({"image": text(se._config_image()), "sent": chip.sent, "count": chip.count})
"""


def test_the_configuration_and_the_rearming_write_are_the_datasheets(cp):
    got = cp.run(
        SCRIPT,
        {"key": KEY.hex(), "rand_out": RAND_OUT.hex(), "serial": SERIAL.hex(), "counter": COUNTER},
    )
    image = bytes.fromhex(got["image"])  # config bytes 16-127
    assert image[2] == 0x21  # CountMatch on, its value in slot 2
    slot_config = [image[4 + 2 * slot : 6 + 2 * slot] for slot in range(16)]
    assert slot_config[1] == b"\xaf\x00"  # secret, LimitedUse, WriteConfig Always
    assert slot_config[2] == b"\x00\x41"  # clear read, encrypted writes with key 1
    assert all(slot_config[s] == b"\x8f\x80" for s in range(16) if s not in (1, 2))
    assert all(image[80 + 2 * s : 82 + 2 * s] == b"\x1c\x00" for s in range(16))

    sent = [(opcode, p1, p2, bytes.fromhex(data)) for opcode, p1, p2, data in got["sent"]]
    nonce = next(command for command in sent if command[0] == 0x16)
    write = next(command for command in sent if command[0] == 0x12)
    assert sent.index(nonce) < next(i for i, c in enumerate(sent) if c[0] == 0x15)
    number_in = nonce[3]
    tempkey = hashlib.sha256(RAND_OUT + number_in + b"\x16\x00\x00").digest()
    tempkey = hashlib.sha256(
        KEY + b"\x15\x02\x01\x00" + SERIAL[8:9] + SERIAL[0:2] + bytes(25) + tempkey
    ).digest()
    assert write[1:3] == (0xC2, 0x0010)  # encrypted, 32 bytes, slot 2
    plain = bytes(a ^ b for a, b in zip(write[3][:32], tempkey, strict=True))
    target = (COUNTER + 1 + 11 + 31) & ~31
    assert plain == (target.to_bytes(4, "little") * 2).ljust(32, b"\x00")
    mac = hashlib.sha256(
        tempkey + b"\x12\xc2\x10\x00" + SERIAL[8:9] + SERIAL[0:2] + bytes(25) + plain
    ).digest()
    assert write[3][32:] == mac
    assert got["count"] == target - 11  # Counter[0] stepped up to leave exactly 11 tries
