"""Provisioning a virtual board through the protocol: confirmations, atomic batches, errors."""

import base64
import json

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board_helpers import hands_off
from oled_text import code_on_screen, pyotp_view
from smartkey.account import Account
from smartkey.device import DeviceError, Token, check_value
from smartkey_fw import ops

GITHUB = Account(secret=b"github secret 12345!", issuer="GitHub", name="octocat")
MAIL = Account(secret=b"mail-secret-0987", issuer="Mail", name="me@example.com", digits=8)


def labels(token):
    return [entry.label for entry in token.accounts()]


def test_info_says_what_the_token_is_and_never_a_secret(board):
    info = Token(board.connect()).info()
    assert info["protocol"] == 1 and info["profile"] == "pico" and not info["locked"]
    assert info["accounts"] == 3 and info["capacity"] == 250
    # A stable id that is not the chip id (which salts the vault's key).
    assert len(info["device_id"]) == 16 and board.state.uid.hex() not in json.dumps(info)
    assert abs(info["clock"] - board.utc()) <= 1


def test_add_after_confirmation_then_the_code_on_the_oled_is_pyotps(board):
    token = Token(board.connect())
    board.press_later("B", after=1.0)
    assert token.add([GITHUB, MAIL]) == 5
    assert labels(token)[-2:] == ["GitHub: octocat", "Mail: me@example.com"]
    board.press("A")  # from the first account back to the last one: Mail
    totp = pyotp.TOTP(base64.b32encode(MAIL.secret).decode(), digits=8)
    assert code_on_screen(board) == pyotp_view(board, totp)


def test_the_listing_has_no_secrets_and_check_values_match(board):
    connection = board.connect()
    token = Token(connection)
    board.press_later("B", after=1.0)
    token.add([GITHUB])
    connection.reset_input_buffer()
    token.accounts()
    assert token.check(3) == check_value(GITHUB.secret)
    raw = json.dumps([vars(entry) for entry in token.accounts()])
    assert "secret" not in raw and GITHUB.secret.hex() not in raw


def test_a_refusal_on_the_token_changes_nothing(board):
    token = Token(board.connect())
    board.press_later("A", after=1.0)
    with pytest.raises(DeviceError, match="refused"):
        token.add([GITHUB])
    assert len(labels(token)) == 3


def test_nobody_confirming_changes_nothing(board):
    token = Token(board.connect())
    with pytest.raises(DeviceError) as error:
        token.add([GITHUB])
    assert error.value.code in ("timeout", "no-answer")
    board.step(5.0)
    assert len(labels(token)) == 3


def test_a_locked_token_refuses_changes(board):
    board.hold("B", 1.0)
    board.press("B")  # menu: lock now
    token = Token(board.connect())
    assert token.info()["locked"]
    with pytest.raises(DeviceError, match="unlock"):
        token.add([GITHUB])
    with pytest.raises(DeviceError, match="unlock"):
        token.accounts()


def test_a_batch_cut_by_a_disconnect_changes_nothing(board):
    connection = board.connect()
    token = Token(connection)
    before = {p.name: p.read_bytes() for p in board.drive.glob("vault.*")}
    board.press_later("B", after=1.0)
    token._send({"v": 1, "id": 99, "op": "add", "count": 3, "names": ["one"], "more": True})
    token._receive(99, 5.0)
    token._send({"v": 1, "op": "item", "account": {"secret": "00ff", "name": "one"}})
    connection.close()  # unplugged after one of three items
    board.step(8.0)
    after = {p.name: p.read_bytes() for p in board.drive.glob("vault.*") if p.name != "vault.new"}
    assert after == before
    assert labels(Token(board.connect())) == [
        "Demo: alice@example.com",
        "Demo SHA-256: bob@example.com",
        "Steam: demo",
    ]


def test_a_bad_item_aborts_the_whole_batch(board):
    token = Token(board.connect())
    board.press_later("B", after=1.0)
    token._send({"v": 1, "id": 7, "op": "add", "count": 2, "names": ["fine"], "more": True})
    token._receive(7, 5.0)
    token._send({"v": 1, "op": "item", "account": {"secret": "00ff", "name": "fine"}})
    token._send({"v": 1, "op": "item", "account": {"secret": "zz", "name": "broken"}})
    with pytest.raises(DeviceError, match="item 2: secret"):
        token._receive(7, 5.0)
    assert len(labels(token)) == 3


def test_rename_remove_reorder_each_after_a_yes(board):
    token = Token(board.connect())
    board.press_later("B", after=1.0)
    token.rename(0, "Example", "alice")
    board.step(2.1)  # a question right after a press is refused as busy
    board.press_later("B", after=1.0)
    token.reorder([2, 0, 1])
    board.step(2.1)
    board.press_later("B", after=1.0, seconds=1.0)  # what cannot be undone takes a held B
    token.remove(2)
    assert labels(token) == ["Steam: demo", "Example: alice"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"not json\n", "bad-frame"),
        (b"[1, 2]\n", "bad-frame"),
        (b'{"v": 2, "id": 1, "op": "info"}\n', "version"),
        (b'{"v": 1, "id": 1, "op": "explode"}\n', "unknown-op"),
        (b'{"v": 1, "id": 1, "op": "check", "index": 99}\n', "no-account"),
        (b'{"v": 1, "id": 1, "op": "list", "start": -1}\n', "bad-request"),
        (b'{"v": 1, "id": 1, "op": "add"}\n', "bad-request"),
        (b'{"v": 1, "id": 1, "op": "item", "account": {}}\n', "no-batch"),
        (b"x" * 3000 + b"\n", "too-long"),
        (b'{"v": 1, "id": 1, "op": "info"', "timeout"),  # half a frame, never finished
    ],
)
def test_bad_frames_get_a_clear_error_and_the_token_carries_on(board, frame, code):
    connection = board.connect()
    connection.write(frame)
    board.step(3.0)
    reply = json.loads(connection.read_until(b"\n"))
    assert reply["ok"] is False and reply["error"] == code
    assert Token(connection).info()["accounts"] == 3


# Every operation of the firmware's table, so a new one is fuzzed from the day it is added.
OPS = [*ops.OPS, "nonsense"]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
HEX = st.binary(min_size=0, max_size=70).map(bytes.hex)  # pairing's fields, some of valid size
REQUESTS = st.fixed_dictionaries(
    {"v": st.sampled_from([1, 1, 1, 2, "1", None]), "op": st.sampled_from(OPS)},
    optional={"id": JSON_VALUES, "index": JSON_VALUES, "start": JSON_VALUES, "count": JSON_VALUES,
              "order": JSON_VALUES, "account": JSON_VALUES, "utc": JSON_VALUES,
              "host": HEX | JSON_VALUES, "nonce": HEX | JSON_VALUES, "challenge": HEX},
)  # fmt: skip
FRAMES = st.lists(
    st.one_of(
        REQUESTS.map(lambda r: json.dumps(r).encode()),
        st.binary(max_size=300).map(lambda b: b.replace(b"\n", b"")),
    ),
    max_size=6,
)


def _never_crashes_nor_changes(board, frames):
    # Someone at the token now and then: only presses keep it from locking itself, and the
    # examples share one board for longer than the 5 min of SMARTKEY_AUTOLOCK.
    board.press("A")
    hands_off(board)
    connection = board.connect()
    before = {p.name: p.read_bytes() for p in board.drive.glob("vault.*")}
    for frame in frames:
        connection.write(frame + b"\n")
    board.step(0.2)
    connection.reset_input_buffer()
    # Nobody is at the token: each question it asks waits 30 s for an answer, then gives up.
    assert Token(connection).request("info", timeout=35.0 * len(frames) + 5)["accounts"] == 3
    assert {p.name: p.read_bytes() for p in board.drive.glob("vault.*")} == before


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=FRAMES)
def test_random_frames_never_crash_the_token_or_change_the_vault(board, frames):
    _never_crashes_nor_changes(board, frames)


LONG_RUN_FRAMES = 100_000
_long_run_sent = [0]


@pytest.fixture(scope="module")
def long_run_report():
    yield _long_run_sent
    print(f"\nlong protocol fuzz: {_long_run_sent[0]} frames sent")


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=FRAMES)
def test_random_frames_never_crash_the_token_long(board, long_run_report, frames):
    # The long profile's examples stop sending once the token has taken LONG_RUN_FRAMES frames
    # (run with -s to see the count).
    if long_run_report[0] >= LONG_RUN_FRAMES:
        return
    _never_crashes_nor_changes(board, frames)
    long_run_report[0] += len(frames)


def test_wipe_after_a_yes_returns_to_first_boot(board):
    token = Token(board.connect())
    board.press_later("B", after=1.0, seconds=1.0)  # held: a short B does not erase
    token.wipe()
    assert not any(board.drive.glob("vault.*"))
    assert token.info()["state"] == "empty"


class ScriptedPort:
    """A serial port whose token answers with the given lines, whatever is asked."""

    def __init__(self, *lines):
        self.timeout = 1.0
        self.lines = [json.dumps(line).encode() + b"\n" for line in lines]

    def write(self, data):
        return len(data)

    def read_until(self, expected=b"\n", size=None):
        return self.lines.pop(0) if self.lines else b""


def test_a_reply_of_the_wrong_shape_is_no_answer():
    # A JSON line that is no object, and a reply to another request, are skipped; then a key
    # check value that is not text is refused rather than handed on.
    port = ScriptedPort(
        [1], {"v": 1, "id": 9, "ok": True, "kcv": "00"}, {"id": 1, "ok": True, "kcv": 7}
    )
    with pytest.raises(DeviceError) as error:
        Token(port).check(0)
    assert error.value.code == "bad-reply"
    assert (
        Token(ScriptedPort({"v": 1, "id": 1, "ok": True, "kcv": "a1b2c3d4"})).check(0) == "a1b2c3d4"
    )


ENTRY = {"index": 0, "issuer": "A", "name": "b", "type": "totp", "algorithm": "sha1",
         "digits": 6, "period": 30}  # fmt: skip


@pytest.mark.parametrize(
    "reply",
    [
        {"total": 1},  # no accounts
        {"total": 1, "accounts": [{"index": 0, "issuer": "A"}]},  # an account cut short
        {"total": 1, "accounts": [7]},
        {"total": "1", "accounts": [ENTRY]},
        {"total": 1, "accounts": [{**ENTRY, "index": "0"}]},
    ],
)
def test_a_listing_of_the_wrong_shape_is_the_tokens_fault_not_a_host_bug(reply):
    # A KeyError or TypeError here would read as a bug of smartkey, not of the token's reply.
    port = ScriptedPort({"v": 1, "id": 1, "ok": True, "start": 0, **reply})
    with pytest.raises(DeviceError) as error:
        Token(port).accounts()
    assert error.value.code == "bad-reply"


class EndlessListing:
    """A device that answers ``list`` with one more account and a total it never reaches."""

    def __init__(self):
        self.timeout = 1.0
        self.pending = []
        self.pages = 0

    def write(self, data):
        request = json.loads(data)
        self.pages += 1
        # (It tires after 300 pages, so a tool that follows it fails this test, not hangs.)
        page = [{**ENTRY, "index": request["start"]}] if self.pages <= 300 else []
        self.pending.append({"v": 1, "id": request["id"], "ok": True, "total": 10**9,
                             "accounts": page})  # fmt: skip
        return len(data)

    def read_until(self, expected=b"\n", size=None):
        return json.dumps(self.pending.pop(0)).encode() + b"\n" if self.pending else b""


def test_a_listing_that_claims_more_accounts_than_a_token_holds_ends_at_once():
    port = EndlessListing()
    with pytest.raises(DeviceError) as error:
        Token(port).accounts()
    assert error.value.code == "bad-reply" and port.pages == 1


def test_the_token_lists_every_steam_account_as_5_characters_of_30_seconds(board):
    # The demo's Steam account is made without digits; an added one says 6 digits and 15 s.
    token = Token(board.connect())
    odd = Account(secret=b"steam secret 123", issuer="Steam", name="odd", type="steam")
    odd.digits, odd.period = 6, 15
    board.press_later("B", after=1.0)
    token.add([odd])
    steam = [entry for entry in token.accounts() if entry.type == "steam"]
    assert [(entry.digits, entry.period) for entry in steam] == [(5, 30), (5, 30)]
