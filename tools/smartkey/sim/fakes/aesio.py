"""Fake of ``aesio`` (AES-ECB/CBC/CTR as CircuitPython has it), computed by ``cryptography``.

As on the device, CBC and CTR keep their chaining state between calls, and encrypt/decrypt of
ECB and CBC take whole 16-byte blocks only.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MODE_ECB = 1
MODE_CBC = 2
MODE_CTR = 6


class AES:
    def __init__(self, key: Any, mode: int = MODE_ECB, IV: Any = None) -> None:
        self.rekey(key, IV)
        if mode not in (MODE_ECB, MODE_CBC, MODE_CTR):
            raise NotImplementedError("Requested AES mode is unsupported")
        self.mode = mode
        self._encryptor: Any = None
        self._decryptor: Any = None

    def rekey(self, key: Any, IV: Any = None) -> None:
        if len(key) not in (16, 24, 32):
            raise ValueError("Key length must be 16, 24, or 32 bytes")
        if IV is not None and len(IV) != 16:
            raise ValueError("IV must be 16 bytes")
        self._key = bytes(key)
        self._iv = bytes(IV) if IV is not None else bytes(16)
        self._encryptor = self._decryptor = None

    def _cipher(self) -> Cipher:
        if self.mode == MODE_ECB:
            return Cipher(algorithms.AES(self._key), modes.ECB())
        if self.mode == MODE_CBC:
            return Cipher(algorithms.AES(self._key), modes.CBC(self._iv))
        return Cipher(algorithms.AES(self._key), modes.CTR(self._iv))

    def _check(self, src: Any, dest: Any) -> None:
        if len(src) != len(dest):
            raise ValueError("Source and dest must be the same length")
        if self.mode != MODE_CTR and len(src) % 16:
            raise ValueError("Buffer must be a multiple of 16 bytes")

    def encrypt_into(self, src: Any, dest: Any) -> None:
        self._check(src, dest)
        if self.mode == MODE_CTR:
            self._decryptor = self._encryptor = self._encryptor or self._cipher().encryptor()
        elif self._encryptor is None:
            self._encryptor = self._cipher().encryptor()
        dest[:] = self._encryptor.update(bytes(src))

    def decrypt_into(self, src: Any, dest: Any) -> None:
        self._check(src, dest)
        if self.mode == MODE_CTR:
            self.encrypt_into(src, dest)
            return
        if self._decryptor is None:
            self._decryptor = self._cipher().decryptor()
        dest[:] = self._decryptor.update(bytes(src))
