"""FreeOTP 2's backup (``externalBackup.xml``): despite its name, a serialised Java
``HashMap<String, String>``, as Aegis reads it.

The map holds ``masterKey``: a JSON object with a PBKDF2 algorithm (``PBKDF2withHmacSHA1`` or
``…SHA512``), ``mIterations``, ``mSalt`` and ``mEncryptedKey``, the master key sealed with
AES-GCM under the password's key. Each token is two entries: ``UUID-token``, FreeOTP's token
JSON without its secret, and ``UUID``, ``{"key": "…"}`` whose text is the secret sealed with the
master key. A sealed key is ``mCipher`` (always ``AES/GCM/NoPadding``), ``mCipherText``
(ciphertext and tag, Java's signed bytes), ``mParameters`` (the DER of the GCM parameters,
which hold the nonce) and ``mToken``, the authenticated data. Counters are stored as they are,
not one low as in ``tokens.xml``.
"""

from __future__ import annotations

import struct
from typing import Any

from smartkey.account import Account
from smartkey.importers import crypto, fields, freeotp
from smartkey.importers.errors import ImportFailed, wrong_password
from smartkey.importers.source import Source

WHAT = "FreeOTP 2 backup"
_MAGIC = b"\xac\xed\x00\x05"
_MASTER_KEY = "masterKey"
_TOKEN_SUFFIX = "-token"
_HASHES = {"PBKDF2withHmacSHA1": "sha1", "PBKDF2withHmacSHA512": "sha512"}
_CIPHER = "AES/GCM/NoPadding"
# Java serialisation's type codes.
_TC_NULL, _TC_CLASSDESC, _TC_OBJECT, _TC_STRING = 0x70, 0x72, 0x73, 0x74
_TC_BLOCKDATA, _TC_ENDBLOCKDATA, _TC_LONGSTRING = 0x77, 0x78, 0x7C
_PRIMITIVE_SIZES = {"B": 1, "C": 2, "D": 8, "F": 4, "I": 4, "J": 8, "S": 2, "Z": 1}
_MAX_ENTRIES = 100_000


def is_backup(source: Source) -> bool:
    return source.starts(_MAGIC) and _MASTER_KEY.encode() in source.data


def load(source: Source, password: str | None) -> list[Account]:
    with fields.context(WHAT):
        entries = _string_map(source.data)
        master = _master_key(fields.parse_json(fields.text(entries, _MASTER_KEY), _MASTER_KEY))
    if password is None:
        raise ImportFailed(f"this {WHAT} is encrypted: a password is needed")
    key = _unseal_master(master, password)
    uuids = [name for name in entries if f"{name}{_TOKEN_SUFFIX}" in entries]
    return [_token(i, len(uuids), entries, uuid, key) for i, uuid in enumerate(uuids)]


def _master_key(document: Any) -> dict[str, Any]:
    master = fields.obj(document, _MASTER_KEY)
    algorithm = fields.text(master, "mAlgorithm")
    if algorithm not in _HASHES:
        raise ValueError(f"mAlgorithm {algorithm[:30]!r} is not supported")
    return master


def _unseal_master(master: dict[str, Any], password: str) -> bytes:
    with fields.context(f"{WHAT} {_MASTER_KEY}"):
        key = crypto.pbkdf2(
            _HASHES[master["mAlgorithm"]],
            password,
            _bytes(master, "mSalt"),
            fields.integer(master, "mIterations"),
        )
        sealed = fields.mapping(master, "mEncryptedKey")
        opened = _open(key, sealed)
    if opened is None:
        raise wrong_password(WHAT)
    return opened


def _token(index: int, count: int, entries: dict[str, str], uuid: str, key: bytes) -> Account:
    text = entries[f"{uuid}{_TOKEN_SUFFIX}"]
    with fields.context(fields.entry(index, count, None, None, WHAT)):
        token = fields.obj(fields.parse_json(text, "the token"), "the token")
    names = fields.entry(index, count, token.get("issuerExt"), token.get("label"), WHAT)
    with fields.context(names):
        wrapper = fields.obj(fields.parse_json(entries[uuid], "the key"), "the key")
        sealed = fields.obj(fields.parse_json(fields.text(wrapper, "key"), "key"), "key")
        secret = _open(key, sealed)
        if secret is None:
            raise ValueError("its secret does not open with the master key: damaged")
    token["secret"] = [byte - 256 if byte > 127 else byte for byte in secret]
    return freeotp.account(index, count, token, WHAT, stored_low=False)


def _open(key: bytes, sealed: dict[str, Any]) -> bytes | None:
    cipher = fields.text(sealed, "mCipher")
    if cipher != _CIPHER:
        raise ValueError(f"mCipher {cipher[:30]!r} is not {_CIPHER}")
    nonce = _gcm_nonce(_bytes(sealed, "mParameters"))
    token = fields.text(sealed, "mToken").encode("utf-8")
    return crypto.open_gcm(key, nonce, _bytes(sealed, "mCipherText"), token)


def _bytes(record: dict[str, Any], key: str) -> bytes:
    """A list of Java's signed bytes."""
    values = fields.records(record, key)
    if not all(type(value) is int and -128 <= value <= 255 for value in values):
        raise ValueError(f"{key} must be a list of bytes")
    return bytes(value & 0xFF for value in values)


def _gcm_nonce(parameters: bytes) -> bytes:
    """The nonce in the DER of Java's GCMParameters: SEQUENCE { OCTET STRING, INTEGER }."""
    data = parameters
    if data[:1] == b"\x30" and len(data) > 2 and data[1] < 0x80:
        data = data[2 : 2 + data[1]]
    if data[:1] != b"\x04" or len(data) < 2 or data[1] >= 0x80 or len(data) < 2 + data[1]:
        raise ValueError("mParameters holds no GCM nonce")
    return data[2 : 2 + data[1]]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise ValueError("the serialised map is cut short")
        self.at += size
        return self.data[self.at - size : self.at]

    def byte(self) -> int:
        return self.take(1)[0]

    def expect(self, code: int, what: str) -> None:
        if self.byte() != code:
            raise ValueError(f"the serialised map has no {what} where expected")

    def number(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def utf(self, size: int) -> str:
        # Java's modified UTF-8: NUL as C0 80, characters beyond the BMP as surrogate pairs.
        raw = self.take(size).replace(b"\xc0\x80", b"\x00")
        try:
            text = raw.decode("utf-8", "surrogatepass")
            return text.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeError:
            raise ValueError("the serialised map holds text that is not UTF-8") from None

    def string(self) -> str:
        code = self.byte()
        if code == _TC_STRING:
            return self.utf(self.number(2))
        if code == _TC_LONGSTRING:
            return self.utf(self.number(8))
        raise ValueError("the serialised map holds something other than text")


def _string_map(data: bytes) -> dict[str, str]:
    """The entries of a serialised ``java.util.HashMap<String, String>``."""
    reader = _Reader(data)
    if reader.take(4) != _MAGIC:
        raise ValueError("not a serialised Java object")
    reader.expect(_TC_OBJECT, "object")
    reader.expect(_TC_CLASSDESC, "class description")
    name = reader.utf(reader.number(2))
    if name != "java.util.HashMap":
        raise ValueError(f"it holds a {name[:40]}, not a java.util.HashMap")
    reader.take(8 + 1)  # serialVersionUID, flags
    sizes = 0
    for _ in range(reader.number(2)):
        kind = chr(reader.byte())
        reader.utf(reader.number(2))
        if kind not in _PRIMITIVE_SIZES:
            raise ValueError("the map's class has a field this reader does not know")
        sizes += _PRIMITIVE_SIZES[kind]
    reader.expect(_TC_ENDBLOCKDATA, "end of the class description")
    reader.expect(_TC_NULL, "superclass")
    reader.take(sizes)  # loadFactor, threshold
    reader.expect(_TC_BLOCKDATA, "block of data")
    block = reader.byte()
    if block < 8:
        raise ValueError("the map's block of data is too short")
    _capacity, size = struct.unpack(">ii", reader.take(8))
    reader.take(block - 8)
    if not 0 <= size <= _MAX_ENTRIES:
        raise ValueError(f"the map says it holds {size} entries")
    entries: dict[str, str] = {}
    for _ in range(size):
        key = reader.string()
        entries[key] = reader.string()
    return entries
