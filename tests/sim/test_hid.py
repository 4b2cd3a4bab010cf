"""The ``usb_hid`` fake and the host that decodes its keyboard reports.

The device side is the unmodified adafruit_hid library (``Keyboard``, ``KeyboardLayoutUS``)
running on the fake, as the firmware does on the virtual board.
"""

from __future__ import annotations

import importlib.util
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import adafruit_hid
import pytest
from adafruit_hid.keyboard import Keyboard
from adafruit_hid.keyboard_layout_us import KeyboardLayoutUS
from adafruit_hid.keycode import Keycode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartkey.sim.hid import LAYOUTS, HidHost
from smartkey.sim.state import SafeModeReset

FAKE = Path(__file__).resolve().parents[2] / "tools" / "smartkey" / "sim" / "fakes" / "usb_hid.py"
STEAM = "23456789BCDFGHJKMNPQRTVWXY"
DIGIT_ROW = (
    Keycode.ONE,
    Keycode.TWO,
    Keycode.THREE,
    Keycode.FOUR,
    Keycode.FIVE,
    Keycode.SIX,
    Keycode.SEVEN,
    Keycode.EIGHT,
    Keycode.NINE,
    Keycode.ZERO,
)
KEYPAD_DIGITS = (
    Keycode.KEYPAD_ONE,
    Keycode.KEYPAD_TWO,
    Keycode.KEYPAD_THREE,
    Keycode.KEYPAD_FOUR,
    Keycode.KEYPAD_FIVE,
    Keycode.KEYPAD_SIX,
    Keycode.KEYPAD_SEVEN,
    Keycode.KEYPAD_EIGHT,
    Keycode.KEYPAD_NINE,
    Keycode.KEYPAD_ZERO,
)


def load_usb_hid() -> ModuleType:
    """A fresh copy of the fake, as each virtual board gets one."""
    spec = importlib.util.spec_from_file_location("usb_hid", FAKE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Runtime:
    """``supervisor.runtime`` as adafruit_hid reads it: USB is connected when the host is."""

    def __init__(self, host: HidHost) -> None:
        self._host = host

    @property
    def usb_connected(self) -> bool:
        return self._host.connected


class _Supervisor:
    def __init__(self, host: HidHost) -> None:
        self.runtime = _Runtime(host)


@dataclass
class Board:
    usb_hid: ModuleType
    host: HidHost

    def boot(self) -> None:
        self.usb_hid._apply_boot()

    @property
    def keyboard_device(self):
        return next(d for d in self.usb_hid.devices if (d.usage_page, d.usage) == (1, 6))


@pytest.fixture
def board(monkeypatch: pytest.MonkeyPatch) -> Board:
    """A board in its boot.py phase, wired to a US host."""
    usb_hid = load_usb_hid()
    host = HidHost()
    usb_hid._host = host
    # adafruit_hid binds usb_hid.Device and supervisor at import; its USB readiness check must
    # see this board's device class and this board's USB link.
    monkeypatch.setattr(adafruit_hid, "Device", usb_hid.Device)
    monkeypatch.setattr(adafruit_hid, "supervisor", _Supervisor(host))
    return Board(usb_hid, host)


@pytest.fixture
def host(board: Board) -> HidHost:
    board.boot()
    return board.host


@pytest.fixture
def keyboard(board: Board, host: HidHost) -> Keyboard:
    return Keyboard(board.usb_hid.devices)


@pytest.fixture
def us(keyboard: Keyboard) -> KeyboardLayoutUS:
    return KeyboardLayoutUS(keyboard)


# -- the fake device ---------------------------------------------------------------------------


def test_default_devices_are_circuitpythons(board: Board) -> None:
    board.boot()
    usb_hid = board.usb_hid
    assert [(d.usage_page, d.usage) for d in usb_hid.devices] == [(1, 6), (1, 2), (0x0C, 1)]
    # enable() keeps copies, as CircuitPython does, not the class attributes themselves.
    assert usb_hid.devices[0] is not usb_hid.Device.KEYBOARD
    assert usb_hid.get_boot_device() == 0


def test_keyboard_device_report_sizes(host: HidHost, board: Board) -> None:
    device = board.keyboard_device
    device.send_report(bytes(8))
    device.send_report(bytes(8), report_id=1)
    with pytest.raises(ValueError, match="length must be 8"):
        device.send_report(bytes(7))
    with pytest.raises(ValueError, match="report_id"):
        device.send_report(bytes(8), report_id=2)
    assert host.reports == [bytes(8), bytes(8)]


def test_device_constructor_validates_like_circuitpython(board: Board) -> None:
    Device = board.usb_hid.Device
    good = {
        "report_descriptor": b"\x05\x01",
        "usage_page": 1,
        "usage": 6,
        "report_ids": (3, 4),
        "in_report_lengths": (5, 2),
        "out_report_lengths": (6, 0),
    }
    device = Device(**good)
    assert (device.usage_page, device.usage) == (1, 6)
    with pytest.raises(ValueError, match="same length"):
        Device(**good | {"in_report_lengths": (5,)})
    with pytest.raises(ValueError, match="usage_page"):
        Device(**good | {"usage_page": 0})
    with pytest.raises(ValueError, match="report_ids"):
        Device(**good | {"report_ids": (3, 256)})
    with pytest.raises(ValueError, match="report_id 0"):
        Device(**good | {"report_ids": (0, 4)})
    with pytest.raises(ValueError, match="report_id"):
        device.get_last_received_report()  # two report ids: the id is required


def test_boot_py_choice_applies_when_usb_comes_up(board: Board) -> None:
    usb_hid = board.usb_hid
    usb_hid.enable((usb_hid.Device.KEYBOARD,))
    usb_hid.set_interface_name("smartkey")
    board.boot()
    assert [(d.usage_page, d.usage) for d in usb_hid.devices] == [(1, 6)]
    KeyboardLayoutUS(Keyboard(usb_hid.devices)).write("ok")
    assert board.host.text == "ok"
    with pytest.raises(RuntimeError, match="Cannot change USB devices now"):
        usb_hid.enable((usb_hid.Device.MOUSE,))
    with pytest.raises(RuntimeError, match="Cannot change USB devices now"):
        usb_hid.disable()


def test_a_boot_keyboard_must_be_the_only_usb_interface_before_hid(board: Board) -> None:
    """A BIOS boot keyboard must be USB interface 0: behind CDC or the drive, CircuitPython
    resets into safe mode instead of bringing USB up."""
    usb_hid = board.usb_hid
    usb_hid.enable((usb_hid.Device.KEYBOARD,), boot_device=1)
    with pytest.raises(SafeModeReset, match="interface #0"):
        usb_hid._apply_boot(interfaces_before=2)
    usb_hid._apply_boot(interfaces_before=0)  # HID alone: it is interface 0
    KeyboardLayoutUS(Keyboard(usb_hid.devices)).write("ok")
    assert board.host.text == "ok"


def test_enable_rejects_bad_arguments(board: Board) -> None:
    usb_hid = board.usb_hid
    with pytest.raises(ValueError, match="boot_device"):
        usb_hid.enable((usb_hid.Device.KEYBOARD,), boot_device=3)
    with pytest.raises(TypeError):
        usb_hid.enable(("keyboard",))
    with pytest.raises(ValueError):
        usb_hid.set_interface_name("x" * 127)


def test_disabled_hid_has_no_keyboard(board: Board) -> None:
    usb_hid = board.usb_hid
    usb_hid.disable()
    board.boot()
    assert usb_hid.devices == ()
    with pytest.raises(ValueError, match="Could not find matching HID device"):
        Keyboard(usb_hid.devices)
    with pytest.raises(OSError, match="USB busy"):
        usb_hid.Device.KEYBOARD.send_report(bytes(8))


def test_send_before_usb_is_up_raises(board: Board) -> None:
    with pytest.raises(OSError, match="USB busy"):
        board.keyboard_device.send_report(bytes(8))


def test_disconnected_host_refuses_reports(host: HidHost, board: Board) -> None:
    host.connected = False
    with pytest.raises(OSError, match="USB busy"):
        board.keyboard_device.send_report(bytes(8))
    assert host.reports == []


def test_board_without_host_refuses_reports(board: Board) -> None:
    board.usb_hid._host = None
    board.boot()
    with pytest.raises(OSError, match="USB busy"):
        board.keyboard_device.send_report(bytes(8))


def test_keyboard_constructor_gives_up_without_usb(
    host: HidHost, board: Board, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    host.connected = False
    with pytest.raises(OSError, match="USB connected"):
        Keyboard(board.usb_hid.devices, timeout=3)
    assert slept == [1.0, 1.0, 1.0]


def test_host_unplugged_mid_session(
    us: KeyboardLayoutUS, keyboard: Keyboard, host: HidHost
) -> None:
    us.write("12")
    host.connected = False
    with pytest.raises(OSError, match="USB busy"):
        us.write("3")
    host.connected = True
    # The failed press left "3" in adafruit_hid's report buffer: without a release_all() the
    # next report carries it and the host types it, exactly as on the device.
    us.write("4")
    assert host.text == "1234"
    host.connected = False
    with pytest.raises(OSError, match="USB busy"):
        us.write("5")
    host.connected = True
    keyboard.release_all()
    us.write("6")
    assert host.text == "12346"


# -- decoding on a US host ---------------------------------------------------------------------


def test_us_host_sees_what_was_typed(us: KeyboardLayoutUS, host: HidHost) -> None:
    us.write("Hello, World!\t042 ~|\\\n")
    assert host.text == "Hello, World!\t042 ~|\\\n"


def test_reports_are_boot_keyboard_reports(us: KeyboardLayoutUS, host: HidHost) -> None:
    us.write("A")
    assert host.reports == [
        bytes((0x02, 0, 0, 0, 0, 0, 0, 0)),
        bytes((0x02, 0, 0x04, 0, 0, 0, 0, 0)),
        bytes(8),
    ]


def test_backspace_removes_last_char(us: KeyboardLayoutUS, host: HidHost) -> None:
    us.write("abc\b\bd")
    assert host.text == "ad"


def test_held_key_types_once(keyboard: Keyboard, host: HidHost) -> None:
    keyboard.press(Keycode.A)
    keyboard.press(Keycode.A)  # same report again: no autorepeat
    keyboard.press(Keycode.B)  # second key joins while A is held
    keyboard.release(Keycode.A)
    keyboard.press(Keycode.A)
    keyboard.release_all()
    assert host.text == "aba"


def test_shortcuts_type_nothing(keyboard: Keyboard, host: HidHost) -> None:
    keyboard.send(Keycode.CONTROL, Keycode.C)
    keyboard.send(Keycode.GUI, Keycode.R)
    keyboard.send(Keycode.ALT, Keycode.TAB)
    keyboard.send(Keycode.RIGHT_ALT, Keycode.Q)  # no AltGr on a US layout
    assert host.text == ""


def test_phantom_state_is_ignored(host: HidHost, board: Board) -> None:
    device = board.keyboard_device
    device.send_report(bytes((0, 0, 0x04, 0, 0, 0, 0, 0)))
    device.send_report(bytes((0, 0, 1, 1, 1, 1, 1, 1)))  # ErrorRollOver: A is still down
    device.send_report(bytes((0, 0, 0x04, 0x05, 0, 0, 0, 0)))
    device.send_report(bytes(8))
    assert host.text == "ab"


def test_modifier_keycodes_in_key_slots_count_as_modifiers(host: HidHost, board: Board) -> None:
    board.keyboard_device.send_report(bytes((0, 0, 0xE1, 0x04, 0, 0, 0, 0)))
    assert host.text == "A"


def test_other_devices_are_not_keyboard_reports(host: HidHost, board: Board) -> None:
    board.usb_hid.devices[1].send_report(bytes(4))
    assert host.reports == []


# -- layouts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layout", "shown"),
    [
        ("us", "zy@\"#-/;'[`"),
        ("uk", "zy\"@£-/;'[`"),
        ("de", 'yz"Ä§ß-öäü'),  # ` is the dead ^, and the text ends before anything follows it
        ("fr", "wy2%3)!mù^²"),  # [ is the dead ^ on AZERTY, ` is ², which ^ cannot accent
        ("jp", 'zy"*#-/;:@'),  # ` is Hankaku/Zenkaku
    ],
)
def test_same_keystrokes_on_each_layout(
    us: KeyboardLayoutUS, host: HidHost, layout: str, shown: str
) -> None:
    host.layout = layout
    us.write("zy@\"#-/;'[`")
    assert host.text == shown


@pytest.mark.parametrize(
    ("layout", "shown"),
    [
        ("us", STEAM),
        ("uk", STEAM),
        ("de", "23456789BCDFGHJKMNPQRTVWXZ"),
        ("fr", "é\"'(-è_çBCDFGHJK?NPARTVZXY"),
        ("jp", STEAM),
    ],
)
def test_steam_code_on_each_layout(
    us: KeyboardLayoutUS, host: HidHost, layout: str, shown: str
) -> None:
    host.layout = layout
    us.write(STEAM + "\n\t ")
    assert host.text == shown + "\n\t "


def test_azerty_digit_row_needs_shift(keyboard: Keyboard, host: HidHost) -> None:
    host.layout = "fr"
    for key in DIGIT_ROW:
        keyboard.send(key)
    assert host.text == "&é\"'(-è_çà"
    host.clear()
    for key in DIGIT_ROW:
        keyboard.send(Keycode.SHIFT, key)
    assert host.text == "1234567890"


def test_azerty_caps_lock_locks_the_digit_row(keyboard: Keyboard, host: HidHost) -> None:
    host.layout = "fr"
    host.caps_lock = True
    keyboard.send(Keycode.ONE)
    keyboard.send(Keycode.Q)
    assert host.text == "1A"


def test_jis_shifted_digits(keyboard: Keyboard, host: HidHost) -> None:
    host.layout = "jp"
    for key in DIGIT_ROW:
        keyboard.send(Keycode.SHIFT, key)
    keyboard.send(0x87)  # Ro
    keyboard.send(Keycode.SHIFT, 0x89)  # Yen
    assert host.text == "!\"#$%&'()\\|"


def test_german_dead_keys(us: KeyboardLayoutUS, host: HidHost) -> None:
    host.layout = "de"
    # On a German host ` is the ^ key and = the ´ key, both dead.
    us.write("`e` `x=e``")
    assert host.text == "ê^^xé^^"


def test_altgr(keyboard: Keyboard, host: HidHost) -> None:
    for layout, keys, shown in [
        ("de", (Keycode.RIGHT_ALT, Keycode.Q), "@"),
        ("de", (Keycode.RIGHT_ALT, Keycode.EIGHT), "["),
        ("fr", (Keycode.RIGHT_ALT, Keycode.E), "€"),
        ("fr", (Keycode.RIGHT_ALT, Keycode.ZERO), "@"),
        ("uk", (Keycode.RIGHT_ALT, Keycode.FOUR), "€"),
        ("uk", (Keycode.RIGHT_ALT, Keycode.SHIFT, Keycode.A), "Á"),
        ("uk", (Keycode.RIGHT_ALT, Keycode.Z), ""),
        ("jp", (Keycode.RIGHT_ALT, Keycode.Q), ""),
    ]:
        host.clear()
        host.layout = layout
        keyboard.send(*keys)
        assert host.text == shown, (layout, keys)


# -- lock keys and LEDs ------------------------------------------------------------------------


def test_caps_lock_key(us: KeyboardLayoutUS, keyboard: Keyboard, host: HidHost) -> None:
    keyboard.send(Keycode.CAPS_LOCK)
    assert host.caps_lock
    assert keyboard.led_on(Keyboard.LED_CAPS_LOCK)
    us.write("ab1C!")
    keyboard.send(Keycode.CAPS_LOCK)
    us.write("ab")
    assert host.text == "AB1c!ab"
    assert not keyboard.led_on(Keyboard.LED_CAPS_LOCK)


def test_jis_caps_lock_needs_shift(keyboard: Keyboard, host: HidHost) -> None:
    host.layout = "jp"
    keyboard.send(Keycode.CAPS_LOCK)  # alone it is Eisū, an IME key
    assert not host.caps_lock
    keyboard.send(Keycode.SHIFT, Keycode.CAPS_LOCK)
    assert host.caps_lock


def test_keypad_digits_follow_num_lock(keyboard: Keyboard, host: HidHost) -> None:
    host.num_lock = False
    for key in (*KEYPAD_DIGITS, Keycode.KEYPAD_PERIOD):
        keyboard.send(key)
    assert host.text == ""
    host.num_lock = True
    for key in (*KEYPAD_DIGITS, Keycode.KEYPAD_PERIOD, Keycode.KEYPAD_ENTER):
        keyboard.send(key)
    keyboard.send(Keycode.SHIFT, Keycode.KEYPAD_ONE)  # Shift makes it End again
    assert host.text == "1234567890.\n"


def test_keypad_operators_and_enter_ignore_num_lock(keyboard: Keyboard, host: HidHost) -> None:
    for key in (Keycode.KEYPAD_PLUS, Keycode.KEYPAD_MINUS, Keycode.KEYPAD_ENTER):
        keyboard.send(key)
    assert host.text == "+-\n"


def test_german_keypad_decimal_is_comma(keyboard: Keyboard, host: HidHost) -> None:
    host.layout = "de"
    host.num_lock = True
    keyboard.send(Keycode.KEYPAD_PERIOD)
    assert host.text == ","


def test_num_lock_key_sends_led_report(keyboard: Keyboard, host: HidHost, board: Board) -> None:
    device = board.keyboard_device
    assert device.get_last_received_report() is None
    keyboard.send(Keycode.KEYPAD_NUMLOCK)
    assert host.num_lock
    assert device.get_last_received_report() == b"\x01"
    assert device.get_last_received_report() is None  # read once, as on the device
    keyboard.send(Keycode.KEYPAD_NUMLOCK)
    assert not host.num_lock
    assert device.get_last_received_report(1) == b"\x00"


def test_led_status_through_adafruit_hid(keyboard: Keyboard, host: HidHost) -> None:
    host.num_lock = True
    host.scroll_lock = True
    assert keyboard.led_on(Keyboard.LED_NUM_LOCK)
    assert keyboard.led_on(Keyboard.LED_SCROLL_LOCK)
    assert not keyboard.led_on(Keyboard.LED_CAPS_LOCK)
    assert host.leds == 0b101


def test_host_syncs_leds_on_enumeration_and_reconnect(board: Board) -> None:
    host = board.host
    host.num_lock = True  # before USB is up: nothing to tell yet
    board.boot()
    device = board.keyboard_device
    assert device.get_last_received_report() == b"\x01"
    host.connected = False
    host.caps_lock = True
    assert device.get_last_received_report() is None
    host.connected = True
    assert device.get_last_received_report() == b"\x03"


# -- host object -------------------------------------------------------------------------------


def test_host_settings() -> None:
    host = HidHost("de")
    assert host.layout == "de"
    assert set(LAYOUTS) == {"us", "uk", "de", "fr", "jp"}
    with pytest.raises(ValueError, match="layout 'xx'"):
        host.layout = "xx"
    with pytest.raises(ValueError):
        HidHost("dvorak")


def test_clear_forgets_text_and_reports(us: KeyboardLayoutUS, host: HidHost) -> None:
    us.write("x")
    host.clear()
    assert (host.text, host.reports) == ("", [])


US_PRINTABLE = "".join(map(chr, range(0x20, 0x7F))) + "\n\t"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)
@given(text=st.text(alphabet=US_PRINTABLE, max_size=40))
def test_us_round_trip(us: KeyboardLayoutUS, host: HidHost, text: str) -> None:
    host.clear()
    us.write(text)
    assert host.text == text
