"""About and Help, from the menu: what a user checks before trusting the token, and the button
map. Both go back to the menu on their own line."""

from smartkey_fw import vault
from smartkey_fw.ui.context import Context
from smartkey_fw.ui.main_menu import back_to
from smartkey_fw.ui.menu import Menu
from smartkey_fw.ui.message import Message


def show_about(ctx: "Context") -> None:
    """Firmware, accounts and the clock's last sync."""
    from smartkey_fw import VERSION
    from smartkey_fw.protocol import stamp

    clock = ctx.clock
    synced, correction = clock.trim()
    lines = (
        "smartkey " + VERSION + " " + ctx.profile,
        "%d of %d accounts" % (ctx.vault.count, vault.MAX_ACCOUNTS),
        "synced " + (stamp(synced)[:8] if synced else "never"),
        "trim %+d / %s%d.%02d ppm"
        % (
            clock.aging(),
            "-" if correction < 0 else "+",
            abs(correction) // 100,
            abs(correction) % 100,
        ),
    )
    # Moved by a computer without a yes here: a lead would let someone collect future codes.
    ahead, back = clock.unconfirmed()
    moved = ("unconfirmed +%ds -%ds" % (ahead, back),) if ahead or back else ()
    ctx.show(Message("ABOUT", lines + moved, back_to("about")))


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


def show_help(ctx: "Context") -> None:
    """The button map, scrolled with A/C; B or hold A goes back to the menu."""
    back = back_to("help")
    ctx.show(Menu("Buttons", [(line, back) for line in _HELP], back))
