"""The firmware's own SHA-1, SHA-256 and SHA-512 against the FIPS 180 examples and CPython's
hashlib, and HMAC built on them through ``smartkey_fw.otp`` against RFC 2202 and RFC 4231."""

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartkey_fw import otp
from smartkey_fw.sha1 import sha1
from smartkey_fw.sha256 import sha256
from smartkey_fw.sha512 import sha512

HASHES = [sha1, sha256, sha512]
by_name = pytest.mark.parametrize("cls", HASHES, ids=lambda cls: cls.name)

MSG_448 = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
MSG_896 = (
    b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
    b"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
)
# FIPS 180-2 appendices and the NIST example computations.
FIPS_180 = {
    "abc": (
        b"abc",
        {
            "sha1": "a9993e364706816aba3e25717850c26c9cd0d89d",
            "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha512": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        },
    ),
    "448-bit": (
        MSG_448,
        {
            "sha1": "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            "sha256": "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            "sha512": "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
            "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
        },
    ),
    "896-bit": (
        MSG_896,
        {
            "sha1": "a49b2446a02c645bf419f995b67091253a04a259",
            "sha256": "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
            "sha512": "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
            "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
        },
    ),
}
MILLION_A = {
    "sha1": "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
    "sha256": "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    "sha512": "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
    "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
}
# Lengths around the padding edges: the 0x80 byte and the length field still fit in the last
# block (55, 111), or spill into one more (56, 112), or the message ends a block (64, 128).
EDGES = [55, 56, 57, 63, 64, 65, 111, 112, 113, 127, 128, 129]


def _message(n, seed=0):
    return random.Random(n * 1000 + seed).randbytes(n)


def _expected(cls, data):
    return hashlib.new(cls.name, data).digest()


@by_name
@pytest.mark.parametrize("example", FIPS_180)
def test_fips_180_examples(cls, example):
    message, digests = FIPS_180[example]
    assert cls(message).hexdigest() == digests[cls.name]


@by_name
def test_a_million_a_fed_in_uneven_pieces(cls):
    h = cls()
    piece = b"a" * 1000  # not a multiple of either block size
    for _ in range(1000):
        h.update(piece)
    assert h.hexdigest() == MILLION_A[cls.name]


@by_name
def test_every_length_up_to_300_matches_hashlib(cls):
    data = _message(300)
    for n in range(301):
        assert cls(data[:n]).digest() == _expected(cls, data[:n]), n


@by_name
@pytest.mark.parametrize("n", [1000, 4097, 10_000])
def test_long_messages_match_hashlib(cls, n):
    data = _message(n)
    assert cls(data).digest() == _expected(cls, data)


@by_name
@pytest.mark.parametrize("n", EDGES)
def test_every_two_piece_split_at_the_padding_edges(cls, n):
    data = _message(n)
    expected = _expected(cls, data)
    for cut in range(n + 1):
        h = cls(data[:cut])
        h.update(data[cut:])
        assert h.digest() == expected, cut


@by_name
def test_bytes_bytearray_and_memoryview_hash_alike(cls):
    data = _message(200)
    padded = memoryview(b"xyz" + data + b"tail")
    expected = _expected(cls, data)
    assert cls(data).digest() == expected
    assert cls(bytearray(data)).digest() == expected
    assert cls(memoryview(data)).digest() == expected
    assert cls(padded[3:-4]).digest() == expected
    h = cls()
    h.update(bytearray(data[:70]))
    h.update(padded[3 + 70 : -4])
    assert h.digest() == expected


@by_name
@given(
    data=st.binary(max_size=700),
    cuts=st.lists(st.integers(min_value=0, max_value=700), max_size=8),
)
def test_any_split_and_any_intermediate_digest(cls, data, cuts):
    h = cls()
    start = 0
    for cut in sorted(min(c, len(data)) for c in cuts):
        h.update(data[start:cut])
        # digest() must not end the message: hashlib lets hashing go on after it.
        assert h.digest() == _expected(cls, data[:cut])
        start = cut
    h.update(data[start:])
    assert h.digest() == _expected(cls, data)


@by_name
def test_copy_is_independent(cls):
    prefix = _message(150)
    one, two = b"one" * 100, b"two" * 100  # each fills whole blocks, so both states move on
    h = cls(prefix)
    twin = h.copy()
    h.update(one)
    assert twin.digest() == _expected(cls, prefix)
    twin.update(two)
    assert h.digest() == _expected(cls, prefix + one)
    assert twin.digest() == _expected(cls, prefix + two)


@by_name
def test_interface_matches_hashlib(cls):
    reference = hashlib.new(cls.name)
    h = cls()
    assert (h.name, h.digest_size, h.block_size) == (
        reference.name,
        reference.digest_size,
        reference.block_size,
    )
    h.update(b"")
    assert h.hexdigest() == reference.hexdigest()
    assert isinstance(h.digest(), bytes)


@by_name
def test_text_is_refused(cls):
    with pytest.raises(TypeError):
        cls().update("abc")  # type: ignore[arg-type]


# ---- HMAC on the fallback, through otp.hmac ------------------------------------------------


@pytest.fixture
def fallback():
    """Forbid the native hashlib, so otp.hmac runs on the modules above."""
    otp.use_native(False)
    yield
    otp.use_native(True)


KEY_25 = bytes(range(1, 26))
RFC_2202_SHA1 = [
    (b"\x0b" * 20, b"Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
    (b"Jefe", b"what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
    (b"\xaa" * 20, b"\xdd" * 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
    (KEY_25, b"\xcd" * 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
    (b"\x0c" * 20, b"Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
    (
        b"\xaa" * 80,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "aa4ae5e15272d00e95705637ce8a3b55ed402112",
    ),
    (
        b"\xaa" * 80,
        b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
        "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
    ),
]

# (key, message, HMAC-SHA-256, HMAC-SHA-512); case 5 gives only the first 128 bits.
RFC_4231 = [
    (
        b"\x0b" * 20,
        b"Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
    ),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
    ),
    (
        b"\xaa" * 20,
        b"\xdd" * 50,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
        "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
    ),
    (
        KEY_25,
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
        "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
    ),
    (
        b"\x0c" * 20,
        b"Test With Truncation",
        "a3b6167473100ee06e0c796c2955552b",
        "415fad6271580a531d4179bc891d87a6",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
        "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data."
        b" The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
        "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
    ),
]
TRUNCATED_CASE = 5


@pytest.mark.usefixtures("fallback")
@pytest.mark.parametrize(
    ("key", "message", "mac"), RFC_2202_SHA1, ids=[str(i) for i in range(1, 8)]
)
def test_rfc2202_hmac_sha1(key, message, mac):
    assert otp.backend("sha1") == "python"
    assert otp.hmac(key, message, "sha1").hex() == mac


@pytest.mark.usefixtures("fallback")
@pytest.mark.parametrize("algorithm", ["sha256", "sha512"])
@pytest.mark.parametrize("case", range(1, 8))
def test_rfc4231_hmac_sha2(algorithm, case):
    key, message, mac_256, mac_512 = RFC_4231[case - 1]
    mac = mac_256 if algorithm == "sha256" else mac_512
    assert otp.backend(algorithm) == "python"
    result = otp.hmac(key, message, algorithm)
    assert len(result) == hashlib.new(algorithm).digest_size
    if case == TRUNCATED_CASE:
        assert len(mac) == 32
        result = result[:16]
    assert result.hex() == mac
