"""A host's question never takes over buttons in use, what cannot be undone takes a held B,
and only presses on the token keep it awake and unlocked (issue 18, findings 1 and 2)."""

import pytest

from board_helpers import T0, demo_board, hands_off, panel, pin_frame, question_frame, unlock
from smartkey.device import DeviceError, Token
from smartkey.sim.buttons import enter_pin

DEMO_PIN = "123456"
MENU_EXPORT_QR = 2
MENU_CHANGE_PIN = 5


@pytest.fixture
def board(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        hands_off(board)
        yield board


def open_menu_line(board, line):
    board.hold("B", 1.0)
    for _ in range(line):
        board.press("C")
    board.press("B")


def reply_code(token, request_id, timeout=35.0):
    try:
        token._receive(request_id, timeout)
    except DeviceError as error:
        return error.code
    return "ok"


@pytest.mark.parametrize(("line", "then"), [(MENU_CHANGE_PIN, "New PIN"), (MENU_EXPORT_QR, None)])
def test_a_wipe_never_replaces_a_pin_being_typed(board, line, then):
    open_menu_line(board, line)  # the token asks for the current PIN again
    enter_pin(board, DEMO_PIN[:3], submit=False)
    board.step(2.5)  # the user pauses between digits
    token = Token(board.connect())
    token._send({"v": 1, "id": 7, "op": "wipe"})
    board.step(0.6)
    for button in "CBCBC":
        board.press(button)  # the next digits go on, 4 and 5 added with B ...
    board.hold("B", 1.0)  # ... and 6 shown when B is held: done
    assert reply_code(token, 7) == "busy"
    assert any(board.drive.glob("vault.*"))
    if then is not None:  # the PIN was taken: the flow goes on to its next step
        assert panel(board) == pin_frame(board, "6 to 12; 10+ advised", title=then)
    else:  # the token's own question, "Show the secret ... as a QR code?": no
        board.step(0.6)
        board.press("A")
    assert len(token.accounts()) == 3


def test_a_question_never_opens_over_the_menu(board):
    board.hold("B", 1.0)  # the menu
    board.step(3.0)
    token = Token(board.connect())
    token._send({"v": 1, "id": 4, "op": "rename", "index": 0, "issuer": "X", "name": "y"})
    board.step(0.6)
    board.press("B")  # picks "Lock now", as the user meant
    assert reply_code(token, 4) == "busy"
    assert panel(board) == pin_frame(board, "demo PIN 123456")


def test_a_question_within_two_seconds_of_a_press_is_refused(board):
    token = Token(board.connect())
    board.press("C")  # the user is reading codes
    token._send({"v": 1, "id": 1, "op": "rename", "index": 0, "issuer": "X", "name": "y"})
    assert reply_code(token, 1, 5.0) == "busy"
    board.step(2.1)
    token._send({"v": 1, "id": 2, "op": "rename", "index": 0, "issuer": "X", "name": "y"})
    board.step(0.6)
    assert panel(board) == question_frame(board, ("Rename Demo: alice@example.com", "to X: y?"))
    board.press("A")
    assert reply_code(token, 2) == "refused"


@pytest.mark.parametrize(
    ("fields", "question"),
    [
        ({"op": "remove", "index": 2}, ("Remove Steam: demo?",)),
        ({"op": "wipe"}, ("ERASE ALL accounts?", "It cannot be undone.")),
    ],
)
def test_what_cannot_be_undone_takes_a_held_b(board, fields, question):
    token = Token(board.connect())
    token._send({"v": 1, "id": 3, **fields})
    board.step(0.6)
    assert panel(board) == question_frame(board, question, destructive=True)
    board.press("B")  # a short B does not answer
    board.step(1.0)
    assert panel(board) == question_frame(board, question, destructive=True)
    assert any(board.drive.glob("vault.*"))
    board.hold("B", 1.0)
    assert reply_code(token, 3) == "ok"
    assert Token(board.connect()).info()["accounts"] in (2, None)


def test_host_requests_never_postpone_the_idle_lock(tmp_path):
    board = demo_board(tmp_path, utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_AUTOLOCK = 120\n")
    with board:
        unlock(board)
        hands_off(board)
        token = Token(board.connect())
        for number in range(1, 5):  # a question every 80 s, nobody at the token
            assert token.info()["state"] in ("unlocked", "locked")
            token._send({"v": 1, "id": 100 + number, "op": "rename", "index": 0,
                         "issuer": "X", "name": "y"})  # fmt: skip
            assert reply_code(token, 100 + number) in ("timeout", "locked")
            board.step(50.0)
        # 120 s after the last press the token locked, however often the host asked.
        assert token.info()["state"] == "locked"


def test_host_questions_never_postpone_dimming_and_blanking(tmp_path):
    board = demo_board(tmp_path, utc=T0)
    with open(board.drive / "settings.toml", "a") as f:
        f.write("SMARTKEY_DIM_AFTER = 20\nSMARTKEY_BLANK_AFTER = 80\nSMARTKEY_AUTOLOCK = 0\n")
    with board:
        unlock(board)
        board.step(25.0)
        assert board.oled.is_on and board.oled.contrast < 255  # dimmed
        token = Token(board.connect())
        token._send({"v": 1, "id": 1, "op": "rename", "index": 0, "issuer": "X", "name": "y"})
        board.step(0.6)
        assert board.oled.contrast == 255  # the question is readable at full brightness
        assert reply_code(token, 1) == "timeout"
        board.step(0.2)
        assert board.oled.is_on and board.oled.contrast < 255  # dim again at once
        board.step(30.0)  # 80 s since the last press
        assert not board.oled.is_on
        token._send({"v": 1, "id": 2, "op": "rename", "index": 0, "issuer": "X", "name": "y"})
        board.step(0.6)
        assert board.oled.is_on  # a dark screen lights up for the question
        assert reply_code(token, 2) == "timeout"
        board.step(0.2)
        assert not board.oled.is_on  # and goes dark again: nobody pressed anything
