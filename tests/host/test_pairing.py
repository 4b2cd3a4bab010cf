"""Pairing this computer with each token: secrets go only to the token it paired with.

A device with a token's USB ids (a fake token, a hostile gadget, a wiped token with a known id)
gets no secret and the user sees a warning; an unpaired token gets none without a yes on it and
here; the code on the OLED is the one printed here; a pairing survives a power cycle, and a wipe
breaks it.
"""

import base64
import json
import os
import re

import pytest
from click.testing import CliRunner

from board_helpers import hands_off, set_up
from oled_text import read_lines
from pairing_helpers import pair_board
from smartkey import pairing
from smartkey._cli import main
from smartkey.clock import HostClock
from smartkey.device import DeviceError, Token

URI = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
SECRET = base64.b32decode("JBSWY3DPEHPK3PXP")
PRINTED_CODE = re.compile(r"Pairing code: (\d{3} \d{3})")


class Recording:
    """A board's connection that keeps every byte this computer wrote, and reads the OLED when
    the token's pairing code arrives (then presses ``press`` on the token, if given)."""

    def __init__(self, board, press=None, seconds=0.2):
        self.inner = board.connect()
        self.board = board
        self.press = press
        self.seconds = seconds
        self.written = bytearray()
        self.oled_codes = []

    @property
    def timeout(self):
        return self.inner.timeout

    @timeout.setter
    def timeout(self, value):
        self.inner.timeout = value

    def write(self, data):
        self.written += data
        return self.inner.write(data)

    def read_until(self, expected=b"\n", size=None):
        line = self.inner.read_until(expected, size)
        if b'"code"' in line:
            self.board.step(1.0)  # the question is on the screen, and readable
            for _top, _scale, text in read_lines(self.board.oled.frame()):
                found = re.search(r"\d{3} \d{3}$", text)
                if found:
                    self.oled_codes.append(found.group())
            if self.press:
                self.board.press_later(self.press, after=0.1, seconds=self.seconds)
        return line

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def requests(self):
        return [json.loads(line) for line in bytes(self.written).splitlines() if line]


class FakeToken:
    """A device that speaks the protocol and claims ``device_id``: it answers info, a proof it
    cannot know, and (if asked) a pairing it says yes to by itself; it keeps what it is sent."""

    def __init__(self, device_id, proof="00" * 32):
        self.device_id = device_id
        self.proof = proof
        self.timeout = 1.0
        self.written = bytearray()
        self.replies = []

    def write(self, data):
        self.written += data
        for line in bytes(data).splitlines():
            self.replies.extend(self._answer(json.loads(line)))
        return len(data)

    def _answer(self, request):
        base = {"v": 1, "id": request.get("id"), "ok": True}
        op = request.get("op")
        if op == "info":
            return [{**base, "device_id": self.device_id, "locked": False, "state": "unlocked"}]
        if op == "prove":
            if self.proof is None:
                return [{**base, "ok": False, "error": "unknown-op", "message": "no such op"}]
            return [{**base, "proof": self.proof}]
        if op == "pair":
            key, nonce = os.urandom(32), os.urandom(16)
            code = pairing.short_code(key, bytes.fromhex(request["nonce"]), nonce)
            return [{**base, "code": code, "nonce": nonce.hex()}, {**base, "key": key.hex()}]
        if op == "add":
            return [{**base, "ready": True}]
        return []

    def read_until(self, expected=b"\n", size=None):
        return (json.dumps(self.replies.pop(0)) + "\n").encode() if self.replies else b""

    def requests(self):
        return [json.loads(line) for line in bytes(self.written).splitlines() if line]


def run(board, connection, *args, input=None):
    given = {"connect": lambda port: connection, "clock": HostClock(board.utc, board.step)}
    result = CliRunner().invoke(main, list(args), obj=given, input=input)
    hands_off(board)
    return result


def sent_a_secret(connection):
    """Did this computer send an account, or so much as announce one?"""
    requests = connection.requests()
    return any(r.get("op") in ("add", "item") for r in requests) or SECRET.hex() in bytes(
        connection.written
    ).decode(errors="replace")


def device_id(board):
    return Token(board.connect()).info()["device_id"]


def test_the_code_on_the_token_is_the_code_printed_here(board):
    connection = Recording(board, press="B")
    result = run(board, connection, "pair", input="y\n")
    assert result.exit_code == 0, result.output
    printed = PRINTED_CODE.search(result.output).group(1)
    assert connection.oled_codes == [printed]
    # One key, for this token's id, in a file only its owner reads; never printed.
    path = pairing.default_path()
    assert path.stat().st_mode & 0o777 == 0o600
    stored = json.loads(path.read_text())["tokens"]
    assert list(stored) == [device_id(board)]
    assert stored[device_id(board)]["key"] not in result.output


def test_after_pairing_an_add_proves_the_token_and_asks_nothing_more(paired, board):
    connection = Recording(board)
    board.press_later("B", after=1.0)
    result = run(board, connection, "add", "-", input=URI + "\n")
    assert result.exit_code == 0, result.output
    assert "Pairing code" not in result.output and "WARNING" not in result.output
    ops = [r.get("op") for r in connection.requests()]
    assert ops.index("prove") < ops.index("add")  # proved before anything secret went out
    assert len(Token(board.connect()).accounts()) == 4


@pytest.mark.parametrize("press", [None, "A"], ids=["nobody-answers", "refused"])
def test_an_unpaired_token_gets_no_secret_without_the_yes_on_it(board, press):
    connection = Recording(board, press=press)
    result = run(board, connection, "add", URI, input="y\n")
    assert result.exit_code != 0
    assert "not paired with token" in result.output or "has not paired" in result.output
    assert not sent_a_secret(connection)
    assert len(Token(board.connect()).accounts()) == 3
    assert not pairing.default_path().exists()


def test_a_yes_on_the_token_without_a_yes_here_pairs_nothing(board):
    connection = Recording(board, press="B")
    result = run(board, connection, "add", "-", input=URI + "\n")  # no answer left for the prompt
    assert result.exit_code != 0 and "nothing was sent" in result.output
    assert not sent_a_secret(connection)
    assert pairing.Pairings().key(device_id(board)) is None


def test_a_fake_that_pairs_by_itself_gets_nothing_without_the_users_yes(board):
    fake = FakeToken("0123456789abcdef")
    result = run(board, fake, "add", "-", input=URI + "\n")
    assert result.exit_code != 0
    assert "has not paired with token 0123456789abcdef" in result.output
    assert not sent_a_secret(fake)


@pytest.mark.parametrize("proof", ["00" * 32, None, "not hex"], ids=["wrong", "error", "junk"])
def test_a_fake_claiming_a_paired_tokens_id_gets_nothing_and_a_warning(paired, board, proof):
    fake = FakeToken(device_id(board), proof)
    result = run(board, fake, "add", "-", input=URI + "\n")
    assert result.exit_code != 0
    assert "WARNING" in result.output and "smartkey pair" in result.output
    assert not sent_a_secret(fake)
    assert [r["op"] for r in fake.requests()] == ["info", "prove"]


def test_a_wiped_token_is_no_longer_paired(paired, board):
    board.press_later("B", after=1.0, seconds=1.0)  # held: a wipe
    Token(board.connect()).wipe()
    set_up(board, "24681357")
    hands_off(board)
    connection = Recording(board, press="B")
    result = run(board, connection, "add", "-", input=URI + "\n")
    assert result.exit_code != 0
    assert "WARNING" in result.output and "wiped" in result.output
    assert not sent_a_secret(connection)
    assert connection.oled_codes == []  # no pairing offered in the middle of an add
    # Pairing again is a deliberate step, and then the token gets the account.
    pair_board(board)
    board.press_later("B", after=1.0)
    assert run(board, Recording(board), "add", "-", input=URI + "\n").exit_code == 0


def test_a_pairing_survives_a_power_cycle(paired, board):
    from board_helpers import unlock

    board.power_cycle()
    unlock(board)
    hands_off(board)
    board.press_later("B", after=1.0)
    result = run(board, Recording(board), "add", "-", input=URI + "\n")
    assert result.exit_code == 0, result.output
    assert "Pairing code" not in result.output


def test_pair_again_on_a_paired_token_says_so_and_asks_nothing(paired, board):
    connection = Recording(board)
    result = run(board, connection, "pair")
    assert result.exit_code == 0 and "Already paired" in result.output
    assert "pair" not in [r.get("op") for r in connection.requests()]


def test_the_token_does_not_show_a_code_over_buttons_in_use(board):
    board.hold("B", 1.0)  # the menu is open: a local flow
    connection = Recording(board)
    with pytest.raises(DeviceError) as error:
        Token(connection).pair(os.urandom(16), os.urandom(16), lambda code: None)
    assert error.value.code == "busy"
    assert connection.oled_codes == []


def test_a_locked_token_neither_pairs_nor_proves(board):
    board.hold("B", 1.0)
    board.press("B")  # menu: lock now
    hands_off(board)
    token = Token(board.connect())
    for op in ("pair", "prove"):
        with pytest.raises(DeviceError, match="unlock"):
            token.request(op, host="00" * 16, nonce="00" * 16, challenge="00" * 32)


def paired_line(board, connection=None):
    """What `smartkey info` says of this computer's pairing with the token."""
    result = run(board, connection or board.connect(), "info")
    assert result.exit_code == 0, result.output
    rows = [line.split(None, 1) for line in result.output.splitlines() if line.strip()]
    return next(value.strip() for name, value in rows if name == "paired")


def test_info_says_an_unpaired_token_is_not_paired(board):
    assert paired_line(board) == "no: `smartkey pair` pairs it"


def test_info_says_a_paired_token_proved_it(paired, board):
    connection = Recording(board)
    assert paired_line(board, connection) == "yes: the token proved it"
    # The token proved it just now, under this computer's key (which never went out).
    assert [r.get("op") for r in connection.requests()] == ["info", "prove"]
    key = pairing.Pairings().key(device_id(board))
    assert key is not None and key.hex() not in bytes(connection.written).decode()


def test_info_on_a_locked_paired_token_checks_nothing(paired, board):
    board.hold("B", 1.0)
    board.press("B")  # menu: lock now
    hands_off(board)
    assert paired_line(board) == "paired (not checked: token locked)"


def test_info_says_a_wiped_token_has_changed(paired, board):
    board.press_later("B", after=1.0, seconds=1.0)  # held: a wipe
    Token(board.connect()).wipe()
    set_up(board, "24681357")
    hands_off(board)
    assert paired_line(board).startswith("CHANGED: the token cannot prove it is the one paired")
    pair_board(board)
    assert paired_line(board) == "yes: the token proved it"


@pytest.mark.parametrize(
    "content",
    [
        b'{"host": "00112233445566778899aabbccddeeff", "tokens": {"0011223344556677": {"paired": 1',
        b'{"host": null, "tokens": {"0011223344556677": {"paired": 1}}}',
        b'{"host": null, "tokens": {"0011223344556677": {"key": "not hex"}}}',
        b'["a list"]',
        b"\xff\xfe binary",
    ],
    ids=["cut-short", "no-key", "bad-key", "not-a-table", "not-text"],
)
def test_a_damaged_pairings_file_is_one_clear_error_and_stays_as_it_was(paired, board, content):
    # The file holds the only proof of which tokens this computer met: it is never overwritten
    # with an empty one, and nothing goes to the token meanwhile.
    path = pairing.default_path()
    path.write_bytes(content)
    for args, given in ((["add", "-"], URI + "\n"), (["pair"], "y\n"), (["info"], None)):
        connection = Recording(board, press="B")
        result = run(board, connection, *args, input=given)
        assert result.exit_code == 1, result.output
        assert f"the pairings file {path} is damaged" in " ".join(result.output.split())
        assert "Traceback" not in result.output and not sent_a_secret(connection)
        assert path.read_bytes() == content
