"""The firmware on CircuitPython 10.1.4 in an emulated RP2040 (``smartkey.rp2040``).

Each boot costs seconds of wall time, so the tier is a few long scenarios. It needs the builds
(``tests/real_cp.py``: the Pico UF2 and the RP2040 bootrom) and Node with rp2040js installed in
tools/rp2040 (``make rp2040``); without them it is skipped with one reason, or fails on CI.
"""

import os

import pytest

from real_cp import require
from smartkey.rp2040 import board as emulated
from smartkey.rp2040 import node


@pytest.fixture
def builds():
    folder = require(emulated.UF2, emulated.BOOTROM)
    reason = node.missing()
    if reason:
        reason = f"the RP2040 emulator is not available: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return folder
