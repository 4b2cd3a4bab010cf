"""The token's questions say what they are about: the account added, the issuers of a batch,
the account renamed or removed; and a batch must be the accounts the question named."""

import pytest

from board_helpers import T0, demo_board, hands_off, panel, question_frame, unlock
from smartkey.account import Account
from smartkey.device import DeviceError, Token, _add_request, _fields

GITHUB = Account(secret=b"github secret 123456", issuer="GitHub", name="octocat")
DEMO = ["Demo: alice@example.com", "Demo SHA-256: bob@example.com", "Steam: demo"]


def labels(token):
    return [entry.label for entry in token.accounts()]


@pytest.fixture(params=["pico", "feather32"])
def board(tmp_path, request):
    with demo_board(tmp_path, utc=T0, profile=request.param) as board:
        unlock(board)
        hands_off(board)
        yield board


def ask(board, token, request):
    """Send an add request and let its question become readable."""
    token._send(request)
    board.step(0.6)


def test_adding_one_account_names_it(board):
    token = Token(board.connect())
    ask(board, token, _add_request(1, [GITHUB]))
    assert panel(board) == question_frame(board, ("Add GitHub: octocat?",))
    board.press("A")
    with pytest.raises(DeviceError, match="refused"):
        token._receive(1, 5.0)
    assert labels(token) == DEMO


def test_adding_several_names_their_first_issuers(board):
    batch = [
        Account(secret=bytes([i]) * 10, issuer=issuer, name=f"me{i}")
        for i, issuer in enumerate(["GitHub"] * 5 + ["Mail"] * 5 + ["Bank", "Shop"])
    ]
    token = Token(board.connect())
    request = _add_request(1, batch)
    assert (request["names"], request["more"]) == (["GitHub", "Mail", "Bank"], True)
    ask(board, token, request)
    question = ("Add 12 accounts (GitHub, Mail, Bank, ...)?",)
    assert panel(board) == question_frame(board, question)
    board.press("B")
    token._receive(1, 5.0)
    for account in batch:
        token._send({"v": 1, "op": "item", "account": _fields(account)})
    assert token._receive(1, 30.0)["accounts"] == 15


def test_a_batch_of_one_issuer_names_only_it(board):
    batch = [Account(secret=bytes([i]) * 10, issuer="Mail", name=f"me{i}") for i in range(3)]
    request = _add_request(1, batch)
    assert (request["names"], request["more"]) == (["Mail"], False)
    token = Token(board.connect())
    ask(board, token, request)
    assert panel(board) == question_frame(board, ("Add 3 accounts (Mail)?",))
    board.press("A")


@pytest.mark.parametrize(
    ("announced", "sent"),
    [
        ({"count": 1, "names": ["GitHub: octocat"]}, [Account(secret=b"x" * 10, name="mallory")]),
        (
            {"count": 2, "names": ["GitHub"], "more": False},
            [GITHUB, Account(secret=b"x" * 10, issuer="Bank", name="me")],
        ),
        (
            {"count": 2, "names": ["GitHub", "Bank"], "more": True},
            [GITHUB, Account(secret=b"x" * 10, issuer="Bank", name="me")],
        ),
    ],
    ids=["another-account", "an-issuer-not-named", "fewer-issuers-than-said"],
)
def test_items_other_than_those_asked_about_change_nothing(board, announced, sent):
    token = Token(board.connect())
    ask(board, token, {"v": 1, "id": 4, "op": "add", **announced})
    board.press("B")
    token._receive(4, 5.0)
    for account in sent:
        token._send({"v": 1, "op": "item", "account": _fields(account)})
    with pytest.raises(DeviceError, match="not the accounts the token asked about"):
        token._receive(4, 30.0)
    assert labels(token) == DEMO


@pytest.mark.parametrize(
    "announced",
    [
        {"count": 1},
        {"count": 2, "names": []},
        {"count": 1, "names": ["a", "b"]},
        {"count": 2, "names": ["a", "b", "c", "d"]},
        {"count": 1, "names": [3]},
    ],
    ids=["no-names", "empty", "two-for-one", "four", "not-text"],
)
def test_an_add_that_does_not_say_what_it_adds_is_refused(board, announced):
    token = Token(board.connect())
    token._send({"v": 1, "id": 2, "op": "add", **announced})
    with pytest.raises(DeviceError, match="names"):
        token._receive(2, 5.0)


def test_rename_and_remove_name_the_account(board):
    token = Token(board.connect())
    token._send({"v": 1, "id": 3, "op": "rename", "index": 0, "issuer": "Work", "name": "al"})
    board.step(0.6)
    question = ("Rename Demo: alice@example.com", "to Work: al?")
    assert panel(board) == question_frame(board, question)
    board.press("A")
    board.step(2.1)  # a question right after a press is refused as busy
    token._send({"v": 1, "id": 5, "op": "remove", "index": 2})
    board.step(0.6)
    assert panel(board) == question_frame(board, ("Remove Steam: demo?",), destructive=True)
    board.press("A")
    assert labels(token) == DEMO
