"""How the token types a code (hold C): the keyboard layout and what follows the code, each
stepped to its next choice from the menu and kept in ``nvm`` by ``Preferences``."""

from smartkey_fw import keyboard
from smartkey_fw.ui.context import Context


def next_layout(ctx: "Context") -> None:
    _step(ctx, 1, 0)


def next_suffix(ctx: "Context") -> None:
    _step(ctx, 0, 1)


def _step(ctx: "Context", layout_step: int, suffix_step: int) -> None:
    prefs = ctx.preferences
    layouts, suffixes = keyboard.LAYOUTS, keyboard.SUFFIXES
    layout = layouts[(layouts.index(prefs.layout) + layout_step) % len(layouts)]
    suffix = suffixes[(suffixes.index(prefs.suffix) + suffix_step) % len(suffixes)]
    prefs.set(layout, suffix)
