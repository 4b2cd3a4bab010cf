"""This computer's pairings with tokens: secrets go only to a token that proves it is the one.

A device with a token's USB ids (a fake token, a hostile gadget) must not collect the secrets
of ``smartkey add``. On first use the host and the token pair the way Bluetooth's numeric
comparison does: the token shows a 6-digit code on its OLED and asks for a yes, this computer
shows the same code and asks its user too, and only then does the token hand over a key for
this computer, ``K``, kept here per device id. Afterwards, before any secret is sent, the token
must answer a fresh random challenge with HMAC-SHA256(K, challenge + label + device id) (see
``smartkey_fw/pairing.py`` for the token's side).

The keys live in one small JSON file, readable by its owner only: ``$SMARTKEY_PAIRINGS``, else
``$XDG_CONFIG_HOME/smartkey/pairings.json`` (``~/.config/smartkey/pairings.json``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartkey.device import DeviceError, Token

ENV = "SMARTKEY_PAIRINGS"
_CODE = b"smartkey pair code v1"
_PROOF = b"smartkey proof v1"
_NONCE_BYTES = 16
_CHALLENGE_BYTES = 32


class PairingError(Exception):
    """Nothing was sent: the token is not (or no longer) paired with this computer."""

    def __init__(self, device_id: str, message: str) -> None:
        super().__init__(message)
        self.device_id = device_id


class NotPaired(PairingError):
    """A token this computer has never paired with (or a device claiming an unknown id)."""


class ChangedToken(PairingError):
    """A token with a known id that cannot prove the key: wiped, a new PIN, or not that token."""


class DamagedPairings(ValueError):
    """The pairings file is not what this tool writes (edited by hand, or cut short)."""


def _is_hex(value: Any, size: int) -> bool:
    if not isinstance(value, str) or len(value) != 2 * size:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def _problem(data: Any) -> str | None:
    """What is wrong with a pairings file's content, or None."""
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), dict):
        return "no table of tokens"
    if data.get("host") is not None and not _is_hex(data["host"], 16):
        return "this computer's id is not 16 bytes in hex"
    for device_id, entry in data["tokens"].items():
        if not isinstance(entry, dict) or not _is_hex(entry.get("key"), 32):
            return f"the key for token {device_id!r} is not 32 bytes in hex"
    return None


class PairingRefused(PairingError):
    """The pairing did not finish: a no on the token or here, or a code that did not match."""


def default_path() -> Path:
    given = os.environ.get(ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smartkey" / "pairings.json"


class Pairings:
    """The pairing file: this computer's id and one key per token's device id."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._data: dict[str, Any] = {"host": None, "tokens": {}}
        if self.path.exists():
            self._data = self._read()

    def _read(self) -> dict[str, Any]:
        """The file as written by ``_save``; anything else is refused, never overwritten: the
        keys in it are the only proof of which tokens this computer has met."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            problem = _problem(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problem = f"not JSON ({error})"
        if problem:
            raise DamagedPairings(
                f"the pairings file {self.path} is damaged: {problem}. Nothing was changed or "
                "sent; move it aside and run `smartkey pair` again for each token"
            )
        return dict(data)

    @property
    def host_id(self) -> bytes:
        """This computer's id (random, made once): the token derives its key from it."""
        if not self._data.get("host"):
            self._data["host"] = os.urandom(16).hex()
        return bytes.fromhex(self._data["host"])

    def key(self, device_id: str) -> bytes | None:
        entry = self._data["tokens"].get(device_id)
        return bytes.fromhex(entry["key"]) if isinstance(entry, dict) else None

    def remember(self, device_id: str, key: bytes) -> None:
        self._data["tokens"][device_id] = {"key": key.hex(), "paired": int(time.time())}
        self._save()

    def _save(self) -> None:
        """Written whole to a new file made 0600 before any key is in it, then renamed over."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        new = self.path.with_name(self.path.name + ".new")
        descriptor = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as f:
            json.dump(self._data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(new, 0o600)  # O_CREAT's mode is masked by the umask, and ignored if it existed
        os.replace(new, self.path)


def short_code(key: bytes, host_nonce: bytes, token_nonce: bytes) -> str:
    """The six digits both sides show (the token computes the same, smartkey_fw/pairing.py)."""
    digest = hmac.new(key, _CODE + host_nonce + token_nonce, hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:3], 'big') % 1_000_000:06d}"


def expected_proof(key: bytes, challenge: bytes, device_id: str) -> bytes:
    return hmac.new(key, challenge + _PROOF + device_id.encode(), hashlib.sha256).digest()


def prove(token: Token, pairings: Pairings, device_id: str | None = None) -> str:
    """Check that the token holds this computer's key for the id it claims (``device_id``, if
    already asked); returns that id.

    NotPaired for an id with no key here, ChangedToken when the answer is wrong, whatever the
    reason (an error reply that is no refusal of ours, a reply of the wrong shape)."""
    device_id = device_id or token.device_id()
    key = pairings.key(device_id)
    if key is None:
        raise NotPaired(device_id, f"this computer is not paired with token {device_id}")
    challenge = os.urandom(_CHALLENGE_BYTES)
    changed = ChangedToken(device_id, f"token {device_id} could not prove it is the one paired")
    try:
        answer = bytes.fromhex(token.prove(pairings.host_id, challenge))
    except DeviceError as error:
        if error.code in ("locked", "busy", "no-answer"):
            raise  # nothing to judge yet: the token says why
        raise changed from None
    except ValueError:
        raise changed from None
    if not hmac.compare_digest(answer, expected_proof(key, challenge, device_id)):
        raise changed
    return device_id


def status(token: Token, pairings: Pairings, device_id: str, locked: bool) -> str:
    """Whether this computer is paired with the token: "unpaired"; "proved" (the token proved
    it holds the key); "changed" (it could not: wiped, a new PIN, or another device); or
    "unchecked" (a token answers a challenge only while it is unlocked)."""
    if pairings.key(device_id) is None:
        return "unpaired"
    if locked:
        return "unchecked"
    try:
        prove(token, pairings, device_id)
    except ChangedToken:
        return "changed"
    except DeviceError as error:
        if error.code != "locked":  # locked since it was asked
            raise
        return "unchecked"
    return "proved"


def pair(
    token: Token,
    pairings: Pairings,
    show_code: Callable[[str], None],
    agree: Callable[[str], bool],
) -> str:
    """Pair with the token: ``show_code(code)`` while the token shows it and asks its user,
    then ``agree(code)`` asks this computer's user whether the token showed that code. The key
    is kept only if both said yes and it yields the code shown. Returns the device id."""
    device_id = token.device_id()
    nonce = os.urandom(_NONCE_BYTES)
    try:
        code, token_nonce, key_hex = token.pair(pairings.host_id, nonce, show_code)
        key = bytes.fromhex(key_hex)
        theirs = bytes.fromhex(token_nonce)
    except ValueError:
        raise PairingRefused(device_id, "the token's answer was not a pairing key") from None
    if len(key) != 32 or not hmac.compare_digest(short_code(key, nonce, theirs), code):
        raise PairingRefused(device_id, "the token's key does not give the code it showed")
    if not agree(code):
        raise PairingRefused(device_id, "not paired: the codes were not confirmed the same")
    pairings.remember(device_id, key)
    return device_id
