"""What a host can make the token write to ``nvm`` without a press: nothing for requests that
change nothing, and a ration for the rest. ``nvm`` is one 4 KB flash sector on an RP2040,
erased on every write, and it holds the wrong-PIN counter (issue 18, finding 4)."""

import pytest

from board_helpers import hands_off, unlock
from smartkey.device import DeviceError, Token

REQUESTS = 2000
BURST = 10  # smartkey_fw/protocol.py: _WRITE_BURST
EVERY = 600  # s: _WRITE_EVERY


def test_identical_config_requests_write_nvm_once(board):
    token = Token(board.connect())
    before = board.state.nvm.writes
    for _ in range(REQUESTS):
        assert token.request("config", keyboard="de", suffix="enter")["keyboard"] == "de"
    assert board.state.nvm.writes - before == 1  # the first one changed something


def test_zero_jump_set_time_requests_are_rationed(board):
    token = Token(board.connect())
    before = board.state.nvm.writes
    started = board.utc()
    refused = 0
    for _ in range(REQUESTS):
        try:
            token.request("set_time", utc=int(token.request("time")["clock"]))
        except DeviceError as error:
            assert error.code == "slow-down" and "try again in" in str(error)
            refused += 1
    elapsed = board.utc() - started
    sets = REQUESTS - refused
    assert sets <= BURST + elapsed // EVERY + 1
    # Each accepted set is at most one write of the sync time and one of the unconfirmed lead.
    assert board.state.nvm.writes - before <= 2 * sets
    board.step(EVERY)
    board.press("A")  # wakes the dark screen
    unlock(board)  # it locked itself meanwhile
    hands_off(board)
    token.request("set_time", utc=int(token.request("time")["clock"]))  # the ration refills


def test_config_changes_are_rationed_but_the_menu_is_not(board):
    token = Token(board.connect())
    layouts = ["de", "us"]  # "us" is the default: each request is a change
    with pytest.raises(DeviceError, match="try again in"):
        for number in range(BURST + 1):
            token.request("config", keyboard=layouts[number % 2])
    board.hold("B", 1.0)  # the menu: a press on the token is never rationed
    for _ in range(3):
        board.press("C")
    before = board.state.nvm.writes
    board.press("B")  # Keyboard: the next layout
    assert board.state.nvm.writes == before + 1
