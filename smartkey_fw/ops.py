"""The protocol's operations: ``OPS`` maps each name to its handler and what it declares.

A handler is ``handler(protocol, request_id, request)``; it replies with ``protocol.reply`` or
raises ``ProtocolError``. The dispatcher (protocol.py) enforces the declarations before and
while the handler runs. Adding an operation is one entry in ``OPS`` plus its handler (see
CONTRIBUTING.md, "Add a protocol operation").

Changes need the vault unlocked and a yes on the device's buttons. ``add`` announces its
count and the names the question shows (``names``: the one account's label, or the first
distinct issuers of several, ``more`` if others follow), waits for that yes, then streams one
``item`` frame per account straight into the new vault generation, which is committed only if
every item arrived intact and the items are what the user was asked about: a batch cut short
or different changes nothing.
"""

import binascii

from micropython import const

from smartkey_fw import VERSION, pairing, record, vault
from smartkey_fw.account import Account
from smartkey_fw.clock import BACK_BOUND, LEAD_BOUND, MISSING
from smartkey_fw.limits import ADD_NAMES, KCV_MESSAGE, PROTOCOL
from smartkey_fw.protocol import MAY_ASK, NVM, PRESS, SCREEN, UNLOCKED, ProtocolError, stamp

try:
    from typing import Any
except ImportError:
    pass

_ITEM_TIMEOUT = 5.0  # seconds between the frames of a batch
_PAGE = const(8)  # accounts per `list` reply
# Clock changes a host may make without a yes on the token: clock.LEAD_BOUND ahead (which would
# let it harvest future codes), clock.BACK_BOUND back (suspicious beyond drift correction), in
# total since the last yes, across power cycles: many small steps cannot add up to a big one.
_APPROVAL_SECONDS = const(60)  # how long a confirmed clock change may take to arrive
_TRIM_AFTER_SYNC = const(120)  # a drift trim is taken only this soon after setting the clock
_TRIM_UNASKED = const(2500)  # 25 ppm (in 0.01 ppm): a larger trim needs a yes on the token
_UTC_MIN = const(946684800)  # 2000-01-01: CircuitPython's localtime starts there
_UTC_MAX = const(2147483647)  # and stops at the 32-bit limit


def check_value(secret: bytes) -> str:
    """A short fingerprint of a secret: HMAC-SHA1(secret, a fixed 16-byte message), 4 bytes.

    It shows that a secret arrived intact without revealing it or any code: the message is
    16 bytes long, so it is never the 8-byte counter an HOTP or TOTP code is computed from.
    """
    from smartkey_fw import otp

    return binascii.hexlify(otp.hmac(secret, KCV_MESSAGE, "sha1")[:4]).decode()


def _index(p: Any, request: dict) -> int:
    index = request["index"]
    if type(index) is not int or not 0 <= index < p.token.vault.count:
        raise ProtocolError("no-account", "no account at index %s" % index)
    return index


def info(p: Any, request_id: Any, request: dict) -> None:
    token = p.token
    store = token.vault
    clock = token.clock
    unlocked = store.state == vault.UNLOCKED
    p.reply(
        request_id,
        firmware=VERSION,
        protocol=PROTOCOL,
        profile=token.profile["name"],
        display=[token.profile["width"], token.profile["height"]],
        device_id=pairing.device_id(token.uid),
        locked=not unlocked,
        state=("empty", "locked", "unlocked", "damaged", "rolled-back")[store.state],
        accounts=store.count if unlocked else None,
        capacity=vault.MAX_ACCOUNTS,
        writable=store.writable,
        clock=clock.now(),
        clock_status=("ok", "not-set", "missing")[clock.status],
        synced=clock.trim()[0] or None,
        keyboard=token.preferences.layout,
        suffix=token.preferences.suffix,
        secure_element=_chip_status(store),
    )


def _chip_status(store: Any) -> Any:
    """None on a token without the setting ("needed" if its vault was made with a chip);
    else the chip's status (secure_element.py): "in-use" once the vault's key needs it,
    "unused" beside a vault made without it (which stays so until it is wiped)."""
    chip = store.chip
    if chip is None:
        return "needed" if store.needs_chip else None
    status = chip.status()
    if status != "ready" and status != "not-set-up":
        return status
    if store.needs_chip:
        return "in-use"
    opens = store.state == vault.LOCKED or store.state == vault.UNLOCKED
    return "unused" if opens else status


def config(p: Any, request_id: Any, request: dict) -> None:
    """Keyboard layout and what follows a typed code; either may be left out."""
    prefs = p.token.preferences
    layout = request.get("keyboard", prefs.layout)
    suffix = request.get("suffix", prefs.suffix)
    if (layout, suffix) != (prefs.layout, prefs.suffix):
        p.spend_write()
    prefs.set(layout, suffix)
    p.reply(request_id, keyboard=prefs.layout, suffix=prefs.suffix)


def list_accounts(p: Any, request_id: Any, request: dict) -> None:
    store = p.token.vault
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
    p.reply(request_id, total=store.count, start=start, accounts=items)


def check(p: Any, request_id: Any, request: dict) -> None:
    account = p.token.vault.account(_index(p, request))
    p.reply(request_id, index=request["index"], kcv=check_value(account.secret))


def read_time(p: Any, request_id: Any, request: dict) -> None:
    """The clock; with ``edge``, replies the moment the DS3231's second turns over, so the host
    can measure the offset to well under a second."""
    token = p.token
    clock = token.clock
    raw = clock.raw()
    if request.get("edge") and raw is not None:
        deadline = token.ms() + 1200
        first = raw
        while raw == first and token.ms() < deadline:
            token.pause(0.001)
            raw = clock.raw()
    synced, centi_ppm = clock.trim()
    p.reply(
        request_id,
        raw=raw,
        clock=clock.now(),
        clock_status=("ok", "not-set", "missing")[clock.status],
        synced=synced or None,
        aging=clock.aging(),
        correction=centi_ppm,
    )


def set_time(p: Any, request_id: Any, request: dict) -> None:
    """Set the clock to ``utc`` at once. Beyond small corrections (see LEAD_BOUND) the change
    needs a yes on the token first: ``prepare`` asks for it, and a ``set_time`` close to the
    approved time follows within a minute."""
    token = p.token
    clock = token.clock
    if clock.status == MISSING:
        raise ProtocolError("no-clock", "this token has no working DS3231")
    utc = request["utc"]
    if not isinstance(utc, int) or not _UTC_MIN <= utc <= _UTC_MAX:
        raise ProtocolError("bad-request", "utc must be seconds since 1970, from 2000 to 2038")
    current = clock.now()
    now = token.ms()
    jump = None if current is None else utc - current
    approved = p.approved
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
        p.confirm(request_id, ("Set clock (UTC)?", "was " + old, "now " + stamp(utc)))
        p.approved = (utc, now)
    elif request.get("prepare"):
        p.approved = None  # small enough: the set itself is checked against the budget
    if request.get("prepare"):
        p.reply(request_id, approved=True)
        return
    if matched:
        clock.set(utc)  # a yes on the token: nothing unconfirmed any more
    else:
        p.spend_write()  # the sync time is kept in nvm
        # A step back pays off lead first; the lead a fast trim gained is charged now, as the
        # sync starts its count again.
        assert jump is not None
        clock.set(utc, ahead + jump, back + max(-jump - ahead, 0))
    p.approved = None
    p.set_at = token.ms()
    p.reply(request_id, clock=utc)


def set_trim(p: Any, request_id: Any, request: dict) -> None:
    """The DS3231 aging offset and the software correction (0.01 ppm), from the host's drift
    estimate. Taken only right after a sync, when the correction (counted from that sync) is
    still zero: a trim never moves the time shown."""
    token = p.token
    if p.set_at < 0 or token.ms() - p.set_at > _TRIM_AFTER_SYNC * 1000:
        raise ProtocolError("sync-first", "set the clock first (smartkey time sync)")
    aging = request["aging"]
    correction = request["correction"]
    if not isinstance(aging, int) or not isinstance(correction, int):
        raise ProtocolError("bad-request", "aging and correction must be whole numbers")
    rate = aging * 10 + correction  # 0.01 ppm: what the trim changes the clock's rate by
    if abs(rate) > _TRIM_UNASKED:
        # Beyond any sound module's drift: a host could make the clock run ahead for days.
        ppm = "%d ppm" % (rate // 100 if rate >= 0 else -(-rate // 100))
        p.confirm(request_id, ("Trim the clock", "by " + ppm + "?"))
    elif correction != token.clock.trim()[1]:
        p.spend_write()  # unasked: from the host's ration
    token.clock.set_trim(aging, correction)
    p.reply(request_id, aging=aging, correction=correction)


def add(p: Any, request_id: Any, request: dict) -> None:
    token = p.token
    store = token.vault
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
        or not 0 < len(names) <= (1 if count == 1 else ADD_NAMES)
        or any(not isinstance(n, str) for n in names)
        or (count == 1 and more)
    ):
        raise ProtocolError("bad-request", "names must be the label, or up to 3 issuers")
    if count == 1:
        question = "Add " + names[0] + "?"
    else:
        shown = ", ".join(names) + (", ..." if more else "")
        question = "Add %d accounts (%s)?" % (count, shown)
    p.confirm(request_id, (question,))
    p.reply(request_id, ready=True)
    token.progress("Receiving", 0, count)
    try:
        p.commit(additions=_items(p, count, names, more), added=count)
    finally:
        token.progress_done()  # whatever happened, the screen goes back to the codes
    p.reply(request_id, added=count, accounts=store.count)


def _items(p: Any, count: int, names: list, more: bool) -> Any:
    seen = []  # type: list  # what the question named, as the items arrive
    for number in range(count):
        frame = p.read_frame(_ITEM_TIMEOUT)
        if frame.get("op") != "item":
            raise ProtocolError("bad-batch", "expected item %d of %d" % (number + 1, count))
        try:
            account = _account(frame["account"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ProtocolError("bad-item", "item %d: %s" % (number + 1, error)) from None
        key = account.label if count == 1 else account.issuer or account.name
        if key not in seen and len(seen) <= len(names):
            seen.append(key)
        p.token.progress("Receiving", number + 1, count)
        yield account
    if seen[: len(names)] != names or (len(seen) > len(names)) != bool(more):
        # Raised before the vault takes the batch: what was not asked about is not added.
        raise ProtocolError("bad-batch", "the items are not the accounts the token asked about")


def item(p: Any, request_id: Any, request: dict) -> None:
    raise ProtocolError("no-batch", "an item outside a confirmed add batch")


def selftest(p: Any, request_id: Any, request: dict) -> None:
    """Run the self-test; with ``buttons``, someone presses A, B and C when asked."""
    results = p.token.self_test(bool(request.get("buttons")))
    p.reply(
        request_id,
        results=[{"name": name, "ok": ok, "detail": detail} for name, ok, detail in results],
    )


def rename(p: Any, request_id: Any, request: dict) -> None:
    store = p.token.vault
    index = _index(p, request)
    issuer = request["issuer"]
    name = request["name"]
    if not isinstance(issuer, str) or not isinstance(name, str):
        raise ProtocolError("bad-request", "issuer and name must be text")
    old = store.account(index, with_secret=False)
    new = issuer + ": " + name if issuer else name
    p.confirm(request_id, ("Rename " + old.label, "to " + new + "?"))

    def change(account: Any) -> None:
        account.issuer = issuer
        account.name = name

    p.commit(updates={index: change})
    p.token.accounts_changed()  # the screen must not keep showing the old account
    p.reply(request_id, index=index)


def remove(p: Any, request_id: Any, request: dict) -> None:
    store = p.token.vault
    index = _index(p, request)
    label = store.account(index, with_secret=False).label
    p.confirm(request_id, ("Remove " + label + "?",), True)
    p.commit(order=[i for i in range(store.count) if i != index])
    p.token.accounts_changed()
    p.reply(request_id, accounts=store.count)


def reorder(p: Any, request_id: Any, request: dict) -> None:
    store = p.token.vault
    order = request["order"]
    if sorted(order) != list(range(store.count)):
        raise ProtocolError("bad-request", "order must list every account once")
    p.confirm(request_id, ("Reorder %d accounts?" % store.count,))
    p.commit(order=order)
    p.token.accounts_changed()
    p.reply(request_id, accounts=store.count)


def wipe(p: Any, request_id: Any, request: dict) -> None:
    if p.token.vault.state == vault.LOCKED:
        # Someone typing a PIN must not erase everything with a B meant for a digit.
        raise ProtocolError("locked", "unlock the token with its PIN first")
    p.confirm(request_id, ("ERASE ALL accounts?", "It cannot be undone."), True)
    p.erase()
    p.reply(request_id, accounts=0)


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


# name: (handler, what it declares). The one place an operation is registered.
OPS = {
    "info": (info, 0),
    "time": (read_time, 0),
    "list": (list_accounts, UNLOCKED),
    "check": (check, UNLOCKED),
    "config": (config, UNLOCKED | NVM),
    "set_time": (set_time, UNLOCKED | MAY_ASK | NVM),
    "set_trim": (set_trim, UNLOCKED | MAY_ASK | NVM),
    "add": (add, UNLOCKED | PRESS),
    "item": (item, 0),
    "rename": (rename, UNLOCKED | PRESS),
    "remove": (remove, UNLOCKED | PRESS),
    "reorder": (reorder, UNLOCKED | PRESS),
    "wipe": (wipe, PRESS),  # also from a damaged, empty or rolled-back vault: see wipe()
    "selftest": (selftest, SCREEN),
    "pair": (pairing.pair, UNLOCKED | PRESS),
    "prove": (pairing.prove, UNLOCKED),
}
