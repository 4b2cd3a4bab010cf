"""The user's choices made on the token or with ``smartkey config``, kept in ``nvm`` (bytes
16–19; clock.py owns 8–15) so they survive without a writable flash; settings.toml gives the
defaults.

They share the PIN counter's flash sector, and every write erases it: an RP2040's ``nvm`` is a
single 4 KB sector, so no layout can keep them apart, and the drive is the host's in
maintenance mode. So they are written only when they change, and a host's requests are
rationed (protocol.py, _WRITE_BURST)."""

from micropython import const

from smartkey_fw import keyboard, settings

try:
    from typing import Any
except ImportError:
    pass

_NVM = const(16)  # layout index, suffix index, check, magic
_MAGIC = const(0x7E)


class Preferences:
    def __init__(self, nvm: Any) -> None:
        self.nvm = nvm

    def _stored(self) -> Any:
        if self.nvm is None:
            return None
        data = self.nvm[_NVM : _NVM + 4]
        valid = data[3] == _MAGIC and data[2] == (data[0] ^ data[1] ^ 0xA5)
        if not valid or data[0] >= len(keyboard.LAYOUTS) or data[1] >= len(keyboard.SUFFIXES):
            return None
        return data

    @property
    def layout(self) -> str:
        data = self._stored()
        if data is not None:
            return keyboard.LAYOUTS[data[0]]
        default = settings.text("KEYBOARD", "us")
        return default if default in keyboard.LAYOUTS else "us"

    @property
    def suffix(self) -> str:
        data = self._stored()
        if data is not None:
            return keyboard.SUFFIXES[data[1]]
        default = settings.text("KEYBOARD_SUFFIX", "none")
        return default if default in keyboard.SUFFIXES else "none"

    def set(self, layout: str, suffix: str) -> None:
        if layout not in keyboard.LAYOUTS:
            raise ValueError("layout must be one of " + ", ".join(keyboard.LAYOUTS))
        if suffix not in keyboard.SUFFIXES:
            raise ValueError("suffix must be one of " + ", ".join(keyboard.SUFFIXES))
        a = keyboard.LAYOUTS.index(layout)
        b = keyboard.SUFFIXES.index(suffix)
        data = bytes((a, b, a ^ b ^ 0xA5, _MAGIC))
        if self.nvm[_NVM : _NVM + 4] != data:  # each write erases the PIN counter's sector
            self.nvm[_NVM : _NVM + 4] = data

    def suffix_text(self) -> str:
        return {"enter": "\n", "tab": "\t"}.get(self.suffix, "")
