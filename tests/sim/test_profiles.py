"""Board profiles: chosen from the board id, overridden in settings.toml, pins and all."""

import pytest

from board_helpers import T0, message_frame, panel, pin_frame
from smartkey.sim import VirtualBoard

NEW_TOKEN = (
    "NEW TOKEN",
    (
        "No secure element: a copy of the flash is guessed offline. Use 10+ digits.",
        "A/C: change digit",
        "B: add, hold B: done",
    ),
)


def test_the_profile_comes_from_the_board_id(tmp_path):
    for profile, size in (("pico", (128, 64)), ("feather32", (128, 32))):
        with VirtualBoard(tmp_path / profile, utc=T0, profile=profile) as board:
            board.step(0.5)
            hardware_profile = board.modules["smartkey_fw.profile"].load(
                board.fake("board").board_id
            )
            assert hardware_profile["name"] == profile
            assert (hardware_profile["width"], hardware_profile["height"]) == size
            assert panel(board) == message_frame(board, *NEW_TOKEN)


def test_a_button_on_another_pin_works_once_settings_say_so(tmp_path):
    board = VirtualBoard(tmp_path / "drive", utc=T0, wiring={"B": "GP16"})
    with board:
        board.step(0.5)
        board.press("B")  # wired to GP16, but the firmware still reads GP14: nothing happens
        assert panel(board) == message_frame(board, *NEW_TOKEN)
        with open(board.drive / "settings.toml", "a") as f:
            f.write('SMARTKEY_PIN_B = "GP16"\n')
        board.power_cycle()
        board.step(0.5)
        board.press("B")  # now B dismisses the welcome: the PIN entry follows
        assert panel(board) == pin_frame(board, "6 to 12; 10+ advised", "New PIN")


@pytest.mark.console_errors("boot.py stops at the missing pin too, before any USB change")
def test_a_pin_the_board_lacks_is_named_on_the_console(tmp_path):
    board = VirtualBoard(tmp_path / "drive", utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write('SMARTKEY_PIN_A = "D99"\n')
    try:
        board.power_on()
        board.step(0.5)
    except ValueError as error:
        assert "settings.toml names pin D99, which this board lacks" in str(error)
    else:
        raise AssertionError("the firmware should stop with a clear message")
    finally:
        board.power_off()
