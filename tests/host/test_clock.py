"""Keeping the token's clock right: sync on a second boundary, drift estimate, trim, guards."""

import pytest

from board_helpers import ALICE_TOTP, T0, hands_off, message_frame, panel, question_frame, unlock
from oled_text import code_on_screen, pyotp_view
from smartkey import clock
from smartkey.device import DeviceError, Token

DAY = 86400.0


def host(board):
    """The host's clock is the simulation's true UTC; waiting lets the board run."""
    return clock.HostClock(now=board.utc, sleep=board.step)


def sync(board, tmp_path):
    return clock.sync(Token(board.connect()), host(board), clock.History("ab", tmp_path / "h"))


def test_a_sync_lands_on_the_second_boundary(board, tmp_path):
    board.rtc.set_time(board.utc() + 3.6)  # 3.6 s fast
    board.press_later("B", after=2.5)  # going back by more than 2 s needs a yes
    result = sync(board, tmp_path)
    assert result.before.offset == pytest.approx(3.6, abs=0.05)
    # What the chip now reads against the true time: within 50 ms plus the transport's latency.
    assert abs(board.rtc.now() - board.utc()) <= 0.05 + result.after.latency
    assert abs(result.after.offset) <= 0.05 + result.after.latency


def test_a_small_correction_needs_no_confirmation(board, tmp_path):
    board.rtc.set_time(board.utc() - 1.5)
    result = sync(board, tmp_path)
    assert abs(board.rtc.now() - board.utc()) <= 0.05 + result.after.latency


@pytest.mark.parametrize("jump", [-600.0, -30.0, 3600.0])
def test_a_large_or_backward_jump_waits_for_a_yes_on_the_token(board, tmp_path, jump):
    board.rtc.set_time(board.utc() - jump)  # the token is off by -jump: the sync jumps +jump
    token = Token(board.connect())
    with pytest.raises(DeviceError) as error:
        clock.set_clock(token, host(board))
    assert error.value.code in ("timeout", "no-answer")
    assert board.rtc.now() - board.utc() == pytest.approx(-jump, abs=1)  # unchanged
    board.press_later("B", after=1.0)
    clock.set_clock(Token(board.connect()), host(board))
    assert abs(board.rtc.now() - board.utc()) < 0.1


def test_the_confirmation_shows_the_old_and_new_time(board, tmp_path):
    board.rtc.set_time(T0 - 3600)
    token = Token(board.connect())
    stamp = board.modules["smartkey_fw.protocol"].stamp
    old, new = int(board.rtc.now()), int(board.utc()) + 60
    token._send({"v": 1, "id": 5, "op": "set_time", "utc": new, "prepare": True})
    board.step(0.5)
    lines = ("Set clock (UTC)?", "was " + stamp(old), "now " + stamp(new))
    assert panel(board) == question_frame(board, lines)


def test_a_drifting_clock_is_measured_and_trimmed(board, tmp_path):
    """+20 ppm, beyond the aging register's reach: aging plus correction cancel it."""
    board.rtc.drift_ppm = 20.0
    history = clock.History("ab", tmp_path / "h")
    results = []
    for _ in range(4):
        # Fast by up to 12 s after a week: going back that far needs a yes, so one is pressed
        # when asked (and not at all once the trim keeps it close).
        board.press_later("B", after=2.5)
        results.append(clock.sync(Token(board.connect()), host(board), history))
        board.cancel_presses()
        board.unplug(7 * DAY)
        unlock(board)
        hands_off(board)
    ppm, _uncertainty = history.drift()
    assert ppm == pytest.approx(20.0, abs=1.0)
    aging, correction = results[-1].trim
    assert aging == 127 and correction == pytest.approx(730, abs=100)
    # After the trim: four more weeks, then the token's own time against the true time.
    board.press_later("B", after=2.5)
    results.append(clock.sync(Token(board.connect()), host(board), history))
    synced_at = board.utc()
    board.unplug(28 * DAY)
    unlock(board)
    hands_off(board)
    reading = clock.measure(Token(board.connect()), host(board))
    token_time_error = reading.clock - reading.raw + reading.offset  # corrected, in seconds
    residual_ppm = abs(token_time_error) / (board.utc() - synced_at) * 1e6
    assert residual_ppm < 2.0, residual_ppm


def test_after_the_battery_was_removed_codes_wait_for_a_sync(board, tmp_path):
    board.rtc.lose_power()
    board.power_cycle()
    unlock(board)
    hands_off(board)
    assert panel(board) == message_frame(
        board, "SET TIME", ("Clock is not set.", "On a computer run:", "smartkey time sync")
    )
    board.press_later("B", after=1.0)  # from 2000-01-01: a big jump, confirmed
    sync(board, tmp_path)
    board.step(0.5)
    assert code_on_screen(board) == pyotp_view(board, ALICE_TOTP)
    assert abs(board.rtc.now() - board.utc()) < 0.1
