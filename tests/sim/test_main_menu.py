"""The menu's entries are found by key (smartkey_fw/ui/main_menu.py): a screen opened from the
menu goes back to its own line, and every key the firmware names is one the menu has."""

import ast
from pathlib import Path

import pytest

from board_helpers import demo_board, menu_keys, open_menu_at, panel, unlock
from smartkey_fw.ui import main_menu

ROOT = Path(__file__).resolve().parents[2]
KEYS = [entry[0] for entry in main_menu.ENTRIES]


def keys_named_in_the_firmware():
    """(where, key) of each literal key passed to ``back_to``, ``main_menu.show`` or
    ``_back_to_menu``: a misspelt one would open the menu on its first line instead."""
    found = []
    for path in sorted((ROOT / "smartkey_fw").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            owner = getattr(getattr(func, "value", None), "id", "")  # main_menu.show
            menu_call = name in ("back_to", "_back_to_menu")
            menu_call = menu_call or (name == "show" and owner in ("", "main_menu"))
            args = [arg for arg in node.args if isinstance(arg, ast.Constant)]
            if menu_call and args:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append(pytest.param(args[0].value, id=where))
    return found


NAMED = keys_named_in_the_firmware()


def test_keys_are_unique_and_the_scan_finds_the_firmwares():
    assert len(set(KEYS)) == len(KEYS)
    assert {"about", "help", "export", "change_pin"} <= {param.values[0] for param in NAMED}


@pytest.mark.parametrize("key", NAMED)
def test_every_key_the_firmware_names_is_a_menu_entry(key):
    assert key in KEYS


@pytest.mark.parametrize(
    ("profile", "key"), [("pico", "about"), ("pico", "help"), ("feather32", "export")]
)
def test_back_from_an_entry_lands_on_its_own_line(tmp_path, profile, key):
    # On 128x32 the export says there is no room for a QR code, and goes back.
    with demo_board(tmp_path, profile=profile) as board:
        unlock(board)
        open_menu_at(board, key)
        on_its_line = panel(board)
        board.press("B")  # the entry's screen
        assert panel(board) != on_its_line
        board.press("B")  # back
        assert panel(board) == on_its_line
        assert menu_keys(board) == KEYS
