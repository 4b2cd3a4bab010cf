"""The vault's key derivation: PBKDF2-HMAC-SHA1 against RFC 6070 and CPython's hashlib."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartkey_fw import kdf

# RFC 6070 section 2, the 20-byte outputs (the vault uses the first block only).
RFC6070 = [
    (b"password", b"salt", 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
    (b"password", b"salt", 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
    (b"password", b"salt", 4096, "4b007901b765489abead49d926f721d065a429c1"),
    (
        b"passwordPASSWORDpassword",
        b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
        4096,
        "3d2eec4fe41c849b80c8d83662c0e44a8b291a96",
    ),
]


@pytest.mark.parametrize(("password", "salt", "iterations", "expected"), RFC6070)
def test_rfc6070_vectors(password, salt, iterations, expected):
    assert kdf.pbkdf2_sha1(password, salt, iterations).hex() == expected


@given(
    password=st.binary(max_size=80),
    salt=st.binary(max_size=40),
    iterations=st.integers(min_value=1, max_value=40),
)
def test_matches_hashlib(password, salt, iterations):
    expected = hashlib.pbkdf2_hmac("sha1", password, salt, iterations, 20)
    assert kdf.pbkdf2_sha1(password, salt, iterations) == expected


def test_leading_zero_bytes_are_kept():
    # The running XOR is an integer; a result whose first byte is zero must still be 20 bytes.
    found = next(
        salt
        for salt in (i.to_bytes(2, "big") for i in range(65536))
        if hashlib.pbkdf2_hmac("sha1", b"pin", salt, 3, 20)[0] == 0
    )
    assert kdf.pbkdf2_sha1(b"pin", found, 3) == hashlib.pbkdf2_hmac("sha1", b"pin", found, 3, 20)


def test_zero_iterations_are_refused():
    with pytest.raises(ValueError, match="iterations"):
        kdf.pbkdf2_sha1(b"pin", b"salt", 0)
