"""The board profiles, as the firmware has them: its own table, ``smartkey_fw/profiles.py``.

That module is data only (literals, no imports), so the host imports the very file the board
runs: the virtual board builds each profile's wiring from it and ``smartkey deploy`` knows
which boards have a profile. Nothing here restates a pin or a size.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODULE = "profiles.py"


@dataclass(frozen=True)
class Profile:
    """One board profile, each of its fields given (a default where the profile has none)."""

    name: str
    board_ids: tuple[str, ...]  # the boards it is picked for, the reference board first
    fields: Mapping[str, str | int]

    def pin(self, field: str) -> str:
        return str(self.fields[field])

    @property
    def buttons(self) -> dict[str, str]:
        """Button letter -> the board's pin name."""
        return {letter: self.pin(letter.lower()) for letter in "ABC"}

    @property
    def i2c_pins(self) -> tuple[str, str]:
        """(SCL, SDA), as ``busio.I2C`` takes them."""
        return self.pin("scl"), self.pin("sda")

    @property
    def display(self) -> tuple[int, int]:
        """(width, height) of the OLED."""
        return int(self.fields["width"]), int(self.fields["height"])

    @property
    def display_address(self) -> int:
        return int(self.fields["display_address"])


@functools.cache
def read(firmware: Path) -> dict[str, Profile]:
    """The profiles of the firmware package in the directory ``firmware``, by name, the
    default first."""
    table = _module(firmware / MODULE)
    profiles = {}
    for name, given in table.PROFILES.items():
        fields = {field: given.get(field, default) for field, _, default, _, _ in table.FIELDS}
        profiles[name] = Profile(name, tuple(given["boards"]), fields)
    default = profiles.pop(table.DEFAULT)
    return {default.name: default, **profiles}


def board_ids(firmware: Path) -> set[str]:
    """Every board id the firmware picks a profile for."""
    return {board_id for profile in read(firmware).values() for board_id in profile.board_ids}


def _module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("smartkey_fw.profiles", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no firmware profile table at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
