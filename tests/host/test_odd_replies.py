"""A token that answers oddly (a faulty one, or a hostile device with a token's USB ids) gets one
clear line from every command that talks to it, never a traceback, and never a secret.

A reply of the wrong shape is the token's fault, not a bug of this program: each command runs
against a port whose token answers every request with a JSON value drawn at random (an object
carrying the request's id, so that it is taken as the answer, or one without it, or no object
at all), and must end with a one-line error that names the token (or succeed, where the answer
happened to be well formed).
"""

import json
import string

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartkey._cli import main
from smartkey.clock import HostClock

SECRET_HEX = b"odd replies secret".hex()
URI = "otpauth://totp/Example:me?secret=N5SGIIDSMVYGY2LFOMQHGZLDOJSXI&issuer=Example"

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def mostly(usual: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` four times in five, else ``rare``."""
    return st.integers(0, 4).flatmap(lambda pick: usual if pick else rare)


HEX = st.text("0123456789abcdef", max_size=70)
UTC = st.integers(0, 2**33)
# Values a token might plausibly send, so that answers get past the first field read and reach
# the later ones: ids, clocks, codes, keys, listings and self-test results of the right types.
RESULT = st.fixed_dictionaries(
    {"name": st.text(max_size=8), "ok": st.booleans(), "detail": st.text(max_size=12)}
)
ENTRY = st.fixed_dictionaries(
    {
        "index": st.integers(0, 3),
        "issuer": st.text(max_size=50),
        "name": st.text(max_size=70),
        "type": st.sampled_from(["totp", "hotp", "steam"]) | st.text(max_size=5),
        "algorithm": st.sampled_from(["SHA1", "sha256"]) | st.text(max_size=5),
        "digits": st.integers(-1, 12),
        "period": st.integers(-1, 90),
    }
)
PLAUSIBLE = {
    "device_id": st.text("0123456789abcdef", min_size=1, max_size=16),
    "locked": st.booleans(),
    "state": st.sampled_from(["empty", "locked", "unlocked", "damaged", "rolled-back"]),
    "keyboard": st.text(max_size=8),
    "suffix": st.text(max_size=8),
    "results": st.lists(mostly(RESULT, JSON), max_size=3),
    "secure_element": st.sampled_from(["absent", "ready", "in-use"]) | JSON,
    "raw": st.integers() | UTC,
    "clock": st.integers() | UTC,
    "clock_status": st.sampled_from(["ok", "not-set", "missing"]) | st.text(max_size=10),
    "synced": st.none() | st.integers() | UTC,
    "aging": st.integers(-130, 130),
    "correction": st.integers(-40_000, 40_000),
    "accounts": st.lists(mostly(ENTRY, JSON), max_size=3) | st.integers(),
    "total": st.integers(-1, 3),
    "kcv": HEX,
    "code": st.text(string.digits, min_size=6, max_size=6) | st.text(max_size=8),
    "nonce": HEX,
    "key": HEX,
    "proof": HEX,
    "error": st.sampled_from(["busy", "locked", "no-answer", "refused"]) | JSON,
    "message": JSON,
}
# The type each of those has in a well-formed reply: a field drawn "wrong" has any other.
RIGHT = {
    "device_id": str, "locked": bool, "state": str, "secure_element": str, "keyboard": str,
    "suffix": str,
    "results": list, "raw": int, "clock": int, "clock_status": str, "synced": int,
    "aging": int, "correction": int, "accounts": list, "total": int, "kcv": str, "code": str,
    "nonce": str, "key": str, "proof": str,
}  # fmt: skip


def replies(wrong: bool) -> st.SearchStrategy:
    """A token's answer: any JSON value, or an object with ``ok`` and the fields a host reads.
    ``wrong``: each field there or not, of a type it never has in a well-formed reply; else
    each field there, plausible or of any type, so that commands get far into their work."""
    if wrong:
        fields = {
            key: JSON.filter(lambda value, kind=RIGHT[key]: type(value) is not kind)
            if key in RIGHT
            else values
            for key, values in PLAUSIBLE.items()
        }
        return JSON | st.fixed_dictionaries({"ok": st.just(True) | JSON}, optional=fields)
    # Mostly plausible and a success, so that a command goes on to read the next field.
    fields = {key: mostly(values, JSON) for key, values in PLAUSIBLE.items()}
    ok = mostly(st.sampled_from([True, True, True, False]), JSON)
    return mostly(st.fixed_dictionaries({"ok": ok, **fields}), JSON)


class RandomToken:
    """A serial port whose token answers each request with a few lines drawn by hypothesis,
    then falls silent; it keeps every frame this computer sent."""

    LINES_PER_REQUEST = 3

    def __init__(self, data, wrong):
        self.data = data
        self.answers = replies(wrong)
        self.timeout = 1.0
        self.sent = []
        self.request_id = None
        self.left = 0

    def write(self, frame):
        self.sent.append(frame)
        self.request_id = json.loads(frame).get("id", self.request_id)
        self.left = self.LINES_PER_REQUEST
        return len(frame)

    def read_until(self, expected=b"\n", size=None):
        if expected != b"\n" or not self.left:
            return b""  # a pause between requests, or the token has nothing more to say
        self.left -= 1
        reply = self.data.draw(self.answers, label="reply")
        if isinstance(reply, dict) and self.data.draw(st.integers(0, 3), label="answers it"):
            reply["id"] = self.request_id
        return json.dumps(reply).encode() + b"\n"


class Clock:
    """The computer's clock, moved only by the program's own waits."""

    def __init__(self):
        self.utc = 1_800_000_000.25

    def now(self):
        return self.utc

    def sleep(self, seconds):
        self.utc += max(seconds, 0.0)


# Every command that talks to the token, with what the user types; True: it reads something
# from a reply before it can succeed, so a reply of the wrong shape always ends it with an error.
COMMANDS = [
    (["info"], None, True),
    (["list"], None, True),
    (["time"], None, True),
    (["time", "sync"], None, True),
    (["time", "trim", "--reset"], None, False),
    (["config"], None, True),
    (["config", "--keyboard", "de", "--after", "enter"], None, True),
    (["selftest"], None, True),
    (["add", "-"], URI + "\ny\n", True),
    (["import", "{uris}"], "y\n", True),
    (["verify"], None, True),
    (["verify", "{uris}"], None, True),
    (["restore", "{uris}"], "y\n", True),
    (["rename", "0", "--name", "new"], None, True),
    (["remove", "0"], None, True),
    (["wipe", "--yes"], None, False),
    (["pair"], "y\n", True),
]


@pytest.fixture
def uris(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "accounts.txt"
    secret = "N5SGIIDSMVYGY2LFOMQHGZLDOJSXI"  # base32 of b"odd replies secret"
    path.write_text(f"otpauth://totp/Mail:me?secret={secret}&issuer=Mail\n")
    return path


@pytest.fixture(autouse=True)
def _clock_history_here(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.parametrize("wrong", [True, False], ids=["wrong-fields", "any-fields"])
@pytest.mark.parametrize("args, typed, reads", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_odd_answer_is_one_line_naming_the_token_never_a_traceback_or_a_secret(
    args, typed, reads, wrong, uris, data
):
    port = RandomToken(data, wrong)
    clock = Clock()
    given_obj = {"connect": lambda name: port, "clock": HostClock(clock.now, clock.sleep)}
    argv = [arg.format(uris=uris) for arg in args]
    result = CliRunner().invoke(main, argv, obj=given_obj, input=typed)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{' '.join(argv)} ended in a traceback:\n{result.output}"
    )
    assert result.exit_code in (0, 1), result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    if result.exit_code:
        assert errors == [result.output.splitlines()[-1]], result.output
        assert "token" in errors[0], result.output
    else:
        assert not errors and not (wrong and reads), result.output
    sent = b"".join(port.sent)
    assert SECRET_HEX.encode() not in sent and b'"item"' not in sent
