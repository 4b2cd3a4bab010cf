"""The dispatcher enforces what each operation declares in ops.OPS: an operation that needs the
vault open never runs while it is locked, one declared PRESS changes nothing without a yes on
the token, and only one declared NVM may spend the host's write ration."""

import json

import pytest

from smartkey_fw import ops, vault
from smartkey_fw.protocol import NVM, PRESS, UNLOCKED, Protocol


class Serial:
    connected = True

    def __init__(self):
        self.incoming = b""
        self.replies = []

    @property
    def in_waiting(self):
        return len(self.incoming)

    def read(self, n):
        data, self.incoming = self.incoming[:n], self.incoming[n:]
        return data

    def write(self, data):
        self.replies.append(json.loads(bytes(data)))
        return len(data)


class Vault:
    """Counts the commits that reach it."""

    def __init__(self, state):
        self.state = state
        self.count = 0
        self.commits = 0

    def commit(self, **changes):
        self.commits += 1


class Token:
    """The part of ForHost these operations use; the user answers ``answer`` to questions."""

    def __init__(self, state=vault.UNLOCKED, answer=True):
        self.vault = Vault(state)
        self.answer = answer
        self.asked = []

    def ms(self):
        return 0

    def busy(self):
        return False

    def confirm(self, question, destructive=False):
        self.asked.append(question)
        return self.answer


def ask(token, op):
    serial = Serial()
    protocol = Protocol(serial, token)
    serial.incoming = json.dumps({"v": 1, "id": 1, "op": op}).encode() + b"\n"
    protocol.poll(0)
    return serial.replies


def commit_after_asking(p, request_id, request):
    p.confirm(request_id, ("Change?",))
    p.commit(order=[])
    p.reply(request_id, done=True)


def commit_without_asking(p, request_id, request):
    p.commit(order=[])
    p.reply(request_id, done=True)


def write_nvm(p, request_id, request):
    p.spend_write()
    p.reply(request_id, done=True)


@pytest.fixture
def op(monkeypatch):
    """Registers a test operation as one entry of the table, as a new operation is."""

    def register(handler, flags):
        monkeypatch.setitem(ops.OPS, "test", (handler, flags))
        return "test"

    return register


def test_a_declared_press_commits_after_the_yes(op):
    token = Token()
    replies = ask(token, op(commit_after_asking, UNLOCKED | PRESS))
    assert replies[-1]["ok"] and token.vault.commits == 1 and token.asked == [("Change?",)]


def test_no_commit_without_the_yes(op):
    token = Token(answer=False)
    replies = ask(token, op(commit_after_asking, UNLOCKED | PRESS))
    assert replies[-1]["error"] == "refused" and token.vault.commits == 0


@pytest.mark.parametrize("flags", [UNLOCKED | PRESS, UNLOCKED])
def test_a_change_that_skipped_the_question_never_reaches_the_vault(op, flags):
    token = Token()
    replies = ask(token, op(commit_without_asking, flags))
    assert replies[-1]["error"] == "internal" and token.vault.commits == 0


def test_a_question_from_an_operation_that_did_not_declare_one_is_never_shown(op):
    token = Token()
    replies = ask(token, op(commit_after_asking, UNLOCKED))
    assert replies[-1]["error"] == "internal" and token.asked == []


def test_a_locked_vault_stops_an_operation_that_needs_it_before_it_runs(op):
    token = Token(state=vault.LOCKED)
    replies = ask(token, op(commit_after_asking, UNLOCKED | PRESS))
    assert replies[-1]["error"] == "locked" and token.asked == []


def test_only_a_declared_nvm_operation_spends_the_write_ration(op):
    assert ask(Token(), op(write_nvm, UNLOCKED | NVM))[-1]["ok"]
    assert ask(Token(), op(write_nvm, UNLOCKED))[-1]["error"] == "internal"


def test_every_operation_that_changes_accounts_declares_unlock_and_press():
    for name in ("add", "rename", "remove", "reorder", "pair"):
        assert ops.OPS[name][1] & (UNLOCKED | PRESS) == UNLOCKED | PRESS, name
    assert ops.OPS["wipe"][1] & PRESS
