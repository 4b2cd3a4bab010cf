"""Board profiles: which pins, addresses and screen size a build uses.

Pure data and ``os.getenv`` lookups; ``hardware.py`` turns the pin names into pins. A profile is
picked from ``board.board_id`` and can be overridden in ``settings.toml`` (CircuitPython's
convention), e.g. ``SMARTKEY_PROFILE = "feather32"`` or ``SMARTKEY_PIN_A = "GP16"``.
"""

from smartkey_fw import settings

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


def load(board_id: str) -> Dict[str, Union[str, int]]:
    """The profile for ``board_id`` with any ``SMARTKEY_*`` overrides from settings.toml."""
    default = _BY_BOARD_ID.get(board_id, DEFAULT)
    name = settings.text("PROFILE", default)
    if name not in _PROFILES:
        settings.ignored("PROFILE", name, default)
        name = default
    sda, scl, a, b, c, width, height = _PROFILES[name]
    return {
        "name": name,
        "sda": settings.text("PIN_SDA", sda),
        "scl": settings.text("PIN_SCL", scl),
        "a": settings.text("PIN_A", a),
        "b": settings.text("PIN_B", b),
        "c": settings.text("PIN_C", c),
        "width": settings.number("DISPLAY_WIDTH", int(width), 64, 128),
        "height": settings.number("DISPLAY_HEIGHT", int(height), 32, 64),
        "display_address": settings.number("DISPLAY_ADDRESS", 0x3C, 0x08, 0x77),
    }
