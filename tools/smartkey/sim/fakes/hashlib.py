"""Fake of an RP2040's ``hashlib``: exactly the algorithms the board's CircuitPython has.

``shared-module/hashlib``: SHA-1 on 9.x and 10.0, SHA-1 and SHA-256 from 10.1, never SHA-512,
so the firmware's own pure-Python hashes are what run for the rest. As on the device, there is
only ``new()`` (no ``hashlib.sha1()``), and a hash has ``update``, ``digest`` and
``digest_size`` only.
"""

from __future__ import annotations

import hashlib as _host_hashlib
from typing import Any

_hw: Any = None


def _supported() -> tuple[str, ...]:
    return ("sha1", "sha256") if _hw.version >= (10, 1, 0) else ("sha1",)


class Hash:
    def __init__(self, name: str) -> None:
        self._hash = _host_hashlib.new(name)
        self.digest_size = self._hash.digest_size

    def update(self, data: Any) -> None:
        self._hash.update(memoryview(data))

    def digest(self) -> bytes:
        return self._hash.digest()


def new(name: str, data: Any = b"") -> Hash:
    if not isinstance(name, str):
        raise TypeError(f"can't convert {type(name).__name__} to str")
    if name not in _supported():
        raise ValueError("Unsupported hash algorithm")
    hash_ = Hash(name)
    if data is not None:
        hash_.update(data)
    return hash_
