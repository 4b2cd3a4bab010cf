"""The board: the only module that imports CircuitPython's hardware modules.

Needs ``adafruit_ssd1306`` and ``adafruit_ds3231`` in lib/. Everything else in the firmware
receives the objects built here. A missing chip is recorded in ``problems`` (for the screen and
the console) instead of stopping the token: without a display it can still type codes, without
a clock it can still say so.
"""

import board
import busio
import keypad
import microcontroller
import storage
import supervisor
import usb_cdc

from smartkey_fw import profile

try:
    from typing import Any, List, Optional
except ImportError:
    pass


def _pin(name: Any) -> Any:
    try:
        return getattr(board, str(name))
    except AttributeError:
        raise ValueError("settings.toml names pin %s, which this board lacks" % name) from None


def _held(pins: Any) -> tuple:
    """The numbers of the buttons down right now (each wired to GND, read with its pull-up)."""
    import digitalio

    down = []
    for number, pin in enumerate(pins):
        line = digitalio.DigitalInOut(pin)
        line.switch_to_input(pull=digitalio.Pull.UP)
        if not line.value:
            down.append(number)
        line.deinit()
    return tuple(down)


class Hardware:
    def __init__(self) -> None:
        self.profile = profile.load(board.board_id)
        self.problems: List[str] = []
        p = self.profile
        scl, sda = _pin(p["scl"]), _pin(p["sda"])
        chip = str(p["secure_element"]).lower()
        # The ATECC608 wakes on SDA held low for 60 us: the driver's write to address 0 is
        # that long at 100 kHz, a third of it at 400 kHz.
        frequency = 400_000 if chip == "none" else 100_000
        try:
            self.i2c: Optional[Any] = busio.I2C(scl, sda, frequency=frequency)
        except RuntimeError:
            # No pull-ups: no module is connected (or SDA/SCL are swapped or loose).
            self.i2c = None
            self.problems.append("Nothing on I2C: check SDA/SCL wiring")
        except ValueError:
            # The chip has no I2C on this pair (an RP2040 wants SDA on an even GPIO and SCL
            # on an odd one of the same I2C block, e.g. GP4/GP5), or a button uses one of them.
            self.i2c = None
            self.problems.append("I2C can't use %s/%s" % (p["sda"], p["scl"]))
        self.display = self._display(int(p["width"]), int(p["height"]), int(p["display_address"]))
        self.rtc = self._rtc()
        self.secure_element = None if chip == "none" else self._secure_element(chip)
        pins = (_pin(p["a"]), _pin(p["b"]), _pin(p["c"]))
        self.keys_held = _held(pins)  # keypad reports these pressed at once: see buttons.py
        self.keys = keypad.Keys(pins, value_when_pressed=False, pull=True)
        self.keys_started = supervisor.ticks_ms()
        self.uid = bytes(microcontroller.cpu.uid)
        self.nvm = microcontroller.nvm
        # boot.py decides: normal mode gives the flash to the firmware, maintenance to the host.
        self.flash_writable = not storage.getmount("/").readonly
        self.serial = usb_cdc.data
        if self.serial is not None:
            # A computer that keeps the port open but stops reading must not freeze the token:
            # a write then comes back short after this long (protocol.py retries the rest
            # within its own bound).
            self.serial.timeout = 0
            self.serial.write_timeout = 0.1
        self._keyboard: Optional[Any] = None

    def _display(self, width: int, height: int, address: int) -> Optional[Any]:
        if self.i2c is None:
            return None
        import adafruit_ssd1306

        try:
            return adafruit_ssd1306.SSD1306_I2C(width, height, self.i2c, addr=address)
        except (OSError, ValueError):
            self.problems.append("No display at 0x%02X" % address)
            return None

    def _rtc(self) -> Optional[Any]:
        if self.i2c is None:
            return None
        import adafruit_ds3231

        try:
            rtc = adafruit_ds3231.DS3231(self.i2c)
            rtc.lost_power  # noqa: B018 - a register read proves the chip answers
            return rtc
        except (OSError, ValueError):
            self.problems.append("No clock (DS3231) at 0x68")
            return None

    def _secure_element(self, kind: str) -> Any:
        """The chip the settings ask for; it says itself when it is absent or unusable (the
        PIN flows refuse to start then: a token asked to use one never silently runs without)."""
        from smartkey_fw import secure_element

        if kind != "atecc608":
            self.problems.append("SMARTKEY_SECURE_ELEMENT: only atecc608 is supported")
        chip = secure_element.ATECC608(self.i2c if kind == "atecc608" else None)
        if chip.state == secure_element.ABSENT:
            self.problems.append("No secure element (ATECC608) at 0x60")
        return chip

    @staticmethod
    def usb_connected() -> bool:
        return supervisor.runtime.usb_connected

    def keyboard(self) -> Optional[Any]:
        """The USB keyboard, or None when no computer is listening. Never waits: on a charger,
        adafruit_hid would wait for USB forever."""
        if not supervisor.runtime.usb_connected:
            return None
        if self._keyboard is None:
            import usb_hid
            from adafruit_hid.keyboard import Keyboard

            try:
                self._keyboard = Keyboard(usb_hid.devices, timeout=1)
            except (OSError, ValueError):
                return None
        return self._keyboard
