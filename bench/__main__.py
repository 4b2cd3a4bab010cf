"""Benchmarks, printed as tables: ``python -m bench`` from the repository root, or
``python -P bench/__main__.py`` from anywhere.

CPython only, with the dev requirements. Each section is a module whose ``run()`` measures and
returns a rich table; add a section by importing its module and listing it in SECTIONS.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Appended, not prepended, as in the tests, so that the firmware's code.py does not hide the
# standard library's code module. The fakes provide ``micropython`` to the firmware on CPython.
for path in (ROOT, ROOT / "tools" / "smartkey" / "sim" / "fakes"):
    if str(path) not in sys.path:
        sys.path.append(str(path))

from rich.console import Console  # noqa: E402

from bench import atecc608, board, circuitpython, otp, rp2040, secure_element  # noqa: E402

# rp2040 boots an emulator: minutes
SECTIONS = [otp, board, atecc608, secure_element, circuitpython, rp2040]


def main() -> None:
    console = Console()
    for section in SECTIONS:
        console.print(section.run())


if __name__ == "__main__":
    main()
