"""The device side of the provisioning protocol, on the ``usb_cdc`` data channel.

A frame is one line of JSON (at most 1,024 bytes, ending in a newline): a request
``{"v": 1, "id": 7, "op": "info", ...}`` gets exactly one reply ``{"v": 1, "id": 7, "ok": true,
...}`` or ``{"v": 1, "id": 7, "ok": false, "error": "locked", "message": "..."}``. A line that
is too long, not JSON, or left half-sent for 2 s is dropped with an error reply. No reply ever
carries a secret or a code; secrets only travel host to device, inside an ``add`` batch.

Changes need the vault unlocked and a yes on the device's buttons. ``add`` announces its
count and the names the question shows (``names``: the one account's label, or the first
distinct issuers of several, ``more`` if others follow), waits for that yes, then streams one
``item`` frame per account straight into the new vault generation, which is committed only if
every item arrived intact and the items are what the user was asked about: a batch cut short
or different changes nothing.
"""

import binascii
import json
import time

from micropython import const

from smartkey_fw import VERSION, record, vault
from smartkey_fw.account import Account
from smartkey_fw.clock import BACK_BOUND, LEAD_BOUND, MISSING

try:
    from typing import Any, Optional
except ImportError:
    pass

PROTOCOL = const(1)
MAX_FRAME = const(1024)
_FRAME_TIMEOUT = const(2000)  # ms a half-sent line may wait for the rest
_SEND_TIMEOUT = const(1000)  # ms a reply may wait for a host that stopped reading
_ITEM_TIMEOUT = 5.0  # seconds between the frames of a batch
_PAGE = const(8)  # accounts per `list` reply
_NAMES = const(3)  # issuers an `add` question names at most
_KCV_MESSAGE = b"smartkey kcv v1\x00"  # 16 bytes: can never be an HOTP/TOTP counter (8 bytes)
# Clock changes a host may make without a yes on the token: clock.LEAD_BOUND ahead (which would
# let it harvest future codes), clock.BACK_BOUND back (suspicious beyond drift correction), in
# total since the last yes, across power cycles: many small steps cannot add up to a big one.
_APPROVAL_SECONDS = const(60)  # how long a confirmed clock change may take to arrive
_TRIM_AFTER_SYNC = const(120)  # a drift trim is taken only this soon after setting the clock
_TRIM_UNASKED = const(2500)  # 25 ppm (in 0.01 ppm): a larger trim needs a yes on the token
# nvm is one flash sector, erased on every write, that also holds the wrong-PIN counter: what a
# host can make the token write without a press is rationed, 10 at once and then one per 10 min
# (6 an hour: 100,000 erase cycles last about two years of a hostile host plugged in for good).
_WRITE_BURST = const(10)
_WRITE_EVERY = const(600_000)  # ms
_UTC_MIN = const(946684800)  # 2000-01-01: CircuitPython's localtime starts there
_UTC_MAX = const(2147483647)  # and stops at the 32-bit limit


class ProtocolError(Exception):
    """Ends the handling of one request with an error reply: ``code`` and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def device_id(uid: bytes) -> str:
    """A stable name for this token that is not its chip id (which salts the vault's key)."""
    from smartkey_fw import otp

    return binascii.hexlify(otp.hmac(uid, b"smartkey device id", "sha1")[:8]).decode()


def check_value(secret: bytes) -> str:
    """A short fingerprint of a secret: HMAC-SHA1(secret, a fixed 16-byte message), 4 bytes.

    It shows that a secret arrived intact without revealing it or any code: the message is
    16 bytes long, so it is never the 8-byte counter an HOTP or TOTP code is computed from.
    """
    from smartkey_fw import otp

    return binascii.hexlify(otp.hmac(secret, _KCV_MESSAGE, "sha1")[:4]).decode()


class Protocol:
    def __init__(self, serial: Any, app: Any) -> None:
        self.serial = serial
        self.app = app
        self._line = bytearray(MAX_FRAME)  # the frame being assembled
        self._length = 0
        self._overflow = False
        self._chunk = b""  # bytes read from the channel, not yet framed
        self._pos = 0
        self._started = 0  # when (ms) the pending partial frame began
        self._approved: Any = None  # (utc, ms) of a clock change the user said yes to
        self._set_at = -1  # ms (App.ms) of the last clock set: a trim must follow it
        self._torn = False  # a reply was cut short: the host holds an unfinished line
        self._writes = _WRITE_BURST  # nvm writes a host may still cause (see _WRITE_BURST)
        self._writes_at = app.ms()  # when (ms) the ration was last topped up

    # -- framing -------------------------------------------------------------------------
    def poll(self, now: int) -> None:
        """Handle every complete frame that has arrived. Never blocks."""
        if self.serial is None:
            return
        while True:
            if not self._length:
                self._started = now
            try:
                line = self._next_line()
            except ProtocolError as error:
                self._reply_error(None, error.code, str(error))
                continue
            if line is None:
                break
            self._frame(line)
        if self._length and now - self._started > _FRAME_TIMEOUT:
            self._length = 0
            self._overflow = False
            self._reply_error(None, "timeout", "frame not finished within 2 s")

    def _next_line(self) -> "Optional[bytes]":
        """The next complete frame, or None if none has arrived yet."""
        while True:
            if self._pos >= len(self._chunk):
                waiting = self.serial.in_waiting
                if not waiting:
                    return None
                self._chunk = self.serial.read(waiting)
                self._pos = 0
            chunk = self._chunk
            start = self._pos
            end = chunk.find(b"\n", start)
            stop = len(chunk) if end < 0 else end
            if self._length + stop - start > MAX_FRAME or self._overflow:
                self._overflow = True
                self._length = 1  # counts as a pending frame for the 2 s timeout
            else:
                self._line[self._length : self._length + stop - start] = chunk[start:stop]
                self._length += stop - start
            if end < 0:
                self._pos = len(chunk)
                continue
            self._pos = end + 1
            line = bytes(self._line[: self._length])
            overflow = self._overflow
            self._length = 0
            self._overflow = False
            if overflow:
                raise ProtocolError("too-long", "frames are at most %d bytes" % MAX_FRAME)
            if line:
                return line

    def _read_frame(self, timeout: float) -> Any:
        """Wait (inside a batch) for the next frame; ProtocolError if none comes in time."""
        app = self.app
        deadline = app.ms() + int(timeout * 1000)
        while True:
            line = self._next_line()
            if line is not None:
                return _decode(line)
            if not self.serial.connected or app.ms() > deadline:
                self._length = 0  # a half frame of a broken batch is never finished
                self._overflow = False
                if not self.serial.connected:
                    raise ProtocolError("disconnected", "the host went away")
                raise ProtocolError("timeout", "the batch stopped arriving")
            app.pause(0.001)

    def _frame(self, line: bytes) -> None:
        request_id = None
        try:
            request = _decode(line)
            request_id = request.get("id")
            if request.get("v") != PROTOCOL:
                raise ProtocolError("version", "this token speaks protocol %d" % PROTOCOL)
            op = request.get("op")
            handler = getattr(self, "op_" + str(op), None) if isinstance(op, str) else None
            if handler is None:
                raise ProtocolError("unknown-op", "no such operation: %s" % op)
            handler(request_id, request)
        except ProtocolError as error:
            self._reply_error(request_id, error.code, str(error))
        except vault.ReadOnlyError as error:
            self._reply_error(request_id, "read-only", str(error))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            self._reply_error(request_id, "bad-request", "%s: %s" % (type(error).__name__, error))
        except Exception as error:  # the token must keep running whatever comes
            # Only the kind of error: a message could quote a value from the vault.
            self._reply_error(request_id, "internal", "the token failed: " + type(error).__name__)

    def reply(self, request_id: Any, **fields: Any) -> None:
        fields["v"] = PROTOCOL
        fields["id"] = request_id
        fields["ok"] = True
        self._send(fields)

    def _reply_error(self, request_id: Any, code: str, message: str) -> None:
        self._send(
            {"v": PROTOCOL, "id": request_id, "ok": False, "error": code, "message": message}
        )

    def _send(self, fields: dict) -> None:
        """Write one reply line. A write comes back short when the host stops reading (its
        ``write_timeout`` ran out): the rest is retried for up to _SEND_TIMEOUT, then the
        reply is dropped, so a stalled host never holds up the buttons and screen for long."""
        serial = self.serial
        if serial is None or not serial.connected:
            return
        frame = json.dumps(fields).encode() + b"\n"
        if self._torn:
            # End the line a dropped reply left half-sent, so the host skips it as noise and
            # this reply starts a frame of its own.
            frame = b"\n" + frame
        view = memoryview(frame)
        sent = 0
        deadline = self.app.ms() + _SEND_TIMEOUT
        while sent < len(frame):
            sent += serial.write(view[sent:]) or 0
            if sent < len(frame) and (not serial.connected or self.app.ms() >= deadline):
                break
        # Nothing of a frame sent leaves no fragment behind; part of one does, and so may a
        # host that hung up meanwhile: the device's buffer keeps what it had not taken yet.
        self._torn = 0 < sent < len(frame) or (self._torn and sent == 0) or not serial.connected

    # -- operations ----------------------------------------------------------------------
    def _unlocked(self) -> Any:
        store = self.app.vault
        if store.state != vault.UNLOCKED:
            raise ProtocolError("locked", "unlock the token with its PIN first")
        return store

    def _index(self, request: dict) -> int:
        index = request["index"]
        if type(index) is not int or not 0 <= index < self._unlocked().count:
            raise ProtocolError("no-account", "no account at index %s" % index)
        return index

    def op_info(self, request_id: Any, request: dict) -> None:
        app = self.app
        store = app.vault
        unlocked = store.state == vault.UNLOCKED
        self.reply(
            request_id,
            firmware=VERSION,
            protocol=PROTOCOL,
            profile=app.hw.profile["name"],
            display=[app.hw.profile["width"], app.hw.profile["height"]],
            device_id=device_id(app.hw.uid),
            locked=not unlocked,
            state=("empty", "locked", "unlocked", "damaged", "rolled-back")[store.state],
            accounts=store.count if unlocked else None,
            capacity=vault.MAX_ACCOUNTS,
            writable=store.writable,
            clock=app.clock.now(),
            clock_status=("ok", "not-set", "missing")[app.clock.status],
            synced=app.clock.trim()[0] or None,
            keyboard=app.preferences.layout,
            suffix=app.preferences.suffix,
        )

    def op_config(self, request_id: Any, request: dict) -> None:
        """Keyboard layout and what follows a typed code; either may be left out."""
        self._unlocked()
        prefs = self.app.preferences
        layout = request.get("keyboard", prefs.layout)
        suffix = request.get("suffix", prefs.suffix)
        if (layout, suffix) != (prefs.layout, prefs.suffix):
            self._spend_write()
        prefs.set(layout, suffix)
        self.reply(request_id, keyboard=prefs.layout, suffix=prefs.suffix)

    def _spend_write(self) -> None:
        """Take one nvm write from the host's ration; ProtocolError when none is left."""
        now = self.app.ms()
        gained = (now - self._writes_at) // _WRITE_EVERY
        if gained:
            self._writes = min(_WRITE_BURST, self._writes + gained)
            self._writes_at += gained * _WRITE_EVERY
        if self._writes <= 0:
            wait = (self._writes_at + _WRITE_EVERY - now) // 1000 + 1
            raise ProtocolError("slow-down", "too many changes for now; try again in %d s" % wait)
        self._writes -= 1

    def op_list(self, request_id: Any, request: dict) -> None:
        store = self._unlocked()
        start = request.get("start", 0)
        if not isinstance(start, int) or not 0 <= start <= vault.MAX_ACCOUNTS:
            raise ProtocolError("bad-request", "start must be 0 to %d" % vault.MAX_ACCOUNTS)
        items = []
        for index in range(start, min(start + _PAGE, store.count)):
            account = store.account(index, with_secret=False)
            items.append(
                {
                    "index": index,
                    "issuer": account.issuer,
                    "name": account.name,
                    "type": account.kind,
                    "algorithm": account.algorithm,
                    "digits": account.digits,
                    "period": account.period,
                }
            )
        self.reply(request_id, total=store.count, start=start, accounts=items)

    def op_check(self, request_id: Any, request: dict) -> None:
        account = self._unlocked().account(self._index(request))
        self.reply(request_id, index=request["index"], kcv=check_value(account.secret))

    def op_time(self, request_id: Any, request: dict) -> None:
        """The clock; with ``edge``, replies the moment the DS3231's second turns over, so
        the host can measure the offset to well under a second."""
        clock = self.app.clock
        raw = clock.raw()
        if request.get("edge") and raw is not None:
            app = self.app
            deadline = app.ms() + 1200
            first = raw
            while raw == first and app.ms() < deadline:
                app.pause(0.001)
                raw = clock.raw()
        synced, centi_ppm = clock.trim()
        self.reply(
            request_id,
            raw=raw,
            clock=clock.now(),
            clock_status=("ok", "not-set", "missing")[clock.status],
            synced=synced or None,
            aging=clock.aging(),
            correction=centi_ppm,
        )

    def op_set_time(self, request_id: Any, request: dict) -> None:
        """Set the clock to ``utc`` at once. Beyond small corrections (see LEAD_BOUND) the
        change needs a yes on the token first: ``prepare`` asks for it, and a ``set_time``
        close to the approved time follows within a minute."""
        self._unlocked()
        clock = self.app.clock
        if clock.status == MISSING:
            raise ProtocolError("no-clock", "this token has no working DS3231")
        utc = request["utc"]
        if not isinstance(utc, int) or not _UTC_MIN <= utc <= _UTC_MAX:
            raise ProtocolError("bad-request", "utc must be seconds since 1970, from 2000 to 2038")
        current = clock.now()
        now = self.app.ms()
        jump = None if current is None else utc - current
        approved = self._approved
        matched = False
        if approved is not None:
            target, when = approved
            elapsed = (now - when) // 1000
            matched = elapsed <= _APPROVAL_SECONDS and abs(utc - (target + elapsed)) <= 5
            if matched:
                jump = 0  # the user said yes to this change already
        ahead, back = clock.unconfirmed()  # since the last yes, kept across power cycles
        # Back is checked net of the lead: undoing what was moved ahead is no new change.
        if jump is None or jump > LEAD_BOUND - ahead or -jump > ahead + BACK_BOUND - back:
            if not request.get("prepare"):
                # After a wait for the user the time sent would be stale: ask first, then set.
                raise ProtocolError("confirm-first", "send it with prepare first")
            old = "not set" if current is None else stamp(current)
            self._confirm(request_id, ("Set clock (UTC)?", "was " + old, "now " + stamp(utc)))
            self._approved = (utc, now)
        elif request.get("prepare"):
            self._approved = None  # small enough: the set itself is checked against the budget
        if request.get("prepare"):
            self.reply(request_id, approved=True)
            return
        if matched:
            clock.set(utc)  # a yes on the token: nothing unconfirmed any more
        else:
            self._spend_write()  # the sync time is kept in nvm
            # A step back pays off lead first; the lead a fast trim gained is charged now, as
            # the sync starts its count again.
            assert jump is not None
            clock.set(utc, ahead + jump, back + max(-jump - ahead, 0))
        self._approved = None
        self._set_at = self.app.ms()
        self.reply(request_id, clock=utc)

    def op_set_trim(self, request_id: Any, request: dict) -> None:
        """The DS3231 aging offset and the software correction (0.01 ppm), from the host's
        drift estimate. Taken only right after a sync, when the correction (counted from
        that sync) is still zero: a trim never moves the time shown."""
        self._unlocked()
        if self._set_at < 0 or self.app.ms() - self._set_at > _TRIM_AFTER_SYNC * 1000:
            raise ProtocolError("sync-first", "set the clock first (smartkey time sync)")
        aging = request["aging"]
        correction = request["correction"]
        if not isinstance(aging, int) or not isinstance(correction, int):
            raise ProtocolError("bad-request", "aging and correction must be whole numbers")
        rate = aging * 10 + correction  # 0.01 ppm: what the trim changes the clock's rate by
        if abs(rate) > _TRIM_UNASKED:
            # Beyond any sound module's drift: a host could make the clock run ahead for days.
            ppm = "%d ppm" % (rate // 100 if rate >= 0 else -(-rate // 100))
            self._confirm(request_id, ("Trim the clock", "by " + ppm + "?"))
        elif correction != self.app.clock.trim()[1]:
            self._spend_write()  # unasked: from the host's ration
        self.app.clock.set_trim(aging, correction)
        self.reply(request_id, aging=aging, correction=correction)

    def op_add(self, request_id: Any, request: dict) -> None:
        store = self._unlocked()
        count = request["count"]
        if not isinstance(count, int) or count < 1:
            raise ProtocolError("bad-request", "count must be at least 1")
        if store.count + count > vault.MAX_ACCOUNTS:
            raise ProtocolError(
                "full", "the token has room for %d more" % (vault.MAX_ACCOUNTS - store.count)
            )
        names = request.get("names")
        more = request.get("more", False)
        if (
            not isinstance(names, list)
            or not 0 < len(names) <= (1 if count == 1 else _NAMES)
            or any(not isinstance(n, str) for n in names)
            or (count == 1 and more)
        ):
            raise ProtocolError("bad-request", "names must be the label, or up to 3 issuers")
        if count == 1:
            question = "Add " + names[0] + "?"
        else:
            shown = ", ".join(names) + (", ..." if more else "")
            question = "Add %d accounts (%s)?" % (count, shown)
        self._confirm(request_id, (question,))
        self.reply(request_id, ready=True)
        self.app.progress("Receiving", 0, count)
        try:
            store.commit(additions=self._items(count, names, more), added=count)
        finally:
            self.app.progress_done()  # whatever happened, the screen goes back to the codes
        self.reply(request_id, added=count, accounts=store.count)

    def _items(self, count: int, names: list, more: bool) -> Any:
        seen = []  # type: list  # what the question named, as the items arrive
        for number in range(count):
            frame = self._read_frame(_ITEM_TIMEOUT)
            if frame.get("op") != "item":
                raise ProtocolError("bad-batch", "expected item %d of %d" % (number + 1, count))
            try:
                account = _account(frame["account"])
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                raise ProtocolError("bad-item", "item %d: %s" % (number + 1, error)) from None
            key = account.label if count == 1 else account.issuer or account.name
            if key not in seen and len(seen) <= len(names):
                seen.append(key)
            self.app.progress("Receiving", number + 1, count)
            yield account
        if seen[: len(names)] != names or (len(seen) > len(names)) != bool(more):
            # Raised before the vault takes the batch: what was not asked about is not added.
            raise ProtocolError("bad-batch", "the items are not the accounts the token asked about")

    def _not_busy(self) -> None:
        if self.app.busy():
            raise ProtocolError("busy", "the token is in use on its buttons; try again later")

    def op_selftest(self, request_id: Any, request: dict) -> None:
        """Run the self-test; with ``buttons``, someone presses A, B and C when asked."""
        self._not_busy()  # it takes the screen over as a question does
        results = self.app.self_test(bool(request.get("buttons")))
        self.reply(
            request_id,
            results=[{"name": name, "ok": ok, "detail": detail} for name, ok, detail in results],
        )

    def op_item(self, request_id: Any, request: dict) -> None:
        raise ProtocolError("no-batch", "an item outside a confirmed add batch")

    def op_rename(self, request_id: Any, request: dict) -> None:
        store = self._unlocked()
        index = self._index(request)
        issuer = request["issuer"]
        name = request["name"]
        if not isinstance(issuer, str) or not isinstance(name, str):
            raise ProtocolError("bad-request", "issuer and name must be text")
        old = store.account(index, with_secret=False)
        new = issuer + ": " + name if issuer else name
        self._confirm(request_id, ("Rename " + old.label, "to " + new + "?"))

        def rename(account: Any) -> None:
            account.issuer = issuer
            account.name = name

        store.commit(updates={index: rename})
        self.app.codes.forget()  # the screen must not keep showing the old account
        self.reply(request_id, index=index)

    def op_remove(self, request_id: Any, request: dict) -> None:
        store = self._unlocked()
        index = self._index(request)
        label = store.account(index, with_secret=False).label
        self._confirm(request_id, ("Remove " + label + "?",), True)
        store.commit(order=[i for i in range(store.count) if i != index])
        self.app.codes.forget()  # the screen must not keep showing the old account
        self.reply(request_id, accounts=store.count)

    def op_reorder(self, request_id: Any, request: dict) -> None:
        store = self._unlocked()
        order = request["order"]
        if sorted(order) != list(range(store.count)):
            raise ProtocolError("bad-request", "order must list every account once")
        self._confirm(request_id, ("Reorder %d accounts?" % store.count,))
        store.commit(order=order)
        self.app.codes.forget()  # the screen must not keep showing the old account
        self.reply(request_id, accounts=store.count)

    def op_wipe(self, request_id: Any, request: dict) -> None:
        if self.app.vault.state not in (
            vault.UNLOCKED, vault.DAMAGED, vault.EMPTY, vault.ROLLED_BACK
        ):  # fmt: skip
            # Locked: someone typing a PIN must not erase everything with a B meant for a digit.
            raise ProtocolError("locked", "unlock the token with its PIN first")
        self._confirm(request_id, ("ERASE ALL accounts?", "It cannot be undone."), True)
        self.app.erase()
        self.reply(request_id, accounts=0)

    def _confirm(self, request_id: Any, question: tuple, destructive: bool = False) -> None:
        """Ask on the device; ProtocolError unless the user says yes in time (holding B, for
        what cannot be undone). Never while the buttons are in use for something else: a
        press meant for a PIN digit or the menu must not answer a question it never saw."""
        self._not_busy()
        answer = self.app.confirm(question, destructive)
        if answer is None:
            raise ProtocolError("timeout", "nobody confirmed on the token")
        if not answer:
            raise ProtocolError("refused", "refused on the token")


def stamp(utc: int) -> str:
    """'23-11-14 22:13:20': a date and time in the 21 characters a line holds."""
    t = time.localtime(utc)
    return "%02d-%02d-%02d %02d:%02d:%02d" % ((t[0] % 100,) + tuple(t[1:6]))


def _decode(line: bytes) -> dict:
    try:
        request = json.loads(str(line, "utf-8"))
    except (ValueError, UnicodeError):
        raise ProtocolError("bad-frame", "not a JSON object") from None
    if not isinstance(request, dict):
        raise ProtocolError("bad-frame", "not a JSON object")
    return request


def _account(fields: dict) -> Account:
    kind = fields.get("type", "totp")
    if kind not in ("totp", "hotp", "steam"):
        raise ValueError("type must be totp, hotp or steam")
    algorithm = str(fields.get("algorithm", "SHA1")).lower()
    digits = fields.get("digits", 5 if kind == "steam" else 6)
    period = fields.get("period", 30)
    counter = fields.get("counter", 0)
    for name, value in (("digits", digits), ("period", period), ("counter", counter)):
        if not isinstance(value, int):
            raise ValueError("%s must be a whole number" % name)
    if kind != "steam" and not 6 <= digits <= 8:
        raise ValueError("digits must be 6, 7 or 8")
    try:
        secret = binascii.unhexlify(fields["secret"])
    except (ValueError, TypeError):
        raise ValueError("secret must be hex") from None
    issuer = fields.get("issuer", "")
    name = fields.get("name", "")
    if not isinstance(issuer, str) or not isinstance(name, str):
        raise ValueError("issuer and name must be text")
    if algorithm not in record.ALGORITHMS:
        raise ValueError("algorithm must be SHA1, SHA256 or SHA512")
    if not 0 < period < 65536 or not 0 <= counter < (1 << 64):
        raise ValueError("period or counter out of range")
    account = Account(issuer, name, secret, kind, algorithm, digits, period, counter)
    record.encode(account, bytearray(record.SIZE))  # the record's own limits, checked now
    return account
