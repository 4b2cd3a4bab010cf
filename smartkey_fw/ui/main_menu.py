"""The menu (hold B on the codes): one line per entry of ``ENTRIES``, found by its key.

A screen that goes back to the menu names the entry to land on (``show(ctx, "about")``), never
its position, so lines can be added or moved in one place. Each action imports its screen family
when it is picked: what the user never opens is never loaded.
"""

from smartkey_fw.ui.menu import Menu

try:
    from typing import Any, Callable, List, Tuple

    from smartkey_fw.ui.context import Context
except ImportError:
    pass


def _lock(ctx: "Context") -> None:
    ctx.lock()


def _type_code(ctx: "Context") -> None:
    ctx.type_code(ctx.codes.index)


def _export(ctx: "Context") -> None:
    from smartkey_fw.ui import qr_export

    qr_export.start(ctx)


def _layout(ctx: "Context") -> None:
    from smartkey_fw.ui import typing_options

    typing_options.next_layout(ctx)
    show(ctx, "layout")  # the menu stays open on the same line, which now says the new one


def _suffix(ctx: "Context") -> None:
    from smartkey_fw.ui import typing_options

    typing_options.next_suffix(ctx)
    show(ctx, "suffix")


def _change_pin(ctx: "Context") -> None:
    from smartkey_fw.ui import pin_flows

    pin_flows.change_pin(ctx)


def _about(ctx: "Context") -> None:
    from smartkey_fw.ui import about

    about.show_about(ctx)


def _self_test(ctx: "Context") -> None:
    ctx.self_test()


def _help(ctx: "Context") -> None:
    from smartkey_fw.ui import about

    about.show_help(ctx)


def _back(ctx: "Context") -> None:
    ctx.home()


def _layout_label(ctx: "Context") -> str:
    return "Keyboard: " + ctx.preferences.layout.upper()


def _suffix_label(ctx: "Context") -> str:
    return "After code: " + ctx.preferences.suffix


# (key, the line's text or a function of ctx that makes it, what B on it does), top to bottom.
ENTRIES = (
    ("lock", "Lock now", _lock),
    ("type_code", "Type code", _type_code),
    ("export", "Export as QR", _export),
    ("layout", _layout_label, _layout),
    ("suffix", _suffix_label, _suffix),
    ("change_pin", "Change PIN", _change_pin),
    ("about", "About", _about),
    ("self_test", "Self-test", _self_test),
    ("help", "Help", _help),
    ("back", "Back", _back),
)


def show(ctx: "Context", key: str = "") -> None:
    """Open the menu on the entry ``key`` (the first one if not given)."""
    items: "List[Tuple[str, Callable[[Any], None]]]" = []
    index = 0
    for entry in ENTRIES:
        if entry[0] == key:
            index = len(items)
        label: Any = entry[1]
        items.append((label if isinstance(label, str) else label(ctx), entry[2]))
    screen = Menu("Menu", items, _back)
    screen.index = index
    ctx.show(screen)


def back_to(key: str) -> Any:
    """An action that opens the menu on ``key``: where a screen opened from it goes back to."""
    return lambda ctx: show(ctx, key)
