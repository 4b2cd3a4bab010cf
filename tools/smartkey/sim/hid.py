"""The computer at the other end of the virtual board's USB keyboard.

:class:`HidHost` receives the 8-byte boot-format keyboard reports the firmware sends through the
``usb_hid`` fake and turns them into the text a host with a given keyboard layout would show:
the host, not the device, decides what a keycode means, so a code typed for a US host comes out
differently on a German or French one. It owns the lock-key state like a real host, and sends
the LED OUT report back to the device whenever it changes it.

Layouts follow the Windows definitions of the common national layouts (Linux's xkb agrees on
everything in the tables except where noted): ``us``, ``uk``, ``de`` (QWERTZ), ``fr`` (AZERTY)
and ``jp`` (JIS). What the model leaves out: autorepeat, IMEs (``jp`` types as in direct input
mode), key combinations that are shortcuts (Ctrl, GUI, left Alt: nothing is typed), and a cursor
(text is only ever appended to, or shortened by Backspace).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["LAYOUTS", "HidHost", "Layout"]

# Modifier bits of report byte 0: LCtrl, LShift, LAlt, LGUI, RCtrl, RShift, RAlt, RGUI.
_CTRL = 0x11
_SHIFT = 0x22
_LEFT_ALT = 0x04
_RIGHT_ALT = 0x40
_GUI = 0x88

# LED bits of the keyboard OUT report.
_NUM_LOCK_LED = 0x01
_CAPS_LOCK_LED = 0x02
_SCROLL_LOCK_LED = 0x04

_KEY_ENTER = 0x28
_KEY_BACKSPACE = 0x2A
_KEY_TAB = 0x2B
_KEY_CAPS_LOCK = 0x39
_KEY_SCROLL_LOCK = 0x47
_KEY_NUM_LOCK = 0x53
_KEYPAD_ENTER = 0x58
_KEYPAD_OPERATORS = {0x54: "/", 0x55: "*", 0x56: "-", 0x57: "+"}
_KEYPAD_ONE = 0x59
_KEYPAD_PERIOD = 0x63
# Usages a keyboard puts in every slot when it cannot tell which keys are down (phantom state).
_ERROR_CODES = frozenset((0x01, 0x02, 0x03))

# The keys that type a character, in the order of the layout strings: the letter keys (a-z by
# their US legend), the digit row 1-0, the space bar, the punctuation keys 0x2D-0x38, the ISO key
# left of Z (0x64), and the JIS keys Ro (0x87) and Yen (0x89).
_CHAR_KEYS = (*range(0x04, 0x28), *range(0x2C, 0x39), 0x64, 0x87, 0x89)
_CHAR_INDEX = {code: index for index, code in enumerate(_CHAR_KEYS)}
_DIGIT_ROW = frozenset(range(0x1E, 0x28))

# In the tables "\0" is a key that types nothing at that level, and a combining mark is a dead
# key: it types nothing itself but accents the next character.
_NONE = "\0"
_SPACING_ACCENTS = {"\u0300": "`", "\u0301": "´", "\u0302": "^", "\u0303": "~", "\u0308": "¨"}


@dataclass(frozen=True)
class Layout:
    """What each key types on one host keyboard layout.

    ``base`` and ``shift`` list the character of every key in ``_CHAR_KEYS`` order. ``altgr``
    maps keycodes to what AltGr (right Alt) types; None means the layout has no AltGr, so right
    Alt is a plain Alt. Caps Lock shifts the keys whose two levels are a lower- and upper-case
    pair, plus ``caps_keys``.
    """

    name: str
    base: str
    shift: str
    altgr: dict[int, str] | None = None
    caps_keys: frozenset[int] = field(default_factory=frozenset)
    keypad_decimal: str = "."
    # JIS keyboards share Caps Lock with Eisū: only Shift+Caps Lock toggles Caps Lock.
    caps_needs_shift: bool = False

    def __post_init__(self) -> None:
        for level in ("base", "shift"):
            if len(getattr(self, level)) != len(_CHAR_KEYS):
                raise ValueError(f"{self.name}: {level} must list {len(_CHAR_KEYS)} keys")

    def char(self, keycode: int, *, shift: bool, caps: bool, altgr: bool) -> str:
        """The character ``keycode`` types at the given modifier state, or "" if none."""
        index = _CHAR_INDEX.get(keycode)
        if index is None:
            return ""
        lower, upper = self.base[index], self.shift[index]
        caps_shifts = keycode in self.caps_keys or (lower != upper and lower.upper() == upper)
        if altgr:
            text = (self.altgr or {}).get(keycode, "")
            # Windows types the capital of an AltGr letter (UK AltGr+Shift+A is Á).
            if text.isalpha() and shift != (caps and text.islower()):
                text = text.upper()
        else:
            text = upper if shift != (caps and caps_shifts) else lower
        return "" if text == _NONE else text


_LETTERS = "abcdefghijklmnopqrstuvwxyz"

LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "us",
            base=_LETTERS + "1234567890" + " -=[]\\\\;'`,./" + "\\\0\0",
            shift=_LETTERS.upper() + "!@#$%^&*()" + ' _+{}||:"~<>?' + "|\0\0",
        ),
        Layout(
            "uk",
            # 0x31 and 0x32 are one key to the host (Windows scan code 0x2B, Linux KEY_BACKSLASH).
            base=_LETTERS + "1234567890" + " -=[]##;'`,./" + "\\\0\0",
            shift=_LETTERS.upper() + '!"£$%^&*()' + " _+{}~~:@¬<>?" + "|\0\0",
            altgr={0x04: "á", 0x08: "é", 0x0C: "í", 0x12: "ó", 0x18: "ú", 0x21: "€", 0x35: "¦"},
        ),
        Layout(
            "de",
            # Y and Z swap; ´ (0x2E) and ^ (0x35) are dead keys.
            base="abcdefghijklmnopqrstuvwxzy" + "1234567890" + " ß\u0301ü+##öä\u0302,.-" + "<\0\0",
            shift="ABCDEFGHIJKLMNOPQRSTUVWXZY" + '!"§$%&/()=' + " ?\u0300Ü*''ÖÄ°;:_" + ">\0\0",
            altgr={
                0x14: "@",
                0x08: "€",
                0x10: "µ",
                0x1F: "²",
                0x20: "³",
                0x24: "{",
                0x25: "[",
                0x26: "]",
                0x27: "}",
                0x2D: "\\",
                0x30: "~",
                0x64: "|",
            },
            keypad_decimal=",",
        ),
        Layout(
            "fr",
            # A/Q and Z/W swap, M sits on the ; key, the digit row needs Shift; ^ is dead.
            base="qbcdefghijkl,nopartsuvzxyw" + "&é\"'(-è_çà" + " )=\u0302$**mù²;:!" + "<\0\0",
            shift="QBCDEFGHIJKL?NOPARSTUVZXYW" + "1234567890" + " °+\u0308£µµM%\0./§" + ">\0\0",
            altgr={
                0x08: "€",
                0x1F: "\u0303",
                0x20: "#",
                0x21: "{",
                0x22: "[",
                0x23: "|",
                0x24: "\u0300",
                0x25: "\\",
                0x26: "^",
                0x27: "@",
                0x2D: "]",
                0x2E: "}",
                0x30: "¤",
            },
            # Windows' French layout locks Shift on the digit row too (xkb gives É, È, Ç, À).
            caps_keys=_DIGIT_ROW,
        ),
        Layout(
            "jp",
            # 0x35 is Hankaku/Zenkaku, an IME switch; Shift+0 types nothing.
            base=_LETTERS + "1234567890" + " -^@[]];:\0,./" + "\0\\\\",
            shift=_LETTERS.upper() + "!\"#$%&'()\0" + " =~`{}}+*\0<>?" + "\0_|",
            caps_needs_shift=True,
        ),
    )
}


class _Device(Protocol):
    """The device side as the host sees it: the ``usb_hid.Device`` fake."""

    @property
    def usage_page(self) -> int: ...

    @property
    def usage(self) -> int: ...

    def _out_report(self, report: bytes, report_id: int | None = None) -> None: ...


def _is_keyboard(device: _Device) -> bool:
    return device.usage_page == 0x01 and device.usage == 0x06


class HidHost:
    """A computer with a keyboard layout, reading the virtual board's USB keyboard.

    ``text`` is what has been typed so far and ``reports`` every keyboard report received.
    ``connected`` is the USB link: the simulator clears it to model a charger or a host that has
    not configured the device, and the ``usb_hid`` fake then refuses to send.
    """

    def __init__(self, layout: str = "us") -> None:
        self.text = ""
        self.reports: list[bytes] = []
        self._layout = self._lookup(layout)
        self._connected = True
        self._leds = 0
        self._keyboard: _Device | None = None
        self._modifiers = 0
        self._down: frozenset[int] = frozenset()
        self._dead = ""

    # -- host settings ---------------------------------------------------------------------

    @property
    def layout(self) -> str:
        """Name of the host's keyboard layout: one of ``LAYOUTS``."""
        return self._layout.name

    @layout.setter
    def layout(self, name: str) -> None:
        self._layout = self._lookup(name)

    @staticmethod
    def _lookup(name: str) -> Layout:
        try:
            return LAYOUTS[name]
        except KeyError:
            raise ValueError(f"layout {name!r} is not one of {', '.join(LAYOUTS)}") from None

    @property
    def connected(self) -> bool:
        """Whether the host is connected and has configured the device."""
        return self._connected

    @connected.setter
    def connected(self, value: bool) -> None:
        value = bool(value)
        if value == self._connected:
            return
        self._connected = value
        if value:
            self._sync_leds()
        else:
            # Unplugging releases every key as far as the host is concerned.
            self._modifiers = 0
            self._down = frozenset()
            self._dead = ""

    @property
    def leds(self) -> int:
        """The LED byte the host shows: Num Lock bit 0, Caps Lock bit 1, Scroll Lock bit 2."""
        return self._leds

    @property
    def num_lock(self) -> bool:
        """Num Lock: keypad digits type digits only while it is on."""
        return bool(self._leds & _NUM_LOCK_LED)

    @num_lock.setter
    def num_lock(self, on: bool) -> None:
        self._set_led(_NUM_LOCK_LED, on)

    @property
    def caps_lock(self) -> bool:
        """Caps Lock: letters (and the layout's ``caps_keys``) type their shifted character."""
        return bool(self._leds & _CAPS_LOCK_LED)

    @caps_lock.setter
    def caps_lock(self, on: bool) -> None:
        self._set_led(_CAPS_LOCK_LED, on)

    @property
    def scroll_lock(self) -> bool:
        """Scroll Lock: types nothing, but the device sees its LED."""
        return bool(self._leds & _SCROLL_LOCK_LED)

    @scroll_lock.setter
    def scroll_lock(self, on: bool) -> None:
        self._set_led(_SCROLL_LOCK_LED, on)

    def clear(self) -> None:
        """Forget the text typed and the reports received so far."""
        self.text = ""
        self.reports = []

    # -- USB side, called by the usb_hid fake ----------------------------------------------

    def attach(self, devices: Sequence[_Device]) -> None:
        """Enumerate the devices USB presents; the first keyboard gets the LED reports."""
        self._keyboard = next((device for device in devices if _is_keyboard(device)), None)
        # Like a real host, tell a new keyboard about lock keys that are already on.
        self._sync_leds()

    def receive_report(self, device: _Device, report_id: int, report: bytes) -> None:
        """Take one IN report; keyboard reports are recorded and decoded, others ignored."""
        if not _is_keyboard(device):
            return
        self.reports.append(bytes(report))
        if len(report) != 8:
            return  # not the boot keyboard format this host decodes
        slots = [code for code in report[2:8] if code]
        if _ERROR_CODES.intersection(slots):
            return  # phantom state: the host keeps the keys it had
        modifiers = report[0]
        for code in slots:
            if 0xE0 <= code <= 0xE7:
                modifiers |= 1 << (code - 0xE0)
        keys = [code for code in slots if code < 0xE0]
        # The descriptor lists the modifier byte before the key slots, so a host applies the
        # modifiers first: Shift pressed in the same report as a key shifts it.
        self._modifiers = modifiers
        for code in keys:
            if code not in self._down:
                self._key_down(code)
        self._down = frozenset(keys)

    # -- decoding --------------------------------------------------------------------------

    def _key_down(self, code: int) -> None:
        layout, mods = self._layout, self._modifiers
        shift = bool(mods & _SHIFT)
        if code == _KEY_NUM_LOCK:
            self.num_lock = not self.num_lock
            return
        if code == _KEY_CAPS_LOCK:
            if shift or not layout.caps_needs_shift:
                self.caps_lock = not self.caps_lock
            return
        if code == _KEY_SCROLL_LOCK:
            self.scroll_lock = not self.scroll_lock
            return
        if mods & (_CTRL | _GUI | _LEFT_ALT):
            return  # a shortcut, not typing
        altgr = bool(mods & _RIGHT_ALT)
        if altgr and layout.altgr is None:
            return  # right Alt is a plain Alt on this layout
        if code == _KEY_BACKSPACE:
            if self._dead:
                self._dead = ""
            else:
                self.text = self.text[:-1]
        elif code in (_KEY_ENTER, _KEYPAD_ENTER):
            self._type("\n")
        elif code == _KEY_TAB:
            self._type("\t")
        elif code in _KEYPAD_OPERATORS:
            self._type(_KEYPAD_OPERATORS[code])
        elif _KEYPAD_ONE <= code <= _KEYPAD_PERIOD:
            # Num Lock off, or Shift held with it on, makes the keypad navigate instead.
            if self.num_lock and not shift:
                self._type(("1234567890" + layout.keypad_decimal)[code - _KEYPAD_ONE])
        else:
            self._type(layout.char(code, shift=shift, caps=self.caps_lock, altgr=altgr))

    def _type(self, char: str) -> None:
        if not char:
            return
        if char in _SPACING_ACCENTS:
            if self._dead:
                # Windows types both accents when a dead key follows a dead key.
                self.text += _SPACING_ACCENTS[self._dead] + _SPACING_ACCENTS[char]
                self._dead = ""
            else:
                self._dead = char
            return
        if self._dead:
            accent, self._dead = self._dead, ""
            if char == " ":
                char = _SPACING_ACCENTS[accent]
            else:
                composed = unicodedata.normalize("NFC", char + accent)
                char = composed if len(composed) == 1 else _SPACING_ACCENTS[accent] + char
        self.text += char

    # -- LEDs ------------------------------------------------------------------------------

    def _set_led(self, bit: int, on: bool) -> None:
        self._leds = self._leds | bit if on else self._leds & ~bit
        self._send_leds()

    def _sync_leds(self) -> None:
        if self._leds:
            self._send_leds()

    def _send_leds(self) -> None:
        if self._connected and self._keyboard is not None:
            self._keyboard._out_report(bytes((self._leds,)))
