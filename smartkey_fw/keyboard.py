"""Typing a code into the computer as a USB keyboard, right on the host's keyboard layout.

A USB keyboard sends key positions, not characters: the host's layout decides what a key
means. So the token types by position for the layout the user set: on a French AZERTY host the
digits need Shift, on a German one Y and Z trade places. The layout-free "keypad" mode uses the
numeric keypad, switching the host's Num Lock on for the code and back off after it.

Receives an ``adafruit_hid`` Keyboard from hardware.py; all keycodes are HID usage ids.
"""

from micropython import const

try:
    from typing import Any, Callable
except ImportError:
    pass

LAYOUTS = ("us", "uk", "de", "fr", "jp", "keypad")
SUFFIXES = ("none", "enter", "tab")
_SHIFT = const(0xE1)  # left Shift
_ENTER = const(0x28)
_TAB = const(0x2B)
_NUM_LOCK = const(0x53)
_LED_NUM_LOCK = const(0x01)
_LED_CAPS_LOCK = const(0x02)
_LETTER_A = const(0x04)
# '0'..'9' on the top row, and on the numeric keypad.
_DIGIT_ROW = b"\x27\x1e\x1f\x20\x21\x22\x23\x24\x25\x26"
_KEYPAD = b"\x62\x59\x5a\x5b\x5c\x5d\x5e\x5f\x60\x61"
# Letters that sit elsewhere on a layout: (letter, key position it is on).
_MOVED = {
    "de": (("Y", 0x1D), ("Z", 0x1C)),
    "fr": (("A", 0x14), ("Q", 0x04), ("Z", 0x1A), ("W", 0x1D), ("M", 0x33)),
}


class KeyboardError(Exception):
    pass


def keys_for(ch: str, layout: str, caps_lock: bool = False) -> tuple:
    """(keycode, shift) that make ``ch`` appear on a host using ``layout``."""
    if "0" <= ch <= "9":
        digit = ord(ch) - 48
        if layout == "keypad":
            return (_KEYPAD[digit], False)
        # AZERTY's top row gives & é " ' ( - è _ ç à; its digits need Shift.
        return (_DIGIT_ROW[digit], layout == "fr")
    if "A" <= ch <= "Z":
        code = _LETTER_A + ord(ch) - 65
        for letter, position in _MOVED.get(layout, ()):
            if letter == ch:
                code = position
        # Steam's capitals: with Caps Lock on, Shift would make them small.
        return (code, not caps_lock)
    if ch == "\n":
        return (_ENTER, False)
    if ch == "\t":
        return (_TAB, False)
    raise KeyboardError("cannot type %r" % ch)


def type_text(keyboard: Any, text: str, layout: str, pause: "Callable[[float], None]") -> None:
    """Type ``text``; in keypad mode with Num Lock on for it. Keys are always released, even
    when the host stops listening half way (OSError is passed on after that)."""
    if layout not in LAYOUTS:
        raise KeyboardError("unknown keyboard layout %s" % layout)
    numlock_was_off = False
    try:
        if layout == "keypad" and not keyboard.led_on(_LED_NUM_LOCK):
            numlock_was_off = True
            _toggle_num_lock(keyboard, pause, True)
        caps = keyboard.led_on(_LED_CAPS_LOCK)
        for ch in text:
            code, shift = keys_for(ch, layout, caps)
            if shift:
                keyboard.press(_SHIFT, code)
            else:
                keyboard.press(code)
            keyboard.release_all()
        if numlock_was_off:
            _toggle_num_lock(keyboard, pause, False)
    finally:
        try:
            keyboard.release_all()
        except OSError:
            pass  # nobody is listening any more; nothing stays pressed on our side


def _toggle_num_lock(keyboard: Any, pause: "Callable[[float], None]", on: bool) -> None:
    keyboard.press(_NUM_LOCK)
    keyboard.release_all()
    # The host answers with its new LED state; typing digits before that would be too early.
    for _ in range(50):
        if bool(keyboard.led_on(_LED_NUM_LOCK)) == on:
            return
        pause(0.01)
    raise KeyboardError("the computer did not switch Num Lock")
