"""Talking to a token: the host side of the provisioning protocol.

``Token`` wraps any connection with ``write``, ``read_until`` and a ``timeout`` (a
``serial.Serial`` to a real token or to ``smartkey sim``, or a virtual board's ``connect()``).
Every request is one JSON line and gets one JSON line back; see ``smartkey_fw/protocol.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from smartkey.account import Account

# The token's limits, defined in smartkey_fw/limits.py. This package is installed without the
# firmware (which needs CircuitPython's `micropython`), so these are copies, and
# tests/host/test_limits.py checks each one equal to the firmware's.
PROTOCOL = 1
MAX_FRAME = 1024
ADD_NAMES = 3  # issuers an add question names at most
CONFIRM_TIMEOUT = 35.0  # the token waits 30 s for its user; a little longer here
REPLY_TIMEOUT = 5.0
# The token refuses a question as "busy" while its buttons are in use (a PIN being typed, the
# menu, a press in the last 2 s); nothing was done, so the request is sent again for this long.
BUSY_WAIT = 30.0
BUSY_POLL = 0.5
KCV_MESSAGE = b"smartkey kcv v1\x00"
MAX_ACCOUNTS = 250  # a token's vault holds at most this many (smartkey_fw/vault.py)
# What a token's vault record holds, in bytes.
MAX_ISSUER = 40
MAX_NAME = 64
MAX_SECRET = 64
# A token's device id (smartkey_fw/pairing.py: 16 hex digits); this computer names files by it.
DEVICE_ID = re.compile(r"[0-9a-f]{1,64}")
PAIRING_CODE = re.compile(r"[0-9]{6}")
T = TypeVar("T")


class DeviceError(Exception):
    """The token answered with an error (``code``) or did not answer at all."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Entry:
    """An account as the token lists it: everything but the secret."""

    index: int
    issuer: str
    name: str
    type: str
    algorithm: str
    digits: int
    period: int

    @property
    def label(self) -> str:
        return f"{self.issuer}: {self.name}" if self.issuer else self.name


def check_value(secret: bytes) -> str:
    """The key check value the token computes for a secret (a fingerprint, not a code)."""
    return hmac.new(secret, KCV_MESSAGE, hashlib.sha1).digest()[:4].hex()


def check_fits(account: Account, number: int | None = None) -> None:
    """Raise ValueError if ``account`` cannot be stored on a token, naming the field."""
    where = f"account {number} ({account.label})" if number is not None else account.label
    for field, value, limit in (
        ("issuer", account.issuer.encode(), MAX_ISSUER),
        ("name", account.name.encode(), MAX_NAME),
        ("secret", account.secret, MAX_SECRET),
    ):
        if len(value) > limit:
            raise ValueError(f"{where}: {field} is {len(value)} bytes, a token stores {limit}")


def encode_frame(fields: dict[str, Any]) -> bytes:
    """One request line as the token reads it. Names go out as raw UTF-8: CircuitPython's
    ``json`` turns an escaped surrogate pair (how ``ensure_ascii`` writes an emoji) into two
    invalid characters, which the token would store and send back."""
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


class Token:
    def __init__(
        self, connection: Any, before_secrets: Callable[[Token], None] | None = None
    ) -> None:
        self.connection = connection
        self._next_id = 0
        # Runs before anything secret is sent, and raises to stop it: the command line checks
        # there that the token is the one this computer paired with (smartkey.pairing).
        self.before_secrets = before_secrets

    # -- requests ----------------------------------------------------------------------
    def _send(self, fields: dict[str, Any]) -> None:
        frame = encode_frame(fields)
        if len(frame) > MAX_FRAME:
            raise DeviceError("too-long", "request too long for the token")
        self.connection.write(frame)

    def _receive(self, request_id: int, timeout: float) -> dict[str, Any]:
        saved = self.connection.timeout
        self.connection.timeout = timeout
        try:
            while True:
                line = self.connection.read_until(b"\n", MAX_FRAME * 4)
                if not line.endswith(b"\n"):
                    raise DeviceError("no-answer", "the token did not answer in time")
                try:
                    reply = json.loads(line)
                except ValueError:
                    continue  # noise on the line (a console message, say): skip it
                if not isinstance(reply, dict):
                    continue
                reply_id = reply.get("id")
                # `True == 1` in Python: a reply to someone else's request must not pass.
                if type(reply_id) is int and reply_id == request_id:
                    break
        finally:
            self.connection.timeout = saved
        if reply.get("ok") is not True:
            code = reply.get("error")
            raise DeviceError(
                code if type(code) is str else "error", printable(reply.get("message"), "failed")
            )
        return reply

    def request(self, op: str, timeout: float = REPLY_TIMEOUT, **fields: Any) -> dict[str, Any]:
        return self._ask(lambda rid: {"v": PROTOCOL, "id": rid, "op": op, **fields}, timeout)[1]

    def _ask(
        self, make: Callable[[int], dict[str, Any]], timeout: float
    ) -> tuple[int, dict[str, Any]]:
        """Send ``make(request id)`` and return (that id, the reply), asking again while the
        token is busy."""
        waited = 0.0
        while True:
            self._next_id += 1
            request_id = self._next_id
            self._send(make(request_id))
            try:
                return request_id, self._receive(request_id, timeout)
            except DeviceError as error:
                if error.code != "busy" or waited >= BUSY_WAIT:
                    raise
            self._pause(BUSY_POLL)
            waited += BUSY_POLL

    def _pause(self, seconds: float) -> None:
        """Let ``seconds`` pass on the connection's own clock (a virtual board's too); nothing
        is expected meanwhile, so whatever arrives is noise and dropped."""
        saved = self.connection.timeout
        self.connection.timeout = seconds
        try:
            self.connection.read_until(b"\0", MAX_FRAME * 4)
        finally:
            self.connection.timeout = saved

    # -- operations --------------------------------------------------------------------
    def info(self) -> dict[str, Any]:
        return self.request("info")

    def device_id(self, info: dict[str, Any] | None = None) -> str:
        """The token's device id, from ``info`` if already asked (see DEVICE_ID)."""
        device_id = field(self.info() if info is None else info, "device_id", str)
        if not DEVICE_ID.fullmatch(device_id):
            raise DeviceError("bad-reply", "the token sent a device id of an unknown form")
        return device_id

    def accounts(self) -> list[Entry]:
        entries: list[Entry] = []
        while True:
            reply = self.request("list", start=len(entries))
            page = field(reply, "accounts", list)
            entries.extend(_entry(item) for item in page)
            # A total beyond what a token can hold would keep a hostile device's listing going.
            total = field(reply, "total", int, within=range(MAX_ACCOUNTS + 1))
            if not page or len(entries) >= total:
                return entries

    def check(self, index: int) -> str:
        return field(self.request("check", index=index), "kcv", str)

    def add(
        self, accounts: Iterable[Account], progress: Callable[[int], None] | None = None
    ) -> int:
        """Add a batch: one confirmation on the token, one atomic commit, or no change."""
        batch = list(accounts)
        for number, account in enumerate(batch, 1):
            check_fits(account, number)
        if self.before_secrets is not None:
            self.before_secrets(self)
        # "ready": the user said yes
        request_id, _ = self._ask(lambda rid: _add_request(rid, batch), CONFIRM_TIMEOUT)
        for number, account in enumerate(batch, 1):
            self._send({"v": PROTOCOL, "op": "item", "account": _fields(account)})
            if progress:
                progress(number)
        # The token rewrites its whole vault (up to 250 accounts) once the last item arrives.
        return field(self._receive(request_id, 30.0 + len(batch) * 0.2), "accounts", int)

    def rename(self, index: int, issuer: str, name: str) -> None:
        check_fits(Account(secret=b"x", issuer=issuer, name=name))
        self.request("rename", CONFIRM_TIMEOUT, index=index, issuer=issuer, name=name)

    def remove(self, index: int) -> None:
        self.request("remove", CONFIRM_TIMEOUT, index=index)

    def reorder(self, order: list[int]) -> None:
        self.request("reorder", CONFIRM_TIMEOUT, order=order)

    def wipe(self) -> None:
        self.request("wipe", CONFIRM_TIMEOUT)

    def pair(self, host: bytes, nonce: bytes, show: Callable[[str], None]) -> tuple[str, str, str]:
        """Ask the token to pair with this computer (smartkey.pairing): ``show(code)`` runs
        while the token shows the code and asks its user. Returns (code, token's nonce, key),
        as the token sent them; the key comes only after a yes on the token."""
        request_id, first = self._ask(
            lambda rid: {
                "v": PROTOCOL,
                "id": rid,
                "op": "pair",
                "host": host.hex(),
                "nonce": nonce.hex(),
            },
            REPLY_TIMEOUT,
        )
        code = field(first, "code", str)
        if not PAIRING_CODE.fullmatch(code):
            raise DeviceError("bad-reply", "the token's pairing code is not six digits")
        token_nonce = field(first, "nonce", str)
        show(code)
        key = field(self._receive(request_id, CONFIRM_TIMEOUT), "key", str)
        return code, token_nonce, key

    def prove(self, host: bytes, challenge: bytes) -> str:
        """The token's answer to ``challenge`` under this computer's key (smartkey.pairing)."""
        reply = self.request("prove", host=host.hex(), challenge=challenge.hex())
        return field(reply, "proof", str)


def _add_request(request_id: int, batch: list[Account]) -> dict[str, Any]:
    """The ``add`` request, with what the token's question names: the account's label, or the
    first few distinct issuers (the name where there is none), as many as fit in a frame. The
    token checks that the items it then receives are these."""
    request: dict[str, Any] = {"v": PROTOCOL, "id": request_id, "op": "add", "count": len(batch)}
    if len(batch) == 1:
        request["names"] = [batch[0].label]
        return request
    distinct = list(dict.fromkeys(account.issuer or account.name for account in batch))
    for shown in range(min(ADD_NAMES, len(distinct)), 0, -1):
        request["names"] = distinct[:shown]
        request["more"] = len(distinct) > shown
        if len(encode_frame(request)) <= MAX_FRAME:
            break
    return request


def field(reply: dict[str, Any], key: str, kind: type[T], within: range | None = None) -> T:
    """``reply[key]``, which must be a ``kind`` (and in ``within``, if given): a reply of any
    other shape is no answer, the token's fault (never a TypeError or KeyError, which would
    look like a bug of this tool). Every field of a reply is read through this."""
    value = reply.get(key)
    if type(value) is not kind:
        raise DeviceError("bad-reply", f"the token's reply has no {kind.__name__} {key!r}")
    if within is not None and value not in within:
        raise DeviceError("bad-reply", f"the token's reply has {key!r} out of range")
    return value


def optional(
    reply: dict[str, Any], key: str, kind: type[T], within: range | None = None
) -> T | None:
    """:func:`field`, where the token may send null (or nothing) instead."""
    return None if reply.get(key) is None else field(reply, key, kind, within)


def record(item: Any, what: str) -> dict[str, Any]:
    """An object inside a reply (an account of a listing, a self-test result)."""
    if not isinstance(item, dict):
        raise DeviceError("bad-reply", f"the token sent {what} of an unknown shape")
    return item


def printable(value: Any, default: str) -> str:
    """The token's own words as one line of text (or ``default`` if they are no text): they
    end up on the user's terminal, where a newline or an escape sequence has no business."""
    if type(value) is not str:
        return default
    return "".join(c if c.isprintable() else " " for c in value)[:200] or default


def _entry(item: Any) -> Entry:
    """One account of a ``list`` reply."""
    item = record(item, "an account")
    return Entry(
        index=field(item, "index", int),
        issuer=field(item, "issuer", str),
        name=field(item, "name", str),
        type=field(item, "type", str),
        algorithm=field(item, "algorithm", str),
        digits=field(item, "digits", int),
        period=field(item, "period", int),
    )


def _fields(account: Account) -> dict[str, Any]:
    return {
        "type": account.type,
        "issuer": account.issuer,
        "name": account.name,
        "algorithm": account.algorithm,
        "digits": account.digits,
        "period": account.period,
        "counter": account.counter,
        "secret": account.secret.hex(),
    }
