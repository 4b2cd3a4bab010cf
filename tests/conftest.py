"""Shared test set-up.

The repository root is appended (not prepended) to sys.path so ``smartkey_fw`` imports while the
standard library's ``code`` module still wins over the firmware's ``code.py``. The fakes
directory provides ``micropython`` for firmware modules imported directly under CPython.
"""

import os
import sys

import pytest
from hypothesis import settings

from paths import FAKES, ROOT

for path in (ROOT, FAKES):
    if str(path) not in sys.path:
        sys.path.append(str(path))

# No deadlines: CI machines are slower and busier than a laptop; speed is for `make bench`.
settings.register_profile("default", deadline=None, max_examples=200)
settings.register_profile("long", deadline=None, max_examples=100_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _boards_made(request, monkeypatch):
    """Records the virtual boards a test makes; pytest_runtest_call reads their consoles."""
    from console_errors import BoardRecorder

    request.node.boards_made = BoardRecorder(monkeypatch)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test that passed still fails if a virtual board's console shows an error it did not
    expect (tests/console_errors.py)."""
    result = yield
    recorder = getattr(item, "boards_made", None)
    if recorder is not None and not item.get_closest_marker("console_errors"):
        errors = recorder.errors()
        if errors:
            raise AssertionError(
                "unexpected error on a virtual board's console (mark the test "
                "console_errors if it provokes one on purpose):\n" + "\n".join(errors)
            )
    return result


@pytest.fixture(autouse=True)
def _pairings_here(tmp_path, monkeypatch):
    """Each test keeps the computer's pairings with tokens in its own folder, never the user's
    (smartkey.pairing); a command run in a subprocess inherits the variable."""
    monkeypatch.setenv("SMARTKEY_PAIRINGS", str(tmp_path / "pairings" / "pairings.json"))


@pytest.fixture
def paired(board):
    """``board``, paired with this computer as a user pairs (tests/pairing_helpers.py)."""
    from pairing_helpers import pair_board

    pair_board(board)
    return board


@pytest.fixture
def board(tmp_path):
    """A virtual board with the demo accounts, powered on and unlocked with the demo PIN, its
    buttons left alone long enough for a host's question."""
    from board_helpers import T0, demo_board, hands_off, unlock

    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        hands_off(board)
        yield board


def pytest_terminal_summary(terminalreporter):
    """Say in one line when a real-CircuitPython tier did not run, and why (tests/real_cp.py)."""
    from real_cp import summary_lines

    for line in summary_lines(terminalreporter.stats):
        terminalreporter.write_line("real CircuitPython: " + line, yellow=True)
