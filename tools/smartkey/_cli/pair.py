"""Pairing this computer with a token: ``smartkey pair``, and the check that runs before any
secret goes to a token (``add``, ``import``, ``restore``: everything that calls ``Token.add``).

A token never paired with this computer is paired on the spot, since the user is there to
compare the code and press B: both sides must say yes, so a gadget that answers for itself
gets nothing without the user's "yes" here too. A token that was paired but cannot prove it
(wiped, a new PIN, or another device claiming its id) gets a loud warning and nothing: pairing
again takes a deliberate ``smartkey pair``, never a yes typed in the middle of an import,
because that is the one moment a fake would want the user to say yes.
"""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from smartkey import pairing
from smartkey._cli.util import CliError, Context, console, device_errors
from smartkey.device import Token, field


def _spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


def _show(code: str) -> None:
    console.print(
        f"Pairing code: [bold]{_spaced(code)}[/bold]. If your token shows the same code, "
        "press B on it."
    )


def _agree(code: str) -> bool:
    """The computer's own yes, as in Bluetooth's numeric comparison: a device that pressed
    "yes" for itself still showed nothing on the real token."""
    try:
        return click.confirm(f"Did your token show {_spaced(code)}?", default=False)
    except click.Abort:
        return False  # no answer (standard input was the URI, or closed): no pairing


def pair_with(token: Token, pairings: pairing.Pairings) -> str:
    try:
        device_id = pairing.pair(token, pairings, _show, _agree)
    except pairing.PairingRefused as error:
        raise CliError(f"{error}; nothing was sent") from None
    console.print(f"Paired with token {device_id}.")
    return device_id


def _warn_changed(device_id: str) -> None:
    console.print(
        f"[bold red]WARNING: the token that says it is {escape(device_id)} cannot prove it is "
        "the token this computer paired with.[/bold red]\n"
        "It may have been wiped or given a new PIN, or it is another device posing as your "
        "token. Nothing was sent to it."
    )


def before_secrets(token: Token) -> None:
    """Token.add's check: a token proves it is the one paired, or is paired now, or nothing
    is sent."""
    pairings = pairing.Pairings()
    try:
        pairing.prove(token, pairings)
        return
    except pairing.NotPaired as error:
        console.print(
            f"[bold yellow]This computer has not paired with token {escape(error.device_id)}."
            "[/bold yellow] Pairing first: nothing secret goes to a token before."
        )
    except pairing.ChangedToken as error:
        _warn_changed(error.device_id)
        raise CliError(
            "not sent: if you wiped this token or changed its PIN, run `smartkey pair`"
        ) from None
    device_id = pair_with(token, pairings)
    try:
        pairing.prove(token, pairings, device_id)
    except pairing.PairingError as error:
        raise CliError(f"{error}; nothing was sent") from None


# What `smartkey info` says of each pairing.status.
STATUS = {
    "unpaired": "no: `smartkey pair` pairs it",
    "proved": "yes: the token proved it",
    "unchecked": "paired (not checked: token locked)",
    "changed": "[bold red]CHANGED: the token cannot prove it is the one paired[/bold red] "
    "(wiped, a new PIN, or another device posing as it); `smartkey pair` pairs again",
}


def pairing_status(token: Token, info: dict[str, Any]) -> str:
    """Whether this computer is paired with the token whose ``info`` reply this is, for a
    user: by its device id, and its proof if it is unlocked."""
    locked = field(info, "locked", bool)
    return STATUS[pairing.status(token, pairing.Pairings(), token.device_id(info), locked)]


@click.command()
@click.pass_obj
@device_errors
def pair(ctx: Context) -> None:
    """Pair this computer with the token: both show a code, you compare and press B on the
    token. Secrets go only to a paired token; pair again after a wipe or a new PIN."""
    token = ctx.token()
    pairings = pairing.Pairings()
    try:
        device_id = pairing.prove(token, pairings)
    except pairing.NotPaired:
        pass
    except pairing.ChangedToken as error:
        _warn_changed(error.device_id)
        console.print("Pairing again replaces the key this computer kept for it.")
    else:
        console.print(f"Already paired with token {device_id}.")
        return
    pair_with(token, pairings)
