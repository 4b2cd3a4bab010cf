"""One account as a fixed-size 192-byte record, the vault's unit of storage.

Fixed size lets the vault read, decrypt and parse a single account at a known offset, so memory
does not grow with the number of accounts.
"""

from micropython import const

from smartkey_fw.account import Account
from smartkey_fw.limits import MAX_ISSUER, MAX_NAME, MAX_SECRET

SIZE = const(192)
_SECRET = const(16)
_ISSUER = const(80)
_NAME = const(120)
KINDS = ("totp", "hotp", "steam")
ALGORITHMS = ("sha1", "sha256", "sha512")


def _utf8(text: str, limit: int, field: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > limit:
        raise ValueError("%s is longer than %d bytes" % (field, limit))
    return data


def encode(account: Account, out: bytearray) -> None:
    """Write ``account`` into the 192-byte buffer ``out`` (zero padded)."""
    secret = account.secret
    if not 0 < len(secret) <= MAX_SECRET:
        raise ValueError("secret must be 1 to %d bytes" % MAX_SECRET)
    if account.kind not in KINDS:
        raise ValueError("type must be totp, hotp or steam")
    if account.algorithm not in ALGORITHMS:
        raise ValueError("algorithm must be sha1, sha256 or sha512")
    if not 0 < account.period < 65536:
        raise ValueError("period must be 1 to 65535 seconds")
    issuer = _utf8(account.issuer, MAX_ISSUER, "issuer")
    name = _utf8(account.name, MAX_NAME, "name")
    for i in range(SIZE):
        out[i] = 0
    out[0] = KINDS.index(account.kind)
    out[1] = ALGORITHMS.index(account.algorithm)
    out[2] = account.digits
    out[3] = len(secret)
    out[4] = account.period >> 8
    out[5] = account.period & 0xFF
    counter = account.counter
    for i in range(13, 5, -1):
        out[i] = counter & 0xFF
        counter >>= 8
    out[14] = len(issuer)
    out[15] = len(name)
    out[_SECRET : _SECRET + len(secret)] = secret
    out[_ISSUER : _ISSUER + len(issuer)] = issuer
    out[_NAME : _NAME + len(name)] = name


def decode(data: bytearray, with_secret: bool = True) -> Account:
    """The account in a decrypted record; ``with_secret=False`` leaves the secret out."""
    if data[0] >= len(KINDS) or data[1] >= len(ALGORITHMS) or not 0 < data[3] <= MAX_SECRET:
        raise ValueError("record is not an account")
    counter = 0
    for i in range(6, 14):
        counter = (counter << 8) | data[i]
    issuer = bytes(data[_ISSUER : _ISSUER + data[14]]).decode("utf-8")
    name = bytes(data[_NAME : _NAME + data[15]]).decode("utf-8")
    secret = bytes(data[_SECRET : _SECRET + data[3]]) if with_secret else b""
    return Account(
        issuer,
        name,
        secret,
        KINDS[data[0]],
        ALGORITHMS[data[1]],
        data[2],
        (data[4] << 8) | data[5],
        counter,
    )
