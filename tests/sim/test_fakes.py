"""The fakes of CircuitPython's modules refuse what CircuitPython refuses.

What each test holds the fake to is CircuitPython 10's ``shared-bindings``/``shared-module`` and
the RP2040 port, as named in the fakes' docstrings; the aesio vectors were computed by the unix
build of CircuitPython 10.
"""

import errno
import types
from pathlib import Path

import pytest

from board_helpers import T0
from smartkey.sim import VirtualBoard, loader
from smartkey.sim.state import CDC_TX_FIFO, CdcPipe, HostFilesystem

FAKES = Path(__file__).resolve().parents[2] / "tools" / "smartkey" / "sim" / "fakes"


class Clock:
    """A scheduler for a fake used outside a board: sleeping moves time and lets the host act."""

    def __init__(self, host=None):
        self.now = 0.0
        self.host = host

    def sleep(self, seconds):
        self.now += seconds
        if self.host is not None:
            self.host(self.now)


def fake(name, **hw):
    module = types.ModuleType(name)
    exec(loader.compile_source(FAKES / f"{name}.py"), module.__dict__)
    module._hw = types.SimpleNamespace(**hw)
    return module


# -- usb_cdc ---------------------------------------------------------------------------------
def cdc_channel(host=None, capacity=64 + CDC_TX_FIFO):
    pipe = CdcPipe(capacity)
    pipe.host_open = True
    clock = Clock(host)
    usb_cdc = fake("usb_cdc", scheduler=clock)
    return usb_cdc.Serial(pipe), pipe, clock


def test_cdc_timeouts_start_as_none_as_on_the_device():
    serial, _, _ = cdc_channel()
    assert serial.timeout is None and serial.write_timeout is None


def test_a_cdc_write_comes_back_short_when_the_host_stops_reading():
    serial, _, clock = cdc_channel()
    serial.write_timeout = 0.5
    assert serial.write(bytes(1000)) == 64 + CDC_TX_FIFO  # what the buffers hold, no more
    assert clock.now == pytest.approx(0.5, abs=0.01)  # after waiting write_timeout for room
    assert serial.out_waiting == CDC_TX_FIFO
    serial.write_timeout = 0
    assert serial.write(b"more") == 0 and clock.now == pytest.approx(0.5, abs=0.01)


def test_a_cdc_write_waits_for_a_host_that_reads_again():
    def host(now):
        if now >= 0.2:
            pipe.to_host.clear()  # the host reads after 0.2 s

    serial, pipe, clock = cdc_channel(host)
    assert serial.write(bytes(500)) == 500  # write_timeout None: waits as long as it takes
    assert 0.2 <= clock.now < 0.25


def test_cdc_bytes_written_with_the_port_closed_are_lost_without_blocking():
    serial, pipe, clock = cdc_channel()
    pipe.host_open = False
    serial.write_timeout = None
    assert serial.write(bytes(5000)) == 5000 and clock.now == 0 and not pipe.to_host


def test_a_cdc_read_of_everything_waits_out_the_timeout():
    serial, pipe, clock = cdc_channel()
    pipe.to_device += b"abc"
    serial.timeout = 0.1
    assert serial.read() == b"abc" and clock.now == pytest.approx(0.1, abs=0.01)


# -- os ----------------------------------------------------------------------------------------
SETTINGS = 'A = 60\nB = 0x3C\nC = "0x3C"\nD = GP13  # a pin\nE = "q\\"uoted"\nA = 1\n'


@pytest.mark.parametrize(
    ("release", "bare"),
    [
        ("9.2.9", {"A": 60, "B": 60, "D": ValueError}),
        ("10.1.4", {"A": 60, "B": 60, "D": ValueError}),
        ("10.2.1", {"A": "60", "B": "0x3C", "D": "GP13"}),
    ],
)
def test_getenv_reads_settings_as_the_release_does(tmp_path, release, bare):
    board = VirtualBoard(tmp_path / "drive", utc=T0, circuitpython=release)
    (board.drive / "settings.toml").write_text(SETTINGS)
    with board:
        board.step(0.1)
        os = board.fake("os")
        for key, want in bare.items():
            if want is ValueError:
                with pytest.raises(ValueError, match="invalid syntax for integer"):
                    os.getenv(key)
            else:
                assert os.getenv(key) == want
        assert os.getenv("C") == "0x3C" and os.getenv("E") == 'q"uoted'  # quoted: str always
        assert os.getenv("MISSING", 5) == 5


def test_rename_onto_a_file_removes_it_first_and_onto_a_directory_fails(tmp_path):
    class Recording(HostFilesystem):
        def __init__(self):
            self.steps = []

        def remove(self, path):
            self.steps.append(("remove", Path(path).name))
            super().remove(path)

        def rename(self, old, new):
            self.steps.append(("rename", Path(old).name, Path(new).name))
            super().rename(old, new)

    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.1)
        state, os = board.state, board.fake("os")
        state.filesystem = recording = Recording()
        (board.drive / "a").write_text("new")
        (board.drive / "b").write_text("old")
        os.rename("/a", "/b")
        assert (board.drive / "b").read_text() == "new" and not (board.drive / "a").exists()
        # Two steps, not one atomic replace: a power cut between them leaves "a" only.
        assert recording.steps == [("remove", "b"), ("rename", "a", "b")]
        os.mkdir("/d")
        with pytest.raises(OSError) as error:
            os.rename("/b", "/d")
        assert error.value.errno == errno.EISDIR
        with pytest.raises(OSError) as error:
            os.rename("/nothing", "/c")
        assert error.value.errno == errno.ENOENT
        assert not hasattr(os, "replace")  # CircuitPython's os has none


# -- busio -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sda", "scl", "valid"),
    [
        ("GP4", "GP5", True),  # I2C0
        ("GP0", "GP1", True),  # I2C0
        ("GP4", "GP1", True),  # I2C0 too: any SDA and SCL of one block pair up
        ("GP2", "GP3", True),  # I2C1
        ("GP6", "GP7", True),  # I2C1
        ("GP5", "GP4", False),  # swapped: SDA must be even, SCL odd
        ("GP4", "GP7", False),  # I2C0 SDA with I2C1 SCL
        ("GP6", "GP8", False),  # two SDA pins
    ],
)
def test_i2c_takes_only_pin_pairs_the_rp2040_has(tmp_path, sda, scl, valid):
    # No chips wired: the firmware's own I2C fails its pull-up check and claims nothing.
    with VirtualBoard(tmp_path / "drive", utc=T0, rtc=False, display=False) as board:
        board.step(0.1)
        busio, pins = board.fake("busio"), board.fake("board")
        with pytest.raises(RuntimeError if valid else ValueError) as error:
            busio.I2C(getattr(pins, scl), getattr(pins, sda))
        if not valid:
            assert str(error.value) == "Invalid pins"


def test_i2c_refuses_pins_in_use_and_frequencies_above_1_mhz(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.1)
        busio, pins = board.fake("busio"), board.fake("board")
        with pytest.raises(ValueError, match="GP5 in use"):
            busio.I2C(pins.GP5, pins.GP4)  # the firmware has them
        with pytest.raises(ValueError, match="I2C peripheral in use"):
            busio.I2C(pins.GP1, pins.GP0)  # another pair of the same block, I2C0
        with pytest.raises(ValueError, match="frequency"):
            busio.I2C(pins.GP3, pins.GP2, frequency=2_000_000)
        with pytest.raises(ValueError, match="in use"):
            board.fake("digitalio").DigitalInOut(pins.LED)  # free, but LED is GP25 ...
            board.fake("digitalio").DigitalInOut(pins.GP25)  # ... so this is taken


# -- keypad ------------------------------------------------------------------------------------
def keys_on_gp20(tmp_path, **kwargs):
    board = VirtualBoard(tmp_path / "drive", utc=T0, wiring={"A": "GP20"})
    board.power_on()
    board.step(0.1)
    keypad = board.fake("keypad")
    return board, keypad.Keys((board.fake("board").GP20,), **kwargs)


def events(keys):
    got = []
    while (event := keys.events.get()) is not None:
        got.append("pressed" if event.pressed else "released")
    return got


def test_keys_read_a_button_to_gnd_with_the_pull_up_value_when_pressed_false_asks_for(tmp_path):
    board, keys = keys_on_gp20(tmp_path, value_when_pressed=False, pull=True)
    try:
        assert events(keys) == []
        board.state.set_button("A", True)
        board.state.set_button("A", False)
        assert events(keys) == ["pressed", "released"]
    finally:
        board.power_off()


def test_keys_with_the_wrong_value_when_pressed_never_see_the_button(tmp_path):
    # value_when_pressed=True with pull=True pulls the pin down: idle and pressed both read low.
    board, keys = keys_on_gp20(tmp_path, value_when_pressed=True, pull=True)
    try:
        board.state.set_button("A", True)
        board.state.set_button("A", False)
        assert events(keys) == []
    finally:
        board.power_off()


def test_keys_without_a_pull_read_every_key_pressed(tmp_path):
    # Nothing holds a button pin high without the pull-up: it reads low, i.e. pressed.
    board, keys = keys_on_gp20(tmp_path, value_when_pressed=False, pull=False)
    try:
        assert events(keys) == ["pressed"]
        keys.reset()  # as on the device: keys down now report pressed again
        assert events(keys) == ["pressed"]
    finally:
        board.power_off()


def test_keypad_events_without_a_timestamp_take_the_current_ticks(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(1.0)
        keypad = board.fake("keypad")
        assert keypad.Event(1, True).timestamp == board.fake("supervisor").ticks_ms()


# -- aesio -------------------------------------------------------------------------------------
KEY, IV = bytes(range(16)), bytes(range(16, 32))


def test_aes_modes_take_the_lengths_circuitpython_takes():
    aesio = fake("aesio")
    ecb = aesio.AES(KEY)
    assert ecb.mode == aesio.MODE_ECB
    for n in (15, 32):
        with pytest.raises(ValueError, match="ECB only operates on 16 bytes at a time"):
            ecb.encrypt_into(bytes(n), bytearray(n))
    cbc = aesio.AES(KEY, aesio.MODE_CBC, IV)
    cbc.encrypt_into(bytes(32), bytearray(32))
    with pytest.raises(ValueError, match="CBC blocks must be multiples of 16 bytes"):
        cbc.encrypt_into(bytes(17), bytearray(17))
    with pytest.raises(ValueError, match="same length"):
        ecb.encrypt_into(bytes(16), bytearray(32))
    with pytest.raises(ValueError, match="Key must be 16, 24, or 32 bytes long"):
        aesio.AES(bytes(15))
    with pytest.raises(ValueError, match="IV length must be 16"):
        aesio.AES(KEY, aesio.MODE_CTR, bytes(8))
    with pytest.raises(NotImplementedError):
        aesio.AES(KEY, 3)


def test_aes_ctr_starts_each_call_on_a_fresh_counter_block():
    """Computed by CircuitPython 10's unix build: CTR calls of 5, 11 and 20 bytes use blocks
    0, 1 and 2-3 of the keystream, dropping the rest of each block."""
    aesio = fake("aesio")
    ctr = aesio.AES(KEY, aesio.MODE_CTR, IV)
    out = [bytearray(n) for n in (5, 11, 20)]
    for chunk in out:
        ctr.encrypt_into(bytes(len(chunk)), chunk)
    assert [bytes(chunk).hex() for chunk in out] == [
        "07feef74e1",
        "92c2c504d80c820246797d",
        "ca21386735e5f8ab65968a2ca1d53d7a50f266b4",
    ]
    cbc = aesio.AES(KEY, aesio.MODE_CBC)  # no IV: sixteen zeros
    block = bytearray(16)
    cbc.encrypt_into(bytes(16), block)
    assert bytes(block).hex() == "c6a13b37878f5b826f4f8162a1c8d879"


# -- gc ----------------------------------------------------------------------------------------
def test_gc_reports_what_the_firmware_holds(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0, trace_heap=True) as board:
        board.step(0.5)
        gc = board.fake("gc")
        assert 0 < gc.mem_free() < 186_064
        before = gc.mem_alloc()
        vault = board.modules["smartkey_fw.vault"].Vault(bytes(8))  # buffers for a record …
        held = gc.mem_alloc()
        # Header, record, keystream and chunk buffers: 1,024 B on the device; an estimate here
        # (CPython's bytes, scaled as a whole: see smartkey.sim.heap).
        assert 500 <= held - before <= 2_000
        assert gc.mem_free() == 186_064 - gc.mem_alloc()
        del vault
        gc.collect()
        assert gc.mem_alloc() <= before + 100


# -- what CircuitPython 10 does not have -------------------------------------------------------
def test_names_circuitpython_10_lacks_are_missing_from_the_fakes(tmp_path):
    with VirtualBoard(tmp_path / "drive", utc=T0) as board:
        board.step(0.1)
        for module, name in (
            ("os", "replace"),  # shared-bindings/os has rename only
            ("supervisor", "disable_autoreload"),  # runtime.autoreload since 8.x
            ("hashlib", "sha1"),  # only new(name, data)
            ("hashlib", "sha256"),
        ):
            assert not hasattr(board.fake(module), name), (module, name)
        with pytest.raises(TypeError):
            board.fake("supervisor").set_next_code_file("code.py", None, True)  # keywords only
        with pytest.raises(RuntimeError, match="Cannot change USB devices now"):
            board.fake("storage").disable_usb_drive()  # boot.py only
