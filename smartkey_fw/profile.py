"""The board profile a build uses, from the table in ``profiles.py``.

``hardware.py`` turns the pin names into pins. A profile is picked from ``board.board_id`` and
can be overridden in ``settings.toml`` (CircuitPython's convention), e.g.
``SMARTKEY_PROFILE = "feather32"`` or ``SMARTKEY_PIN_A = "GP16"``.
"""

from smartkey_fw import profiles, settings

try:
    from typing import Any, Dict, Union
except ImportError:
    pass


def load(board_id: str) -> "Dict[str, Union[str, int]]":
    """The profile for ``board_id`` with any ``SMARTKEY_*`` overrides from settings.toml."""
    table: "Dict[str, Any]" = profiles.PROFILES
    default = profiles.DEFAULT
    for name, fields in table.items():
        if board_id in fields["boards"]:
            default = name
    name = settings.text("PROFILE", default)
    if name not in table:
        settings.ignored("PROFILE", name, default)
        name = default
    chosen = table[name]
    loaded: "Dict[str, Union[str, int]]" = {"name": name}
    for field, key, value, low, high in profiles.FIELDS:
        value = chosen.get(field, value)
        if low is None or high is None:
            loaded[field] = settings.text(key, str(value))
        else:
            loaded[field] = settings.number(key, int(value), low, high)
    return loaded
