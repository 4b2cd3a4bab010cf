"""The check every test gets (tests/console_errors.py): errors a board's console shows fail a
test that did not ask for them, and the notices a working token prints do not."""

import pytest

from board_helpers import T0, demo_board, unlock
from console_errors import error_lines


@pytest.mark.console_errors("the display drops off the bus on purpose")
def test_a_fault_in_the_main_loop_is_seen_on_the_console(request, tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        oled = board.bus.detach(0x3C)  # a loose wire: every frame sent now fails
        board.step(1.0)
        board.bus.attach(oled)
        board.step(1.0)
    # The loop carried on; what it caught is on the console, and the check finds it there.
    assert error_lines(board.console)[:1] == ["error: OSError"]
    assert request.node.boards_made.errors() == error_lines(board.console)


def test_what_a_working_token_prints_is_no_error():
    console = (
        "No display at 0x3C\r\n"
        "settings.toml: SMARTKEY_AUTOLOCK = soon makes no sense here; using 300\r\n"
        "Nothing on I2C: check SDA/SCL wiring\r\n"
    )
    assert error_lines(console) == []


def test_each_kind_of_failure_is_an_error_line():
    console = (
        "error: MemoryError\n"
        "boot.py output:\nAttributeError: module 'board' has no attribute 'D99'\n"
        "Traceback (most recent call last):\n"
        "\nYou are in safe mode because:\nBoot device must be first (interface #0).\n"
    )
    assert error_lines(console) == [
        "error: MemoryError",
        "AttributeError: module 'board' has no attribute 'D99'",
        "Traceback (most recent call last):",
        "You are in safe mode because:",
    ]
