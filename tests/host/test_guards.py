"""What a computer on the USB port cannot make the token do, and inputs that must not stop it."""

import pytest

from board_helpers import BOB_TOTP, T0, demo_board, message_frame, panel, pin_frame
from oled_text import code_on_screen, pyotp_view
from smartkey.device import DeviceError, Token


def test_small_clock_steps_cannot_add_up_to_a_jump(board):
    token = Token(board.connect())
    start = board.rtc.now()
    token.request("set_time", utc=int(board.utc()) + 50)  # within the 60 s allowed
    with pytest.raises(DeviceError) as error:
        token.request("set_time", utc=int(board.utc()) + 100)  # 50 s more: now it must ask
    assert error.value.code == "confirm-first"
    assert board.rtc.now() - start < 60


def test_a_trim_needs_a_sync_just_before(board):
    with pytest.raises(DeviceError, match="set the clock first"):
        Token(board.connect()).request("set_trim", aging=0, correction=30000)


def test_a_press_made_before_the_question_does_not_answer_it(board):
    token = Token(board.connect())
    board.state.set_button("B", True)  # B already held when the question comes
    token._send({"v": 1, "id": 9, "op": "remove", "index": 0})
    board.step(0.3)
    board.state.set_button("B", False)
    board.step(1.0)
    with pytest.raises(DeviceError) as error:
        token._receive(9, 35.0)
    assert error.value.code == "busy"  # a button is down: the question is not even asked
    assert len(token.accounts()) == 3


def test_a_locked_token_cannot_be_wiped_by_a_b_meant_for_a_digit(board):
    board.hold("B", 1.0)
    board.press("B")  # lock now
    token = Token(board.connect())
    board.press_later("B", after=1.0)
    with pytest.raises(DeviceError, match="unlock"):
        token.wipe()
    assert any(board.drive.glob("vault.*"))


@pytest.mark.parametrize(
    ("request_fields", "code", "message"),
    [
        ({"op": "list", "start": 2**40}, "bad-request", "start must be 0 to 250"),
        ({"op": "set_time", "utc": 10**30}, "bad-request", "utc must be"),
        ({"op": "set_time", "utc": 0}, "bad-request", "utc must be"),
        ({"op": "check", "index": True}, "no-account", "no account at index True"),
        ({"op": "config", "keyboard": "klingon"}, "bad-request", "layout must be one of"),
    ],
)
def test_odd_requests_get_an_error_and_the_token_carries_on(board, request_fields, code, message):
    token = Token(board.connect())
    with pytest.raises(DeviceError, match=message) as error:
        token.request(**request_fields)
    assert error.value.code == code
    assert token.info()["accounts"] == 3


@pytest.mark.parametrize(
    "account",
    [
        "not an object",
        {"secret": "00" * 65, "name": "too long a secret"},
        {"secret": "", "name": "empty"},
        {"secret": "0011", "name": "x" * 65},
        {"secret": "0011", "algorithm": "md5"},
        {"secret": "0011", "period": 0},
    ],
)
def test_a_bad_item_is_refused_and_the_screen_recovers(board, account):
    token = Token(board.connect())
    board.press_later("B", after=0.8)
    token._send({"v": 1, "id": 3, "op": "add", "count": 1, "names": ["x"]})
    token._receive(3, 35.0)
    token._send({"v": 1, "op": "item", "account": account})
    with pytest.raises(DeviceError, match="item 1"):
        token._receive(3, 10.0)
    assert token.info()["accounts"] == 3
    board.press("C")  # the buttons work again: from the first account's code to the second's
    assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)


def test_after_a_remove_the_screen_never_shows_the_removed_account(board):
    token = Token(board.connect())
    board.press_later("B", after=0.8, seconds=1.0)
    token.remove(0)  # the account on screen
    board.step(0.5)
    # The first account is now bob's, with bob's code.
    assert code_on_screen(board) == pyotp_view(board, BOB_TOTP)


def test_an_erased_counter_leaves_one_try_not_ten(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        board.step(0.5)
        board.power_off()
        board.state.nvm[0:8] = b"\xff" * 8  # as after a power cut mid-erase on an RP2040
        board.power_on()
        board.step(0.5)
        # Nine wrong PINs' worth: the longest wait but one, then a single try.
        wait = ("Too many wrong PINs.", "Try again in 128 s")
        assert panel(board) == message_frame(board, "WAIT", wait)
        board.step(128.0)
        board.press("A")  # wakes the dimmed screen
        assert panel(board) == pin_frame(board, "demo PIN 123456")


def test_names_with_markup_are_shown_as_written(board, tmp_path):
    from click.testing import CliRunner

    from smartkey._cli import main
    from smartkey.account import Account

    token = Token(board.connect())
    board.press_later("B", after=0.8)
    token.add([Account(secret=b"0123456789", issuer="[/b]", name="[link=x]y")])
    connection = board.connect()
    result = CliRunner().invoke(main, ["list"], obj={"connect": lambda port: connection})
    assert result.exit_code == 0, result.output
    # Printed as written, in one row: neither name was taken as markup (bold off, a link).
    row = [line for line in result.output.splitlines() if line.split("│")[1:2] == [" 3 "]]
    assert len(row) == 1 and "[/b]" in row[0] and "[link=x]y" in row[0], result.output


def test_a_large_trim_needs_a_yes_on_the_token(board):
    token = Token(board.connect())
    token.request("set_time", utc=round(board.utc()))  # a sync: a trim may follow
    with pytest.raises(DeviceError) as error:
        token.request("set_trim", timeout=40.0, aging=-127, correction=-20000)  # 213 ppm fast
    assert error.value.code == "timeout"
    board.press_later("B", after=1.0)
    token.request("set_time", utc=round(board.utc()))
    assert token.request("set_trim", timeout=40.0, aging=-127, correction=-20000)["ok"]


def test_a_press_begun_before_the_question_was_readable_does_not_count(board):
    token = Token(board.connect())
    board.press_later("B", after=0.3, seconds=0.4)  # down at 0.3 s, up at 0.7 s
    with pytest.raises(DeviceError) as error:
        token.request("remove", timeout=40.0, index=0)
    assert error.value.code == "timeout"
    assert len(token.accounts()) == 3
