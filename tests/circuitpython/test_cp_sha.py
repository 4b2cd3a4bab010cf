"""The firmware's SHA-1, SHA-256 and SHA-512, and HMAC on them, on CircuitPython's core: their
arithmetic leans on big integers, which a 32-bit core keeps in small ints only up to 2**30."""

import hashlib
import hmac

from cp_runner import batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

cp = core_fixture()
NAMES = ("sha1", "sha256", "sha512")
BATCH = batched(5)
# Lengths around the padding edges of 64- and 128-byte blocks.
EDGES = [0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 113, 127, 128, 129, 1000]

# INPUT: {"messages": [[hex, repeat, [chunk sizes]]...],
#         "hmacs": [[algorithm, key hex, message hex]...]}
DIGESTS = """
from smartkey_fw import otp
from smartkey_fw.sha1 import sha1
from smartkey_fw.sha256 import sha256
from smartkey_fw.sha512 import sha512

otp.use_native(False)


def chunked(cls, data, sizes):
    h = cls()
    data = memoryview(data)  # slices without copies
    start = 0
    for size in sizes:
        h.update(data[start : start + size])
        start += size
    h.update(data[start:])
    copy = h.copy()
    copy.update(b"x")  # a copy goes its own way
    return h.hexdigest()


digests = []
for text, repeat, sizes in INPUT["messages"]:
    data = bytes.fromhex(text) * repeat
    digests.append([chunked(cls, data, sizes) for cls in (sha1, sha256, sha512)])
hmacs = [
    otp.hmac(bytes.fromhex(key), bytes.fromhex(message), name).hex()
    for name, key, message in INPUT["hmacs"]
]
done({"digests": digests, "hmacs": hmacs})
"""


def on_circuitpython(cp, messages, hmacs=()):
    """Digests of (data, chunk sizes) and HMACs of (algorithm, key, message), computed there;
    data may be (piece, times) for a long repetition."""
    inputs = {
        "messages": [
            [data.hex(), 1, sizes] if isinstance(data, bytes) else [data[0].hex(), data[1], sizes]
            for data, sizes in messages
        ],
        "hmacs": [[name, key.hex(), message.hex()] for name, key, message in hmacs],
    }
    return cp.run(DIGESTS, inputs)


def test_fips_180_examples_and_the_padding_edges(cp):
    messages = [
        (b"abc", []),
        (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", [3, 7]),
        ((b"a", 20_000), [1000] * 10),
        *[((bytes(range(256)) * 4)[:n], [1, 2]) for n in EDGES],
    ]
    got = on_circuitpython(cp, messages)["digests"]
    assert got[0] == [
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ]
    flat = [data if isinstance(data, bytes) else data[0] * data[1] for data, _ in messages]
    assert got == [[hashlib.new(name, data).hexdigest() for name in NAMES] for data in flat]


def test_hmac_rfc_2202_and_4231(cp):
    # RFC 2202 test case 6/7 and RFC 4231 test case 6/7: keys longer than a block are hashed.
    long_key = b"\xaa" * 131
    cases = [
        ("sha1", b"\x0b" * 20, b"Hi There"),
        ("sha1", b"Jefe", b"what do ya want for nothing?"),
        ("sha1", b"\xaa" * 80, b"Test Using Larger Than Block-Size Key - Hash Key First"),
        ("sha256", b"Jefe", b"what do ya want for nothing?"),
        ("sha256", long_key, b"Test Using Larger Than Block-Size Key - Hash Key First"),
        ("sha512", b"\x0b" * 20, b"Hi There"),
        ("sha512", long_key, b"This is a test using a larger than block-size key and a larger t"),
    ]
    got = on_circuitpython(cp, [], cases)["hmacs"]
    assert got == [hmac.new(key, msg, name).hexdigest() for name, key, msg in cases]
    # The RFCs' published values, so the reference itself is pinned down.
    assert got[0] == "b617318655057264e28bc0b6fb378c8ef146be00"
    assert got[3] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


@BATCH
@given(
    messages=st.lists(
        st.tuples(
            st.binary(max_size=700), st.lists(st.integers(min_value=0, max_value=150), max_size=6)
        ),
        min_size=40,
        max_size=40,
    ),
    hmacs=st.lists(
        st.tuples(st.sampled_from(NAMES), st.binary(max_size=300), st.binary(max_size=300)),
        min_size=40,
        max_size=40,
    ),
)
def test_any_message_in_any_chunks_matches_cpython(cp, messages, hmacs):
    got = on_circuitpython(cp, messages, hmacs)
    assert got["digests"] == [
        [hashlib.new(name, data).hexdigest() for name in NAMES] for data, _ in messages
    ]
    assert got["hmacs"] == [hmac.new(key, msg, name).hexdigest() for name, key, msg in hmacs]
