"""Export from the menu: the account on screen as a QR code, after the PIN again and a yes."""

from smartkey_fw.ui.main_menu import back_to
from smartkey_fw.ui.message import Message
from smartkey_fw.ui.pin_flows import recheck

try:
    from typing import Any

    from smartkey_fw.ui.context import Context
except ImportError:
    pass


def start(ctx: "Context") -> None:
    if ctx.canvas is None or ctx.canvas.height < 64:
        back = back_to("export")
        ctx.show(Message("NO ROOM", ("A QR code needs the", "128x64 screen."), back))
        return
    if not ctx.vault.count:
        ctx.home()
        return
    ctx.show(recheck("PIN to show a QR", _confirmed))


def _confirmed(ctx: "Context") -> None:
    from smartkey_fw import export, qr
    from smartkey_fw.ui.qr_view import QrView

    account: Any = ctx.vault.account(ctx.codes.index)
    question = ("Show the secret of " + account.label + " as a QR code?",)
    if not ctx.ask(question):
        ctx.home()
        return
    try:
        code = qr.encode(export.uri(account), "L", qr.MAX_VERSION)
    except ValueError:
        back = lambda ctx: ctx.home()  # noqa: E731
        ctx.show(
            Message("TOO LONG", ("This account's URI", "is too long for a", "QR code here."), back)
        )
        return
    ctx.show(QrView(code, lambda ctx: ctx.home()))
