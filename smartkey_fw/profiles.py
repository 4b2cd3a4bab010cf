"""The board profiles: the pins, the display's address and size each board is built with.

Data only, and no imports: the firmware picks a profile from it (``profile.py``), and the host
tool reads this same file for the virtual board and ``smartkey deploy``. A new board is one
entry in ``PROFILES``; a new setting is one line in ``FIELDS`` (its default there, or a value in
each profile).
"""

DEFAULT = "pico"

# What a profile sets: (field, its settings.toml override after "SMARTKEY_", default, lowest,
# highest). Text (a pin name, the secure element) has no bounds (None); a number is clamped.
FIELDS = (
    ("sda", "PIN_SDA", None, None, None),
    ("scl", "PIN_SCL", None, None, None),
    ("a", "PIN_A", None, None, None),
    ("b", "PIN_B", None, None, None),
    ("c", "PIN_C", None, None, None),
    ("width", "DISPLAY_WIDTH", 128, 64, 128),
    ("height", "DISPLAY_HEIGHT", 64, 32, 64),
    ("display_address", "DISPLAY_ADDRESS", 0x3C, 0x08, 0x77),
    # "atecc608": an ATECC608 at 0x60 holds the vault key's secret (docs/secure-element.md).
    ("secure_element", "SECURE_ELEMENT", "none", None, None),
)

# name: the board ids (CircuitPython's ``board.board_id``) it is picked for, and its fields.
PROFILES = {
    "pico": {
        "boards": ("raspberry_pi_pico", "raspberry_pi_pico_w"),
        "sda": "GP4",
        "scl": "GP5",
        "a": "GP13",
        "b": "GP14",
        "c": "GP15",
    },
    "feather32": {
        # The OLED FeatherWing (128x32) and the DS3231 Precision RTC FeatherWing.
        "boards": ("adafruit_feather_rp2040",),
        "sda": "SDA",
        "scl": "SCL",
        "a": "D9",
        "b": "D6",
        "c": "D5",
        "height": 32,
    },
}
