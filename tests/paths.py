"""Where the tests find the repository and their data: one module that every test imports by
name (``conftest`` cannot serve: each test folder with its own conftest.py shadows it)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors"
FAKES = ROOT / "tools" / "smartkey" / "sim" / "fakes"
