"""The key derivations and the AES-GCM that authenticator apps seal their exports with.

Passwords are UTF-8, as Java's PBEKeySpec and Aegis's password slots encode them. The cost
parameters come from the file itself, so they are bounded before any work starts: a damaged or
hostile file must not make the host spend minutes or gigabytes finding out it is wrong.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_SIZE = 32  # AES-256
NONCE_SIZE = 12
TAG_SIZE = 16
MAX_PBKDF2_ITERATIONS = 10_000_000  # andOTP writes ~150,000; Aegis refuses above 10 million
_MAX_SCRYPT_N = 1 << 20
_MAX_SCRYPT_R = 32
_MAX_SCRYPT_P = 16
_SCRYPT_MAXMEM = 256 << 20  # 8 times what Aegis asks for (N=32768, r=8)


def pbkdf2(hash_name: str, password: str, salt: bytes, iterations: int) -> bytes:
    """A 256-bit key by PBKDF2-HMAC with ``hash_name`` ("sha1" or "sha256")."""
    if not 1 <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise ValueError(f"PBKDF2 iteration count {iterations} is out of range")
    return hashlib.pbkdf2_hmac(hash_name, password.encode("utf-8"), salt, iterations, KEY_SIZE)


def scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """A 256-bit key by scrypt with cost ``n`` (a power of two), block size ``r``, ``p`` lanes."""
    if not (1 < n <= _MAX_SCRYPT_N and n & (n - 1) == 0):
        raise ValueError(f"scrypt n={n} is not a power of two up to {_MAX_SCRYPT_N}")
    if not (1 <= r <= _MAX_SCRYPT_R and 1 <= p <= _MAX_SCRYPT_P):
        raise ValueError(f"scrypt r={r}, p={p} are out of range")
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=KEY_SIZE
    )


def open_gcm(
    key: bytes, nonce: bytes, sealed: bytes, associated: bytes | None = None
) -> bytes | None:
    """The plaintext of AES-GCM ``sealed`` (ciphertext then 16-byte tag), or None when the tag
    does not match: the key is wrong or the data damaged, and GCM cannot tell which."""
    if len(nonce) != NONCE_SIZE:
        raise ValueError(f"nonce must be {NONCE_SIZE} bytes, not {len(nonce)}")
    if len(key) != KEY_SIZE:
        raise ValueError(f"key must be {KEY_SIZE} bytes, not {len(key)}")
    try:
        return AESGCM(key).decrypt(nonce, sealed, associated)
    except InvalidTag:
        return None


def argon2id(password: str, salt: bytes, *, iterations: int, lanes: int, memory_kib: int) -> bytes:
    """A 256-bit key by Argon2id; the costs are the caller's constants, never the file's."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt, length=KEY_SIZE, iterations=iterations, lanes=lanes, memory_cost=memory_kib
    )
    return kdf.derive(password.encode("utf-8"))


def open_cbc(key: bytes, iv: bytes, sealed: bytes) -> bytes | None:
    """The plaintext of AES-CBC ``sealed`` with PKCS#7 padding, or None when the padding is
    wrong. CBC has no tag: a wrong key shows only as bad padding (or, 1 in 256, as garbage the
    caller's parser refuses)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(sealed) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return None
