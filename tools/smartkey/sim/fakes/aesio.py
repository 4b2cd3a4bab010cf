"""Fake of ``aesio`` (AES-ECB/CBC/CTR as CircuitPython has it), computed by ``cryptography``.

The rules are the real ones (``shared-bindings/aesio/aes.c``, checked against the unix build of
CircuitPython): ECB encrypts or decrypts exactly one 16-byte block per call, CBC whole 16-byte
blocks and keeps its chaining between calls, CTR any length, but each call starts on a fresh
counter block: the unused rest of the last block's keystream is thrown away, so two calls of 5
and 11 bytes do not give what one call of 16 does. A missing IV is 16 zero bytes.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MODE_ECB = 1
MODE_CBC = 2
MODE_CTR = 6


class AES:
    def __init__(self, key: Any, mode: int = MODE_ECB, IV: Any = None, segment_size: int = 8):
        self.mode = mode
        self.rekey(key, IV)

    @property
    def mode(self) -> int:
        return self._mode

    @mode.setter
    def mode(self, mode: int) -> None:
        if mode not in (MODE_ECB, MODE_CBC, MODE_CTR):
            raise NotImplementedError("Requested AES mode is unsupported")
        self._mode = mode

    def rekey(self, key: Any, IV: Any = None) -> None:
        if len(key) not in (16, 24, 32):
            raise ValueError("Key must be 16, 24, or 32 bytes long")
        if IV is not None and len(IV) != 16:
            raise ValueError("IV length must be 16")
        self._key = bytes(key)
        self._iv = bytes(IV) if IV is not None else bytes(16)
        self._cbc: Any = None  # (encryptor, decryptor), made at the first CBC call
        self._counter = int.from_bytes(self._iv, "big")

    def _check(self, src: Any, dest: Any) -> None:
        if len(src) != len(dest):
            raise ValueError("Source and destination buffers must be the same length")
        if self._mode == MODE_ECB and len(src) != 16:
            raise ValueError("ECB only operates on 16 bytes at a time")
        if self._mode == MODE_CBC and len(src) % 16:
            raise ValueError("CBC blocks must be multiples of 16 bytes")

    def _ecb(self, data: bytes, encrypt: bool) -> bytes:
        cipher = Cipher(algorithms.AES(self._key), modes.ECB())
        worker = cipher.encryptor() if encrypt else cipher.decryptor()
        return worker.update(data)

    def _ctr(self, src: bytes) -> bytes:
        blocks = (len(src) + 15) // 16
        counters = b"".join(
            ((self._counter + i) % (1 << 128)).to_bytes(16, "big") for i in range(blocks)
        )
        self._counter = (self._counter + blocks) % (1 << 128)
        stream = self._ecb(counters, True)
        return bytes(a ^ b for a, b in zip(src, stream, strict=False))

    def _crypt(self, src: Any, dest: Any, encrypt: bool) -> None:
        self._check(src, dest)
        data = bytes(memoryview(src))
        if self._mode == MODE_ECB:
            dest[:] = self._ecb(data, encrypt)
        elif self._mode == MODE_CTR:
            dest[:] = self._ctr(data)
        else:
            if self._cbc is None:
                cipher = Cipher(algorithms.AES(self._key), modes.CBC(self._iv))
                self._cbc = (cipher.encryptor(), cipher.decryptor())
            dest[:] = self._cbc[0 if encrypt else 1].update(data)

    def encrypt_into(self, src: Any, dest: Any) -> None:
        self._crypt(src, dest, True)

    def decrypt_into(self, src: Any, dest: Any) -> None:
        self._crypt(src, dest, False)
