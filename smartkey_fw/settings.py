"""Options from settings.toml (CircuitPython's ``os.getenv``), each with a default and bounds.

CircuitPython changed what ``getenv`` gives: up to 10.1 a bare value is parsed as an integer
(``60``, ``0x3C``) and one that is not an integer (``GP13``) raises ValueError; from 10.2 every
value is a string, quoted or not. Both forms are read here, and a value that makes no sense is
named on the console and replaced by its default: a typo must never stop the token booting.
"""

import os

try:
    from typing import Optional, Union
except ImportError:
    pass

_PATH = "/settings.toml"


def _bare(key: str) -> "Optional[str]":
    """The value of ``key`` as written in settings.toml (for a bare value that CircuitPython
    before 10.2 refuses to read), without quotes or a trailing comment."""
    try:
        with open(_PATH) as f:
            for line in f:
                name, equals, value = line.partition("=")
                if equals and name.strip() == key:
                    return value.split("#", 1)[0].strip().strip('"')
    except OSError:
        pass
    return None


def _get(name: str) -> "Union[str, int, None]":
    key = "SMARTKEY_" + name
    try:
        return os.getenv(key)
    except ValueError:
        return _bare(key)


def ignored(name: str, value: "Union[str, int]", default: "Union[str, int]") -> None:
    """Say on the console that a setting was not taken, and what is used instead."""
    print("settings.toml: SMARTKEY_%s = %s makes no sense here; using %s" % (name, value, default))


def text(name: str, default: str) -> str:
    value = _get(name)
    return default if value is None else str(value).strip()


def number(name: str, default: int, low: int, high: int) -> int:
    """An integer setting (decimal or 0x hex, quoted or not), clamped to [low, high]; a
    malformed value falls back to the default."""
    value = _get(name)
    if value is None:
        return default
    if isinstance(value, str):
        word = value.strip()
        if word in ("true", "false"):  # TOML booleans, for the on/off settings
            return int(word == "true")
        try:
            value = int(word, 0)
        except ValueError:
            try:
                value = int(word)  # a decimal with leading zeros, which base 0 refuses
            except ValueError:
                ignored(name, word, default)
                return default
    return max(low, min(high, value))
