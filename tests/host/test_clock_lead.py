"""A computer plugged in again and again cannot walk the token's clock ahead without a press: the
unconfirmed change is counted across power cycles, trims included, and shown on About."""

import pytest

from board_helpers import unlock
from oled_text import read_lines
from smartkey.device import DeviceError, Token

DAY = 86_400
BOUND = 60  # s: the most a computer may move the clock ahead without a yes on the token


def lead(board):
    """How far the token's clock (drift correction and all) is ahead of the true time, in s."""
    return Token(board.connect()).request("time")["clock"] - int(board.utc())


def push_ahead(board):
    """What a hostile program does at each plug-in: as far ahead as the token lets it."""
    token = Token(board.connect())
    for step in (60, 30, 10, 3, 1):
        try:
            token.request("set_time", utc=token.request("time")["clock"] + step)
        except DeviceError as error:
            assert error.code == "confirm-first"


def replug(board, seconds=0.0):
    board.unplug(seconds) if seconds else board.power_cycle()
    unlock(board)


def about_shows(board, line):
    """Whether the About screen shows ``line`` on one of its pages. The test font reader knows
    the digits and capitals; a character it cannot tell apart is '?' and matches any."""
    board.hold("B", 1.0)  # the menu
    for _ in range(6):
        board.press("C")
    board.press("B")  # About
    seen = set()
    for _ in range(8):
        seen.update(text for _top, _scale, text in read_lines(board.oled.frame()))
        board.step(1.0)
    return any(
        len(text) == len(line) and all(a in ("?", b) for a, b in zip(text, line, strict=True))
        for text in seen
    )


def test_six_plug_ins_cannot_walk_the_clock_past_the_bound(board):
    for _ in range(6):
        push_ahead(board)
        replug(board)
    assert lead(board) <= BOUND  # 352 s before the count was kept across power cycles
    assert about_shows(board, "unconfirmed +60s -0s")


def test_a_fast_trim_after_each_sync_adds_nothing_past_the_bound(board):
    """The trim variant: +25 ppm fast, taken without a press right after each sync, then ten
    days unplugged, six times over."""
    for _ in range(6):
        push_ahead(board)
        token = Token(board.connect())
        token.request("set_time", utc=token.request("time")["clock"])  # a sync, no jump
        token.request("set_trim", aging=0, correction=-2500)
        replug(board, 10 * DAY)
    assert lead(board) <= BOUND  # 476 s before


def test_a_yes_on_the_token_starts_the_count_again(board):
    push_ahead(board)
    replug(board)
    token = Token(board.connect())
    with pytest.raises(DeviceError, match="prepare first"):
        token.request("set_time", utc=token.request("time")["clock"] + 5)
    # The computer's true time, confirmed on the token: the lead is gone and counted from here.
    board.press_later("B", after=2.5)
    token.request("set_time", utc=int(board.utc()), prepare=True, timeout=40.0)
    token.request("set_time", utc=int(board.utc()))
    assert abs(lead(board)) <= 1
    token.request("set_time", utc=token.request("time")["clock"] + 30)  # no question now
    with pytest.raises(DeviceError, match="prepare first"):
        token.request("set_time", utc=token.request("time")["clock"] + 40)


def test_an_nvm_from_before_the_count_reads_as_nothing_unconfirmed_and_a_damaged_one_as_spent():
    from paths import VECTORS
    from smartkey_fw import clock, marks

    nvm = bytearray((VECTORS / "formats" / "nvm.bin").read_bytes().ljust(4096, b"\xff"))
    assert clock.Clock(None, nvm).unconfirmed() == (0, 0)
    assert marks.Marks(nvm).generation == 0  # the first vault opened sets it
    nvm[272:280] = bytes(8)  # neither erased nor valid
    assert clock.Clock(None, nvm).unconfirmed() == (clock.LEAD_BOUND, clock.BACK_BOUND)
