"""HOTP, TOTP, Steam and base32 on CircuitPython's core: the RFC and Steam vectors, then many
generated cases per run compared with pyotp and with the same code under CPython.

Every code is computed twice on the device side: on the native path (the core's C SHA-256 behind
the board's ``hashlib.new``; a board has SHA-1 too, the unix core does not) and on the firmware's
pure-Python SHAs, which is what a board without that hash in C runs.
"""

import base64
import csv

import pyotp
import pytest
from cp_runner import VECTORS, batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

from base32_cases import ACCEPTED, REJECTED
from smartkey_fw import otp

RFC_SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
STEAM_KEY = base64.b64decode("cnOgv/KdpLoP6Nbh0GMkXkPXALQ=")
PATHS = ("native", "python")
cp = core_fixture()
# One interpreter run per hypothesis example: each example is a batch of cases.
BATCH = batched(5)

# Runs every [function, args] case of INPUT["cases"] on both paths; bytes arrive as hex.
CODES = """
from smartkey_fw import otp

use_device_hashlib()
FUNCTIONS = {"hotp": otp.hotp, "totp": otp.totp, "steam": otp.steam, "b32decode": otp.b32decode}


def run(case):
    name, args = case
    if name != "b32decode":
        args = [bytes.fromhex(args[0])] + args[1:]
    result = attempt(FUNCTIONS[name], *args)
    if name == "b32decode" and result[0] == "ok":
        result[1] = result[1].hex()
    return result


out = {}
for path in ("native", "python"):
    otp.use_native(path == "native")
    out[path] = {
        "backends": [otp.backend(a) for a in ("sha1", "sha256", "sha512")],
        "results": [run(case) for case in INPUT["cases"]],
    }
done(out)
"""


def _tsv(name):
    with open(VECTORS / name, newline="") as f:
        rows = (line for line in f if not line.startswith("#"))
        return list(csv.DictReader(rows, delimiter="\t"))


def on_circuitpython(cp, cases):
    """{path: (backends, results)} for ``cases`` of (function, args...) with bytes keys."""
    encoded = [
        [name, [args[0].hex(), *args[1:]] if name != "b32decode" else list(args)]
        for name, *args in cases
    ]
    out = cp.run(CODES, {"cases": encoded})
    return {path: (out[path]["backends"], out[path]["results"]) for path in PATHS}


def codes(results):
    """The codes of a batch's results; a case that raised fails here with its message."""
    for result in results:
        assert result[0] == "ok", result
    return [result[1] for result in results]


# -- the vectors, in one run ----------------------------------------------------------------------
HOTP_ROWS = _tsv("rfc4226.tsv")
TOTP_ROWS = _tsv("rfc6238.tsv")
STEAM_ROWS = _tsv("steam.tsv")
VECTOR_CASES = (
    [("hotp", RFC_SEEDS["sha1"], int(row["counter"])) for row in HOTP_ROWS]
    + [
        (
            "totp",
            RFC_SEEDS[row["algorithm"].lower()],
            int(row["time"]),
            30,
            8,
            row["algorithm"].lower(),
        )
        for row in TOTP_ROWS
    ]
    + [("steam", STEAM_KEY, int(row["time"])) for row in STEAM_ROWS]
    + [("b32decode", text) for text, _ in ACCEPTED]
    + [("b32decode", text) for text in REJECTED]
)
EXPECTED = (
    [["ok", row["hotp"]] for row in HOTP_ROWS]
    + [["ok", row["totp"]] for row in TOTP_ROWS]
    + [["ok", row["code"]] for row in STEAM_ROWS]
    + [["ok", data.hex()] for _, data in ACCEPTED]
)


@pytest.fixture(scope="module")
def vector_results(cp):
    return on_circuitpython(cp, VECTOR_CASES)


@pytest.mark.parametrize("path", PATHS)
def test_the_vectors_come_out_right(vector_results, path):
    backends, results = vector_results[path]
    # The unix core's C hashes: SHA-256 only (a Pico's: SHA-1 too, from 10.1 SHA-256).
    expected_backends = ["python", "native", "python"] if path == "native" else ["python"] * 3
    assert backends == expected_backends
    assert results[: len(EXPECTED)] == EXPECTED


@pytest.mark.parametrize("path", PATHS)
def test_what_is_not_base32_is_refused(vector_results, path):
    rejected = vector_results[path][1][len(EXPECTED) :]
    assert len(rejected) == len(REJECTED)
    for text, result in zip(REJECTED, rejected, strict=True):
        assert result[:2] == ["error", "ValueError"] and "secret" in result[2], (text, result)


# -- properties: hypothesis makes the batches, pyotp and CPython check them ----------------------
KEYS = st.binary(min_size=14, max_size=200)  # pyotp refuses shorter keys
ALGORITHMS = st.sampled_from(sorted(RFC_SEEDS))


def _pyotp_key(key):
    return base64.b32encode(key).decode()


@BATCH
@given(
    st.lists(
        st.tuples(
            KEYS,
            st.integers(min_value=0, max_value=253_402_300_799),  # pyotp stops at year 9999
            st.integers(min_value=1, max_value=120),
            st.integers(min_value=6, max_value=8),
            ALGORITHMS,
        ),
        min_size=100,
        max_size=100,
    )
)
def test_totp_matches_pyotp(cp, cases):
    got = on_circuitpython(cp, [("totp", *case) for case in cases])
    expected = [
        pyotp.TOTP(_pyotp_key(key), digits=digits, interval=period, digest=algorithm).at(now)
        for key, now, period, digits, algorithm in cases
    ]
    for path in PATHS:
        assert codes(got[path][1]) == expected, path


@BATCH
@given(
    st.lists(
        st.tuples(KEYS, st.integers(min_value=0, max_value=2**64 - 1), ALGORITHMS),
        min_size=100,
        max_size=100,
    )
)
def test_hotp_matches_pyotp_up_to_the_largest_counter(cp, cases):
    # Counters past 2**30 are big integers on a 32-bit core: the truncation must not care.
    got = on_circuitpython(cp, [("hotp", key, counter, 6, alg) for key, counter, alg in cases])
    expected = [pyotp.HOTP(_pyotp_key(k), digest=alg).at(c) for k, c, alg in cases]
    for path in PATHS:
        assert codes(got[path][1]) == expected, path


@BATCH
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just("totp"),
                st.binary(min_size=1, max_size=300),
                st.integers(min_value=0, max_value=2**40),
                st.integers(min_value=1, max_value=3600),
                st.integers(min_value=6, max_value=8),
                ALGORITHMS,
            ),
            st.tuples(
                st.just("steam"),
                st.binary(min_size=1, max_size=80),
                st.integers(min_value=0, max_value=2**40),
            ),
        ),
        min_size=100,
        max_size=100,
    )
)
def test_short_keys_long_periods_and_steam_match_cpython(cp, cases):
    got = on_circuitpython(cp, cases)
    functions = {"totp": otp.totp, "steam": otp.steam}
    expected = [functions[name](*args) for name, *args in cases]
    for path in PATHS:
        assert codes(got[path][1]) == expected, path


@BATCH
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz =-1!", max_size=40),
            st.text(max_size=20),
            st.binary(min_size=1, max_size=40).map(lambda b: base64.b32encode(b).decode()),
        ),
        min_size=80,
        max_size=80,
    )
)
def test_base32_accepts_and_refuses_exactly_what_cpython_does(cp, texts):
    got = on_circuitpython(cp, [("b32decode", text) for text in texts])
    for text, result in zip(texts, got["python"][1], strict=True):
        try:
            expected = ["ok", otp.b32decode(text).hex()]
        except ValueError:
            assert result[:2] == ["error", "ValueError"], (text, result)
        else:
            assert result == expected, text


def test_invalid_arguments_name_the_field(cp):
    cases = [
        ("hotp", b"k", 0, 5),
        ("hotp", b"k", -1),
        ("hotp", b"k", 2**64),
        ("hotp", b"k", 0, 6, "md5"),
        ("totp", b"k", -1),
        ("totp", b"k", 0, 0),
        ("steam", b"k", 0, -30),
    ]
    fields = ["digits", "counter", "counter", "algorithm", "time", "period", "period"]
    results = on_circuitpython(cp, cases)["python"][1]
    for field, result in zip(fields, results, strict=True):
        assert result[:2] == ["error", "ValueError"] and field in result[2], result
