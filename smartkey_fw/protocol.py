"""The device side of the provisioning protocol, on the ``usb_cdc`` data channel: framing, and
the dispatcher that enforces what each operation declares in ``ops.OPS``.

A frame is one line of JSON (at most 1,024 bytes, ending in a newline): a request
``{"v": 1, "id": 7, "op": "info", ...}`` gets exactly one reply ``{"v": 1, "id": 7, "ok": true,
...}`` or ``{"v": 1, "id": 7, "ok": false, "error": "locked", "message": "..."}``. A line that
is too long, not JSON, or left half-sent for 2 s is dropped with an error reply. No reply ever
carries an account's secret or a code; secrets only travel host to device, inside an ``add``
batch. The one key a reply holds is a computer's own pairing key, once, after a yes on the
token (pairing.py).

The operations live in ``ops.py``, imported on the first frame: a token nobody provisions never
compiles them. Each declares once what it needs, and the dispatcher enforces it:

- ``UNLOCKED``: refused as "locked" unless the vault is open;
- ``PRESS``: it changes the vault (or releases a pairing key) only after a yes on the token:
  ``commit``, ``erase`` and ``yes_given`` fail for it until ``confirm`` got one in this request;
- ``MAY_ASK``: it asks only beyond a bound (the clock's): ``confirm`` is allowed, nothing more;
- ``NVM``: it may write nvm without a yes, from the host's ration (``spend_write``);
- ``SCREEN``: it takes the screen over, so it is refused as "busy" while the buttons are in use.

What the protocol may use of the token is ``ForHost``, below: nothing else of the app.
"""

import json
import time

from micropython import const

from smartkey_fw import vault
from smartkey_fw.limits import MAX_FRAME, PROTOCOL

try:
    from typing import Any, Optional
except ImportError:
    pass

# What an operation declares (ops.OPS); see the module's docstring.
UNLOCKED = const(1)
PRESS = const(2)
MAY_ASK = const(4)
NVM = const(8)
SCREEN = const(16)
_FRAME_TIMEOUT = const(2000)  # ms a half-sent line may wait for the rest
_SEND_TIMEOUT = const(1000)  # ms a reply may wait for a host that stopped reading
# nvm is one flash sector, erased on every write, that also holds the wrong-PIN counter: what a
# host can make the token write without a press is rationed, 10 at once and then one per 10 min
# (6 an hour: 100,000 erase cycles last about two years of a hostile host plugged in for good).
_WRITE_BURST = const(10)
_WRITE_EVERY = const(600_000)  # ms


class ProtocolError(Exception):
    """Ends the handling of one request with an error reply: ``code`` and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ForHost:
    """What the protocol may use of the token, picked out of the app once: the vault, clock and
    preferences, the board's profile and chip id, and a few of the app's methods."""

    def __init__(self, app: Any) -> None:
        self.vault = app.vault
        self.clock = app.clock
        self.preferences = app.preferences
        self.profile = app.hw.profile
        self.uid = app.hw.uid
        self.ms = app.ms  # milliseconds since power-on
        self.pause = app.pause  # (seconds): sleep
        self.busy = app.busy  # someone is using the buttons: no question now
        self.confirm = app.confirm  # (question, destructive) -> True, False or None
        self.progress = app.progress  # (label, done, total) on the screen
        self.progress_done = app.progress_done
        self.erase = app.erase  # the wipe the user confirmed: back to first boot
        self.self_test = app.self_test  # (with_buttons) -> [(name, ok, detail)]
        self.accounts_changed = app.codes.forget  # the screen must drop what it showed


class Protocol:
    def __init__(self, serial: Any, token: Any) -> None:
        self.serial = serial
        self.token = token  # what the protocol may use: see the module's docstring
        self._ops: Any = None  # ops.OPS, imported with the first frame
        self._line = bytearray(MAX_FRAME)  # the frame being assembled
        self._length = 0
        self._overflow = False
        self._chunk = b""  # bytes read from the channel, not yet framed
        self._pos = 0
        self._started = 0  # when (ms) the pending partial frame began
        self._flags = 0  # what the operation being handled declared
        self._yes = False  # the user said yes to this request on the token
        self.approved: Any = None  # (utc, ms) of a clock change the user said yes to
        self.set_at = -1  # ms of the last clock set: a trim must follow it
        self._torn = False  # a reply was cut short: the host holds an unfinished line
        self._writes = _WRITE_BURST  # nvm writes a host may still cause (see _WRITE_BURST)
        self._writes_at = token.ms()  # when (ms) the ration was last topped up

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

    def read_frame(self, timeout: float) -> Any:
        """Wait (inside a batch) for the next frame; ProtocolError if none comes in time."""
        token = self.token
        deadline = token.ms() + int(timeout * 1000)
        while True:
            line = self._next_line()
            if line is not None:
                return _decode(line)
            if not self.serial.connected or token.ms() > deadline:
                self._length = 0  # a half frame of a broken batch is never finished
                self._overflow = False
                if not self.serial.connected:
                    raise ProtocolError("disconnected", "the host went away")
                raise ProtocolError("timeout", "the batch stopped arriving")
            token.pause(0.001)

    # -- dispatch ------------------------------------------------------------------------
    def _frame(self, line: bytes) -> None:
        request_id = None
        try:
            request = _decode(line)
            request_id = request.get("id")
            if request.get("v") != PROTOCOL:
                raise ProtocolError("version", "this token speaks protocol %d" % PROTOCOL)
            if self._ops is None:
                from smartkey_fw.ops import OPS

                self._ops = OPS
            op = request.get("op")
            entry = self._ops.get(op) if isinstance(op, str) else None
            if entry is None:
                raise ProtocolError("unknown-op", "no such operation: %s" % op)
            handler, flags = entry
            self._flags = flags
            self._yes = False
            if flags & UNLOCKED:
                self.unlocked()
            if flags & SCREEN:
                self.not_busy()
            handler(self, request_id, request)
        except ProtocolError as error:
            self._reply_error(request_id, error.code, str(error))
        except vault.ReadOnlyError as error:
            self._reply_error(request_id, "read-only", str(error))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            self._reply_error(request_id, "bad-request", "%s: %s" % (type(error).__name__, error))
        except Exception as error:  # the token must keep running whatever comes
            # Only the kind of error: a message could quote a value from the vault.
            self._reply_error(request_id, "internal", "the token failed: " + type(error).__name__)
        finally:
            self._flags = 0
            self._yes = False

    # -- what an operation may do, as it declared ------------------------------------------
    def unlocked(self) -> Any:
        store = self.token.vault
        if store.state != vault.UNLOCKED:
            raise ProtocolError("locked", "unlock the token with its PIN first")
        return store

    def not_busy(self) -> None:
        if self.token.busy():
            raise ProtocolError("busy", "the token is in use on its buttons; try again later")

    def confirm(self, request_id: Any, question: tuple, destructive: bool = False) -> None:
        """Ask on the device; ProtocolError unless the user says yes in time (holding B, for
        what cannot be undone). Never while the buttons are in use for something else: a
        press meant for a PIN digit or the menu must not answer a question it never saw."""
        if not self._flags & (PRESS | MAY_ASK):
            raise ProtocolError("internal", "the token failed: an undeclared question")
        self.not_busy()
        answer = self.token.confirm(question, destructive)
        if answer is None:
            raise ProtocolError("timeout", "nobody confirmed on the token")
        if not answer:
            raise ProtocolError("refused", "refused on the token")
        self._yes = True

    def yes_given(self) -> None:
        """An operation declared PRESS goes no further than this without a yes in this request."""
        if not (self._flags & PRESS and self._yes):
            raise ProtocolError("internal", "the token failed: a change without a yes")

    def commit(self, **changes: Any) -> None:
        """Change the vault (Vault.commit), after the yes this PRESS operation asked for."""
        self.yes_given()
        self.token.vault.commit(**changes)

    def erase(self) -> None:
        self.yes_given()
        self.token.erase()

    def spend_write(self) -> None:
        """Take one nvm write from the host's ration; ProtocolError when none is left."""
        if not self._flags & NVM:
            raise ProtocolError("internal", "the token failed: an undeclared write")
        now = self.token.ms()
        gained = (now - self._writes_at) // _WRITE_EVERY
        if gained:
            self._writes = min(_WRITE_BURST, self._writes + gained)
            self._writes_at += gained * _WRITE_EVERY
        if self._writes <= 0:
            wait = (self._writes_at + _WRITE_EVERY - now) // 1000 + 1
            raise ProtocolError("slow-down", "too many changes for now; try again in %d s" % wait)
        self._writes -= 1

    # -- replies -------------------------------------------------------------------------
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
        deadline = self.token.ms() + _SEND_TIMEOUT
        while sent < len(frame):
            sent += serial.write(view[sent:]) or 0
            if sent < len(frame) and (not serial.connected or self.token.ms() >= deadline):
                break
        # Nothing of a frame sent leaves no fragment behind; part of one does, and so may a
        # host that hung up meanwhile: the device's buffer keeps what it had not taken yet.
        self._torn = 0 < sent < len(frame) or (self._torn and sent == 0) or not serial.connected


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
