"""Options from settings.toml (CircuitPython's ``os.getenv``), each with a default and bounds."""

import os

try:
    from typing import Union
except ImportError:
    pass


def text(name: str, default: str) -> str:
    value = os.getenv("SMARTKEY_" + name)
    return default if value is None else str(value)


def number(name: str, default: int, low: int, high: int) -> int:
    """An integer setting, clamped to [low, high]; a malformed value falls back to the default."""
    value: Union[str, int, None] = os.getenv("SMARTKEY_" + name)
    if value is None:
        return default
    try:
        return max(low, min(high, int(value)))
    except ValueError:
        return default
