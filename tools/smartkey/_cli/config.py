"""``smartkey config``: the token's keyboard layout and what follows a typed code."""

from __future__ import annotations

import click
from rich.markup import escape

from smartkey._cli.util import Context, console, device_errors
from smartkey.device import field

# The token's own lists (smartkey_fw/keyboard.py), copied: this package is installed without
# the firmware; tests/host/test_cli_facts.py keeps them equal.
LAYOUTS = ("us", "uk", "de", "fr", "jp", "keypad")
SUFFIXES = ("none", "enter", "tab")


@click.command()
@click.option(
    "--keyboard",
    type=click.Choice(LAYOUTS),
    help="The computer's keyboard layout (keypad: digits on the numeric keypad, any layout).",
)
@click.option("--after", type=click.Choice(SUFFIXES), help="Key typed after the code.")
@click.pass_obj
@device_errors
def config(ctx: Context, keyboard: str | None, after: str | None) -> None:
    """Show or change how the token types codes (hold C on a code to type it)."""
    token = ctx.token()
    if keyboard or after:
        changes = {k: v for k, v in (("keyboard", keyboard), ("suffix", after)) if v}
        reply = token.request("config", **changes)
    else:
        reply = token.info()
    layout, suffix = field(reply, "keyboard", str), field(reply, "suffix", str)
    console.print(f"keyboard layout: {escape(layout)}; after the code: {escape(suffix)}")
