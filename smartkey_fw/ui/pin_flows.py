"""The PIN flows: first boot, unlock with growing delays and wipe, change PIN, the PIN asked
again before something sensitive.

Each flow is a chain of screens; the vault and the PIN guard do the work, this module only
decides what the user sees next. Setting a PIN runs ``PIN_STEPS`` in order (see there): a step
that setting up needs (a chip to provision, a question to ask first) is one function added there.
"""

from smartkey_fw import pin, vault
from smartkey_fw.ui.message import Message, draw_message
from smartkey_fw.ui.pin_entry import PinEntry

try:
    from typing import Any, Callable, Optional

    from smartkey_fw.ui.context import Context
except ImportError:
    pass

DEMO_PIN = "123456"


def start(ctx: "Context") -> None:
    """At boot: set up a new token, or ask for the PIN, or say the vault is damaged."""
    state = ctx.vault.scan()
    problem = _chip_problem(ctx.vault)
    if problem is not None:
        ctx.show(problem)
        return
    if state == vault.LOCKED:
        ctx.guard.if_unreadable = ctx.guard.max_tries - 1
    chip = ctx.vault.chip
    # Demo accounts never lock a blank secure element: that is asked for at setup.
    chip_ready = chip is None or not chip.needs_locking
    if state == vault.EMPTY and ctx.demo and ctx.vault.writable and chip_ready:
        from smartkey_fw import demo  # only a demo token needs it

        demo.seed(ctx.vault, DEMO_PIN)
        ctx.guard.reset()
        ctx.vault.lock()
        state = vault.LOCKED
    if state == vault.EMPTY:
        setup(ctx)
    elif state == vault.DAMAGED:
        damaged(ctx)
    else:
        ask_pin(ctx)


def _chip_problem(accounts: "Any") -> "Any":
    """The screen that says why the secure element keeps the token from starting, or None.
    (Messages written out in full: tests/sim/test_screens_fit.py finds them in the source.)"""
    chip = accounts.chip
    if chip is None:
        if accounts.needs_chip:
            return Message(
                "NEEDS CHIP", ("This vault needs its", "ATECC608: set", "SECURE_ELEMENT.")
            )
        return None
    from smartkey_fw import secure_element  # loaded already: the token has a chip

    if chip.state == secure_element.ABSENT:
        return Message("NO CHIP", ("No ATECC608 at 0x60:", "check the wiring or", "the setting."))
    if chip.state == secure_element.FOREIGN:
        return Message("CHIP TAKEN", ("The ATECC608 is", "locked for another", "use: replace it."))
    if accounts.needs_chip and chip.needs_locking:
        return Message(
            "WRONG CHIP", ("This vault needs the", "ATECC608 it was made", "with: none here.")
        )
    return None


def _chip_failed(ctx: "Context", error: Exception) -> None:
    ctx.show(Message("CHIP ERROR", (str(error), "The vault stays", "locked.")))


def setup(ctx: "Context") -> None:
    if not ctx.vault.writable:
        ctx.show(
            Message("NO VAULT", ("Maintenance mode:", "restart without", "holding A to set up."))
        )
        return
    if ctx.vault.chip is not None:
        ctx.show(
            Message(
                "NEW TOKEN",
                (
                    "Secure element: a copy of the flash is useless without it.",
                    "A/C: change digit",
                    "B: add, hold B: done",
                ),
                _new_pin,
                any_button=True,
            )
        )
        return
    ctx.show(
        Message(
            "NEW TOKEN",
            (
                # Without a secure element the key comes from the PIN alone: a copy of the
                # flash is guessed offline (README, security model), so say it here.
                "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
                "A/C: change digit",
                "B: add, hold B: done",
            ),
            _new_pin,
            any_button=True,
        )
    )


def new_pin_entry() -> PinEntry:
    """The PIN-setting screen: its note gives the length allowed and the length advised."""
    shortest = pin.shortest_new()
    return PinEntry("New PIN", _chosen, "%d to 12; 10+ advised" % shortest, shortest)


def _chosen(ctx: "Context", new_pin: str) -> None:
    ctx.show(PinEntry("Repeat the PIN", lambda ctx, again: _confirmed(ctx, new_pin, again)))


def _confirmed(ctx: "Context", new_pin: str, again: str) -> None:
    if again != new_pin:
        ctx.show(Message("NO MATCH", ("The two PINs differ.", "B: try again"), _retry_choice))
        return
    run_steps(ctx, new_pin)


def run_steps(ctx: "Context", new_pin: str, first: int = 0) -> None:
    """``PIN_STEPS`` from ``first`` on, each handing over to the next; "PIN SET" after the last."""
    if first == len(PIN_STEPS):
        ctx.guard.reset()
        ctx.show(Message("PIN SET", ("B: continue",), lambda ctx: ctx.home()))
        return
    PIN_STEPS[first](ctx, new_pin, lambda ctx: run_steps(ctx, new_pin, first + 1))


def _save(ctx: "Context", new_pin: str, go_on: "Callable[[Any], None]") -> None:
    """The vault encrypted under ``new_pin``: created on first boot, re-encrypted after."""
    ctx.show_now(Message("SAVING", ("Encrypting the", "vault...")))
    try:
        if ctx.vault.state == vault.UNLOCKED:
            ctx.vault.commit(pin=new_pin)
        else:
            ctx.vault.create(new_pin)
    except (vault.VaultError, OSError) as error:
        ctx.show(Message("NOT SAVED", (str(error),), lambda ctx: ctx.home()))
        return
    go_on(ctx)


def _lock_chip(ctx: "Context", new_pin: str, go_on: "Callable[[Any], None]") -> None:
    """A blank secure element is configured and locked before the first vault: that cannot
    be undone (the chip then only serves a smartkey), so the token says so and asks."""
    chip = ctx.vault.chip
    if ctx.vault.state == vault.UNLOCKED or chip is None or not chip.needs_locking:
        go_on(ctx)
        return
    if ctx.ask(
        (
            "Set up the ATECC608?",
            "Its slots are locked",
            "for good: it serves",
            "only smartkey then.",
        ),
        destructive=True,
    ):
        go_on(ctx)
    else:
        ctx.show(
            Message(
                "NOT SET UP", ("No PIN without the", "secure element.", "B: start again"), setup
            )
        )


# What setting a PIN does once it was typed twice, in order. A step is ``step(ctx, new_pin,
# go_on)``: it shows what it must (a question through ``ctx.ask``, a progress message), then
# calls ``go_on(ctx)``; a step that fails shows why and does not. A step that only a new token
# needs checks ``ctx.vault.state != vault.UNLOCKED`` (a PIN change runs with the vault open).
PIN_STEPS = (_lock_chip, _save)


def change_pin(ctx: "Context") -> None:
    if not ctx.vault.writable:
        back = _back_to_menu("change_pin")
        ctx.show(Message("READ-ONLY", ("Maintenance mode:", "a new PIN cannot", "be saved."), back))
        return
    ctx.show(recheck("Current PIN", _new_pin))


def _back_to_menu(key: str) -> "Callable[[Any], None]":
    """``main_menu.back_to``, importing the menu only when used: these flows load at boot,
    the menu when it is first opened."""

    def back(ctx: "Context") -> None:
        from smartkey_fw.ui import main_menu

        main_menu.show(ctx, key)

    return back


def _new_pin(ctx: "Context") -> None:
    ctx.show(new_pin_entry())


def _retry_choice(ctx: "Context") -> None:
    if ctx.vault.state == vault.UNLOCKED:
        ctx.show(new_pin_entry())
    else:
        setup(ctx)


def ask_pin(ctx: "Context", wrong: bool = False) -> None:
    guard = ctx.guard
    if guard.exhausted:
        # The power was cut between the last wrong PIN and the wipe: finish the wipe.
        _wipe(ctx)
        return
    note = "%d tries left" % guard.tries_left
    if ctx.demo:
        note = ("Wrong PIN; try " if wrong else "demo PIN ") + DEMO_PIN
    entry = PinEntry("Enter PIN", _check, note)
    delay = guard.delay()
    ctx.show(Wait(ctx.ms() + delay * 1000, entry) if delay else entry)


def _attempt(
    ctx: "Context", check: "Callable[[str], bool]", entered: str, back: Any = None
) -> "Optional[bool]":
    """One counted PIN try, at unlock and before something sensitive: ``check(entered)``, or
    None when no try was made (a message says why; ``back`` is where its B goes)."""
    guard = ctx.guard
    if not ctx.vault.writable and guard.tries_left <= 1:
        # The last try may end in a wipe, which needs a writable flash.
        ctx.show(Message("LAST TRY", ("Restart without", "holding A to use it."), back))
        return None
    guard.begin_attempt()  # before the check: a power cut now still counts the try
    ctx.show_now(Message("CHECKING", ("",)))
    try:
        return check(entered)
    except vault.VaultError as error:  # the secure element failed, or its tries are spent
        _chip_failed(ctx, error)
        return None


def _check(ctx: "Context", entered: str) -> None:
    guard = ctx.guard
    opened = _attempt(ctx, ctx.vault.unlock, entered)
    if opened is None:
        return
    if opened:
        guard.succeeded()
        if ctx.vault.recovered:
            ctx.show(
                Message(
                    "RECOVERED",
                    ("Newest copy damaged:", "an older one is used.", "B: continue"),
                    lambda ctx: ctx.home(),
                )
            )
        else:
            ctx.home()
    elif ctx.vault.state == vault.ROLLED_BACK:
        guard.succeeded()  # the PIN was right: the vault file is what is refused
        ctx.show(
            Message(
                "OLD VAULT",
                ("vault.bin is older", "than the one in use:", "refused, no codes."),
            )
        )
    elif ctx.vault.state == vault.DAMAGED:
        damaged(ctx)
    elif guard.exhausted:
        _wipe(ctx)
    else:
        ask_pin(ctx, True)


def _wipe(ctx: "Context") -> None:
    try:
        ctx.vault.wipe()
    except vault.ReadOnlyError:
        ctx.show(Message("LOCKED OUT", ("Restart without", "holding A.")))
        return
    ctx.guard.reset()
    ctx.codes.forget()
    ctx.show(
        Message(
            "ERASED", ("Too many wrong PINs:", "all accounts erased.", "B: set up again"), setup
        )
    )


def damaged(ctx: "Context") -> None:
    ctx.show(
        Message(
            "DAMAGED",
            ("The vault is damaged.", "Restore a backup with", "smartkey restore."),
        )
    )


def recheck(title: str, then: "Callable[[Any], None]") -> PinEntry:
    """Ask for the PIN again before something sensitive (a QR export, a new PIN). A wrong one
    counts, delays and wipes exactly like at unlock; after the last one the token locks."""

    def entered(ctx: "Context", pin: str) -> None:
        guard = ctx.guard
        right = _attempt(ctx, ctx.vault.check_pin, pin, lambda ctx: ctx.home())
        if right is None:
            return
        if right:
            guard.succeeded()
            then(ctx)
        elif guard.exhausted:
            _wipe(ctx)
        else:
            ctx.lock()  # a wrong PIN here locks the token: the next try is a normal unlock

    return PinEntry(title, entered)


class Wait:
    """The delay after wrong PINs, counted down on screen; then the PIN entry."""

    def __init__(self, until: int, then: Any) -> None:
        self.until = until
        self.then = then

    def view(self, ctx: "Context", utc: Any) -> tuple:
        return ("wait", (self.until - ctx.ms() + 999) // 1000)

    def press(self, ctx: "Context", event: int) -> None:
        pass

    def tick(self, ctx: "Context", now: int) -> None:
        if now >= self.until:
            ctx.show(self.then)

    def draw(self, canvas: Any, view: tuple) -> None:
        draw_message(canvas, "WAIT", ("Too many wrong PINs.", "Try again in %d s" % view[1]))
