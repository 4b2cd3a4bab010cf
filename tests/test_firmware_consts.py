"""MicroPython folds ``_NAME = const(...)`` into the code compiled *after* it and keeps no global
of that name, so a use above the definition (in a function defined earlier in the module) is a
NameError on the device, while CPython runs it fine. Found by the emulated-RP2040 tier: the PIN
entry screen's underline constant sat at the end of its module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIRMWARE = sorted([*ROOT.glob("smartkey_fw/**/*.py"), ROOT / "boot.py", ROOT / "code.py"])


def _private_consts(tree: ast.Module) -> dict[str, int]:
    """{name: line} of module-level ``_NAME = const(...)``."""
    found = {}
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id.startswith("_")
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "const"
        ):
            found[node.targets[0].id] = node.lineno
    return found


@pytest.mark.parametrize("path", FIRMWARE, ids=lambda p: str(p.relative_to(ROOT)))
def test_private_consts_are_defined_before_any_use(path):
    tree = ast.parse(path.read_text())
    consts = _private_consts(tree)
    early = [
        f"{node.id} used on line {node.lineno}, defined on line {consts[node.id]}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and node.id in consts
        and isinstance(node.ctx, ast.Load)
        and node.lineno < consts[node.id]
    ]
    assert not early, early
