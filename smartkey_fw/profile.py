"""Board profiles: which pins, addresses and screen size a build uses.

Pure data and ``os.getenv`` lookups; ``hardware.py`` turns the pin names into pins. A profile is
picked from ``board.board_id`` and can be overridden in ``settings.toml`` (CircuitPython's
convention), e.g. ``SMARTKEY_PROFILE = "feather32"`` or ``SMARTKEY_PIN_A = "GP16"``.
"""

import os

try:
    from typing import Dict, Union
except ImportError:
    pass

# name: (SDA, SCL, A, B, C, display width, display height)
_PROFILES = {
    "pico": ("GP4", "GP5", "GP13", "GP14", "GP15", 128, 64),
    "feather32": ("SDA", "SCL", "D9", "D6", "D5", 128, 32),
}
_BY_BOARD_ID = {
    "raspberry_pi_pico": "pico",
    "raspberry_pi_pico_w": "pico",
    "adafruit_feather_rp2040": "feather32",
}
DEFAULT = "pico"


def _setting(name: str, default: Union[str, int]) -> Union[str, int]:
    value = os.getenv("SMARTKEY_" + name)
    return default if value is None else value


def load(board_id: str) -> Dict[str, Union[str, int]]:
    """The profile for ``board_id`` with any ``SMARTKEY_*`` overrides from settings.toml."""
    name = str(_setting("PROFILE", _BY_BOARD_ID.get(board_id, DEFAULT)))
    if name not in _PROFILES:
        raise ValueError("SMARTKEY_PROFILE must be one of %s" % ", ".join(sorted(_PROFILES)))
    sda, scl, a, b, c, width, height = _PROFILES[name]
    return {
        "name": name,
        "sda": _setting("PIN_SDA", sda),
        "scl": _setting("PIN_SCL", scl),
        "a": _setting("PIN_A", a),
        "b": _setting("PIN_B", b),
        "c": _setting("PIN_C", c),
        "width": int(_setting("DISPLAY_WIDTH", width)),
        "height": int(_setting("DISPLAY_HEIGHT", height)),
        "display_address": int(_setting("DISPLAY_ADDRESS", 0x3C)),
    }
