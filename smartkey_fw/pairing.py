"""Pairing a computer with this token, and proving to a paired computer that it is this token.

A device with a token's USB ids must not collect the secrets ``smartkey add`` sends, so the
host sends them only to a token that proves it holds the key they share. The token has no
public-key primitive to spare (no X25519 on an RP2040), so pairing is Bluetooth-style numeric
comparison with a symmetric key:

- ``P`` = a key derived from the open vault's keys (``Vault.derive``): it is encrypted under the
  PIN like the accounts, never leaves the token, and a wipe (or a new PIN) makes another one,
  which unpairs every computer;
- ``K`` = HMAC-SHA256(P, host id): one key per computer, recomputed, never stored on the token;
- ``pair`` (host id, host nonce): the token replies with its nonce and a 6-digit code,
  HMAC-SHA256(K, label + both nonces), shows the code and asks for a yes; only after the yes
  does ``K`` go to the host, which checks the code against it and keeps it;
- ``prove`` (host id, challenge): HMAC-SHA256(K, challenge + label + device id). Nothing but the
  holder of ``P`` can answer for a computer's ``K``.
"""

import binascii
import os

from smartkey_fw import otp
from smartkey_fw.protocol import ProtocolError

try:
    from typing import Any
except ImportError:
    pass

_PAIRING = b"smartkey pairing v1"
_CODE = b"smartkey pair code v1"
_PROOF = b"smartkey proof v1"


def device_id(uid: bytes) -> str:
    """A stable name for this token that is not its chip id (which salts the vault's key)."""
    return binascii.hexlify(otp.hmac(uid, b"smartkey device id", "sha1")[:8]).decode()


def host_key(pairing_secret: bytes, host: bytes) -> bytes:
    return otp.hmac(pairing_secret, host, "sha256")


def short_code(key: bytes, host_nonce: bytes, token_nonce: bytes) -> str:
    """Six digits both sides show; from the key and both nonces, so a new pairing shows new ones."""
    d = otp.hmac(key, _CODE + host_nonce + token_nonce, "sha256")
    return "%06d" % (((d[0] << 16) | (d[1] << 8) | d[2]) % 1000000)


def proof(key: bytes, challenge: bytes, device: str) -> bytes:
    return otp.hmac(key, challenge + _PROOF + device.encode(), "sha256")


def _bytes(request: dict, field: str) -> bytes:
    """``request[field]``: 16 to 64 bytes in hex."""
    text = request[field]
    try:
        data = binascii.unhexlify(text)
    except (ValueError, TypeError):
        raise ProtocolError("bad-request", field + " must be hex") from None
    if not 16 <= len(data) <= 64:
        raise ProtocolError("bad-request", field + " must be 16 to 64 bytes")
    return data


def _key(p: Any, request: dict) -> bytes:
    return host_key(p.token.vault.derive(_PAIRING), _bytes(request, "host"))


def pair(p: Any, request_id: Any, request: dict) -> None:
    """Two replies: the token's nonce and the code (shown on the OLED too), then after the yes
    the key. A refusal or no answer ends it with an error, and the key never leaves."""
    host_nonce = _bytes(request, "nonce")
    p.not_busy()  # before a code goes out: its question follows at once
    key = _key(p, request)
    mine = os.urandom(16)
    code = short_code(key, host_nonce, mine)
    p.reply(request_id, nonce=binascii.hexlify(mine).decode(), code=code)
    p.confirm(request_id, ("Pair code " + code[:3] + " " + code[3:], "Same on computer?"))
    p.yes_given()  # PRESS: no key leaves without the yes
    p.reply(request_id, key=binascii.hexlify(key).decode())


def prove(p: Any, request_id: Any, request: dict) -> None:
    challenge = _bytes(request, "challenge")
    answer = proof(_key(p, request), challenge, device_id(p.token.uid))
    p.reply(request_id, proof=binascii.hexlify(answer).decode())
