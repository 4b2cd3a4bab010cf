"""Fake of an RP2040's ``hashlib``: SHA-1 only, as on the device, so the firmware's own SHA-256
and SHA-512 are what run in the virtual board."""

from __future__ import annotations

import hashlib as _host_hashlib
from typing import Any

_SUPPORTED = ("sha1",)


class Hash:
    def __init__(self, name: str, data: bytes) -> None:
        self._hash = _host_hashlib.new(name, bytes(data))
        self.digest_size = self._hash.digest_size

    def update(self, data: Any) -> None:
        self._hash.update(bytes(data))

    def digest(self) -> bytes:
        return self._hash.digest()


def new(name: str, data: bytes = b"") -> Hash:
    if name not in _SUPPORTED:
        raise ValueError("Unsupported hash algorithm")
    return Hash(name, data)
