"""HOTP/TOTP/Steam codes and base32 secrets, against the RFC vectors and pyotp."""

import base64
import csv

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from base32_cases import ACCEPTED, REJECTED
from paths import VECTORS
from smartkey_fw import otp

RFC_SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890" * 6 + b"1234",
}
ALGORITHMS = sorted(RFC_SEEDS)


def _tsv(path):
    with open(path, newline="") as f:
        return list(
            csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        )


@pytest.fixture(params=["native", "python"])
def hash_path(request):
    """Every code test runs twice: on the interpreter's hashlib and on our own SHAs."""
    otp.use_native(request.param == "native")
    yield request.param
    otp.use_native(True)


@pytest.mark.parametrize("row", _tsv(VECTORS / "rfc4226.tsv"), ids=lambda r: r["counter"])
def test_rfc4226_hotp(row, hash_path):
    assert otp.hotp(RFC_SEEDS["sha1"], int(row["counter"])) == row["hotp"]


@pytest.mark.parametrize(
    "row", _tsv(VECTORS / "rfc6238.tsv"), ids=lambda r: r["time"] + r["algorithm"]
)
def test_rfc6238_totp(row, hash_path):
    algorithm = row["algorithm"].lower()
    code = otp.totp(RFC_SEEDS[algorithm], int(row["time"]), digits=8, algorithm=algorithm)
    assert code == row["totp"]
    assert otp.backend(algorithm) == hash_path


@pytest.mark.parametrize("row", _tsv(VECTORS / "steam.tsv"), ids=lambda r: r["time"])
def test_steam_known_answers(row, hash_path):
    key = base64.b64decode("cnOgv/KdpLoP6Nbh0GMkXkPXALQ=")
    assert otp.steam(key, int(row["time"])) == row["code"]


def test_codes_are_zero_padded_on_the_left():
    # RFC 6238's 1111111109/SHA1 code starts with a zero; counter search finds 6-digit ones too.
    assert otp.totp(RFC_SEEDS["sha1"], 1111111109, digits=8) == "07081804"
    key = b"zero-padding"
    padded = [otp.hotp(key, c) for c in range(2000) if otp.hotp(key, c).startswith("0")]
    assert padded and all(len(code) == 6 for code in padded)


def test_codes_change_at_the_period_boundary_only():
    key = RFC_SEEDS["sha1"]
    assert otp.totp(key, 60) == otp.totp(key, 89) != otp.totp(key, 90)
    assert otp.totp(key, 0, period=60) == otp.totp(key, 59, period=60)


# pyotp refuses keys under 112 bits and periods over 120 s; the fallback-vs-native test below
# covers the short keys and long periods that real accounts also use.
PYOTP_KEYS = st.binary(min_size=14, max_size=200)


@given(
    key=PYOTP_KEYS,
    now=st.integers(min_value=0, max_value=253_402_300_799),  # pyotp stops at year 9999
    algorithm=st.sampled_from(ALGORITHMS),
    digits=st.integers(min_value=6, max_value=8),
    period=st.integers(min_value=1, max_value=120),
)
def test_totp_matches_pyotp(key, now, algorithm, digits, period):
    reference = pyotp.TOTP(
        base64.b32encode(key).decode(), digits=digits, interval=period, digest=algorithm
    )
    assert otp.totp(key, now, period, digits, algorithm) == reference.at(now)


@given(
    key=PYOTP_KEYS,
    counter=st.integers(min_value=0, max_value=2**64 - 1),
    algorithm=st.sampled_from(ALGORITHMS),
)
def test_hotp_matches_pyotp_on_the_fallback(key, counter, algorithm):
    otp.use_native(False)
    try:
        code = otp.hotp(key, counter, 6, algorithm)
    finally:
        otp.use_native(True)
    assert code == pyotp.HOTP(base64.b32encode(key).decode(), digest=algorithm).at(counter)


@given(
    key=st.binary(min_size=1, max_size=300),
    now=st.integers(min_value=0, max_value=2**40),
    period=st.integers(min_value=1, max_value=3600),
    algorithm=st.sampled_from(ALGORITHMS),
)
def test_fallback_and_native_agree_on_any_key(key, now, period, algorithm):
    native = otp.totp(key, now, period, 8, algorithm)
    otp.use_native(False)
    try:
        assert otp.totp(key, now, period, 8, algorithm) == native
    finally:
        otp.use_native(True)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: otp.hotp(b"k", 0, digits=5), "digits"),
        (lambda: otp.hotp(b"k", 0, digits=9), "digits"),
        (lambda: otp.hotp(b"k", -1), "counter"),
        (lambda: otp.hotp(b"k", 2**64), "counter"),
        (lambda: otp.hotp(b"", 0), "key"),
        (lambda: otp.hotp("JBSWY3DP", 0), "key"),
        (lambda: otp.hotp(b"k", 0, algorithm="md5"), "algorithm"),
        (lambda: otp.totp(b"k", -1), "time"),
        (lambda: otp.totp(b"k", 1.5), "time"),
        (lambda: otp.totp(b"k", 0, period=0), "period"),
        (lambda: otp.steam(b"k", 0, period=-30), "period"),
        (lambda: otp.steam(b"", 0), "key"),
    ],
)
def test_invalid_arguments_name_the_field(call, field):
    with pytest.raises(ValueError, match=field):
        call()


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_b32decode_accepts_what_apps_write(text, expected):
    assert otp.b32decode(text) == expected


@pytest.mark.parametrize("text", REJECTED)
def test_b32decode_rejects_anything_else(text):
    with pytest.raises(ValueError, match="secret"):
        otp.b32decode(text)


@given(st.binary(min_size=1, max_size=64), st.booleans(), st.booleans())
def test_b32decode_round_trips_python_encoder(data, lower, strip_padding):
    text = base64.b32encode(data).decode()
    if lower:
        text = text.lower()
    if strip_padding:
        text = text.rstrip("=")
    assert otp.b32decode(text) == data


@given(st.text(max_size=40))
def test_b32decode_never_disagrees_with_a_strict_decoder(text):
    """Whatever we accept, a strict RFC 4648 decoder decodes to the same bytes."""
    try:
        ours = otp.b32decode(text)
    except ValueError:
        return
    cleaned = text.replace(" ", "").replace("-", "").upper().rstrip("=")
    assert ours == base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
