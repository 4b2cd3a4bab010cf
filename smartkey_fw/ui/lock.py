"""The PIN flows: first boot, unlock with growing delays and wipe, change PIN, the menu.

Each flow is a chain of screens; the vault and the PIN guard do the work, this module only
decides what the user sees next.
"""

from smartkey_fw import pin, vault
from smartkey_fw.ui.menu import Menu
from smartkey_fw.ui.message import Message, draw_message
from smartkey_fw.ui.pin_entry import PinEntry

try:
    from typing import Any
except ImportError:
    pass

DEMO_PIN = "123456"


def start(app: Any) -> None:
    """At boot: set up a new token, or ask for the PIN, or say the vault is damaged."""
    state = app.vault.scan()
    if state == vault.LOCKED:
        app.guard.if_unreadable = app.guard.max_tries - 1
    if state == vault.EMPTY and app.demo and app.vault.writable:
        from smartkey_fw import demo  # only a demo token needs it

        demo.seed(app.vault, DEMO_PIN)
        app.guard.reset()
        app.vault.lock()
        state = vault.LOCKED
    if state == vault.EMPTY:
        setup(app)
    elif state == vault.DAMAGED:
        damaged(app)
    else:
        ask_pin(app)


def setup(app: Any) -> None:
    if not app.vault.writable:
        app.show(
            Message("NO VAULT", ("Maintenance mode:", "restart without", "holding A to set up."))
        )
        return
    app.show(
        Message(
            "NEW TOKEN",
            (
                # Without a secure element the key comes from the PIN alone: a copy of the
                # flash is guessed offline (README, security model), so say it here.
                "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
                "A/C: change digit",
                "B: add, hold B: done",
            ),
            lambda app: app.show(new_pin_entry()),
            any_button=True,
        )
    )


def new_pin_entry() -> PinEntry:
    """The PIN-setting screen: its note gives the length allowed and the length advised."""
    shortest = pin.shortest_new()
    return PinEntry("New PIN", _chosen, "%d to 12; 10+ advised" % shortest, shortest)


def _chosen(app: Any, new_pin: str) -> None:
    app.show(PinEntry("Repeat the PIN", lambda app, again: _confirmed(app, new_pin, again)))


def _confirmed(app: Any, new_pin: str, again: str) -> None:
    if again != new_pin:
        app.show(Message("NO MATCH", ("The two PINs differ.", "B: try again"), _retry_choice))
        return
    app.show_now(Message("SAVING", ("Encrypting the", "vault...")))
    try:
        if app.vault.state == vault.UNLOCKED:
            app.vault.commit(pin=new_pin)
        else:
            app.vault.create(new_pin)
    except (vault.VaultError, OSError) as error:
        app.show(Message("NOT SAVED", (str(error),), lambda app: app.show(app.codes)))
        return
    app.guard.reset()
    app.show(Message("PIN SET", ("B: continue",), lambda app: app.show(app.codes)))


def change_pin(app: Any) -> None:
    if not app.vault.writable:
        back = lambda app: menu(app, 5)  # noqa: E731 - the menu line "Change PIN"
        app.show(Message("READ-ONLY", ("Maintenance mode:", "a new PIN cannot", "be saved."), back))
        return
    app.show(recheck("Current PIN", _new_pin))


def _new_pin(app: Any) -> None:
    app.show(new_pin_entry())


def _retry_choice(app: Any) -> None:
    if app.vault.state == vault.UNLOCKED:
        app.show(new_pin_entry())
    else:
        setup(app)


def ask_pin(app: Any, wrong: bool = False) -> None:
    guard = app.guard
    if guard.exhausted:
        # The power was cut between the last wrong PIN and the wipe: finish the wipe.
        _wipe(app)
        return
    note = "%d tries left" % guard.tries_left
    if app.demo:
        note = ("Wrong PIN; try " if wrong else "demo PIN ") + DEMO_PIN
    entry = PinEntry("Enter PIN", _check, note)
    delay = guard.delay()
    app.show(Wait(app.ms() + delay * 1000, entry) if delay else entry)


def _check(app: Any, entered: str) -> None:
    guard = app.guard
    if not app.vault.writable and guard.tries_left <= 1:
        # The last try may end in a wipe, which needs a writable flash.
        app.show(Message("LAST TRY", ("Restart without", "holding A to use it.")))
        return
    guard.begin_attempt()  # before the check: a power cut now still counts the try
    app.show_now(Message("CHECKING", ("",)))
    if app.vault.unlock(entered):
        guard.succeeded()
        if app.vault.recovered:
            app.show(
                Message(
                    "RECOVERED",
                    ("Newest copy damaged:", "an older one is used.", "B: continue"),
                    lambda app: app.show(app.codes),
                )
            )
        else:
            app.show(app.codes)
    elif app.vault.state == vault.ROLLED_BACK:
        guard.succeeded()  # the PIN was right: the vault file is what is refused
        app.show(
            Message(
                "OLD VAULT",
                ("vault.bin is older", "than the one in use:", "refused, no codes."),
            )
        )
    elif app.vault.state == vault.DAMAGED:
        damaged(app)
    elif guard.exhausted:
        _wipe(app)
    else:
        ask_pin(app, True)


def _wipe(app: Any) -> None:
    try:
        app.vault.wipe()
    except vault.ReadOnlyError:
        app.show(Message("LOCKED OUT", ("Restart without", "holding A.")))
        return
    app.guard.reset()
    app.codes.forget()
    app.show(
        Message(
            "ERASED", ("Too many wrong PINs:", "all accounts erased.", "B: set up again"), setup
        )
    )


def damaged(app: Any) -> None:
    app.show(
        Message(
            "DAMAGED",
            ("The vault is damaged.", "Restore a backup with", "smartkey restore."),
        )
    )


def menu(app: Any, index: int = 0) -> None:
    prefs = app.preferences
    items = [
        ("Lock now", lambda app: app.lock()),
        ("Type code", lambda app: app.type_code(app.codes.index)),
        ("Export as QR", export_qr),
        ("Keyboard: " + prefs.layout.upper(), lambda app: _cycle(app, 1, 0)),
        ("After code: " + prefs.suffix, lambda app: _cycle(app, 0, 1)),
        ("Change PIN", change_pin),
        ("About", about),
        ("Self-test", lambda app: app.self_test(True)),
        ("Help", show_help),
        ("Back", lambda app: app.show(app.codes)),
    ]
    screen = Menu("Menu", items, lambda app: app.show(app.codes))
    screen.index = index
    app.show(screen)


def export_qr(app: Any) -> None:
    """The account on screen as a QR code: PIN again, then a yes, then the code."""
    if app.canvas is None or app.canvas.height < 64:
        app.show(
            Message("NO ROOM", ("A QR code needs the", "128x64 screen."), lambda app: menu(app, 2))
        )
        return
    if not app.vault.count:
        app.show(app.codes)
        return
    app.show(recheck("PIN to show a QR", _export_to_qr))


def recheck(title: str, then: Any) -> "PinEntry":
    """Ask for the PIN again before something sensitive (a QR export, a new PIN). A wrong one
    counts, delays and wipes exactly like at unlock; after the last one the token locks."""

    def entered(app: Any, pin: str) -> None:
        guard = app.guard
        if not app.vault.writable and guard.tries_left <= 1:
            back = lambda app: app.show(app.codes)  # noqa: E731
            app.show(Message("LAST TRY", ("Restart without", "holding A to use it."), back))
            return
        guard.begin_attempt()  # before the check, as at unlock
        app.show_now(Message("CHECKING", ("",)))
        if app.vault.check_pin(pin):
            guard.succeeded()
            then(app)
        elif guard.exhausted:
            _wipe(app)
        else:
            app.lock()  # a wrong PIN here locks the token: the next try is a normal unlock

    return PinEntry(title, entered)


def _export_to_qr(app: Any) -> None:
    from smartkey_fw import export, qr
    from smartkey_fw.ui.qr_view import QrView

    account = app.vault.account(app.codes.index)
    question = ("Show the secret of " + account.label + " as a QR code?",)
    if not app.confirm(question):
        app.show(app.codes)
        return
    try:
        code = qr.encode(export.uri(account), "L", qr.MAX_VERSION)
    except ValueError:
        back = lambda app: app.show(app.codes)  # noqa: E731
        app.show(
            Message("TOO LONG", ("This account's URI", "is too long for a", "QR code here."), back)
        )
        return
    app.show(QrView(code, lambda app: app.show(app.codes)))


def _cycle(app: Any, layout_step: int, suffix_step: int) -> None:
    """Next keyboard layout or suffix; the menu stays open on the same line."""
    from smartkey_fw import keyboard

    prefs = app.preferences
    layouts, suffixes = keyboard.LAYOUTS, keyboard.SUFFIXES
    layout = layouts[(layouts.index(prefs.layout) + layout_step) % len(layouts)]
    suffix = suffixes[(suffixes.index(prefs.suffix) + suffix_step) % len(suffixes)]
    prefs.set(layout, suffix)
    menu(app, 3 if layout_step else 4)


def about(app: Any) -> None:
    """Firmware, accounts and the clock's last sync: what a user checks before trusting it."""
    from smartkey_fw import VERSION
    from smartkey_fw.protocol import stamp

    synced, correction = app.clock.trim()
    lines = (
        "smartkey " + VERSION + " " + app.hw.profile["name"],
        "%d of %d accounts" % (app.vault.count, vault.MAX_ACCOUNTS),
        "synced " + (stamp(synced)[:8] if synced else "never"),
        "trim %+d / %s%d.%02d ppm"
        % (
            app.clock.aging(),
            "-" if correction < 0 else "+",
            abs(correction) // 100,
            abs(correction) % 100,
        ),
    )
    # Moved by a computer without a yes here: a lead would let someone collect future codes.
    ahead, back = app.clock.unconfirmed()
    moved = ("unconfirmed +%ds -%ds" % (ahead, back),) if ahead or back else ()
    app.show(Message("ABOUT", lines + moved, lambda app: menu(app, 6)))


_HELP = (
    "Codes:",
    " A/C  previous/next",
    " B    HOTP: new code",
    " hold C  type code",
    " hold B  this menu",
    "PIN:",
    " A/C  digit -/+",
    " B    add the digit",
    " hold B  done",
    " hold A  delete",
    "Menus: A/C move,",
    " B picks, hold A back",
)


def show_help(app: Any) -> None:
    """The button map, scrolled with A/C; B or hold A goes back to the menu."""
    back = lambda app: menu(app, 8)  # noqa: E731 - the menu line "Help"
    app.show(Menu("Buttons", [(line, back) for line in _HELP], back))


class Wait:
    """The delay after wrong PINs, counted down on screen; then the PIN entry."""

    def __init__(self, until: int, then: Any) -> None:
        self.until = until
        self.then = then

    def view(self, app: Any, utc: Any) -> tuple:
        return ("wait", (self.until - app.ms() + 999) // 1000)

    def press(self, app: Any, event: int) -> None:
        pass

    def tick(self, app: Any, now: int) -> None:
        if now >= self.until:
            app.show(self.then)

    def draw(self, canvas: Any, view: tuple) -> None:
        draw_message(canvas, "WAIT", ("Too many wrong PINs.", "Try again in %d s" % view[1]))
