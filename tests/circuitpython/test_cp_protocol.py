"""The protocol's framing on CircuitPython's core: lines cut anywhere into USB reads, too long,
not JSON, left half-sent; each run's replies are compared with those of the same bytes fed to
the firmware on CPython."""

import json
import re

from cp_runner import batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

from smartkey_fw.protocol import MAX_FRAME, Protocol

cp = core_fixture()
BATCH = batched(4)
LOCKED = 1
SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")

FRAMES = """
from smartkey_fw.protocol import Protocol


class Serial:
    connected = True

    def __init__(self):
        self.incoming = b""
        self.out = []

    @property
    def in_waiting(self):
        return len(self.incoming)

    def read(self, n):
        data = self.incoming[:n]
        self.incoming = self.incoming[n:]
        return data

    def write(self, data):
        self.out.append(bytes(data).decode())
        return len(data)


class Vault:
    state = 1  # locked
    count = 0


class App:
    vault = Vault()

    def ms(self):
        return 0  # writes never come back short here: no retry waits on the clock


out = []
for reads in INPUT:
    serial = Serial()
    protocol = Protocol(serial, App())
    for chunk, now in reads:
        serial.incoming += bytes.fromhex(chunk)
        protocol.poll(now)
    out.append(serial.out)
done(out)
"""


class Serial:
    connected = True

    def __init__(self):
        self.incoming = b""
        self.out = []

    @property
    def in_waiting(self):
        return len(self.incoming)

    def read(self, n):
        data, self.incoming = self.incoming[:n], self.incoming[n:]
        return data

    def write(self, data):
        self.out.append(bytes(data).decode())
        return len(data)


class LockedVault:
    state = LOCKED
    count = 0


class App:
    vault = LockedVault()

    def ms(self):
        return 0


def on_cpython(reads):
    serial = Serial()
    protocol = Protocol(serial, App())
    for chunk, now in reads:
        serial.incoming += chunk
        protocol.poll(now)
    return serial.out


REQUESTS = st.fixed_dictionaries(
    {},
    optional={
        "v": st.sampled_from([1, 1, 1, 2, "1", None]),
        # Text that UTF-8 can carry, within the BMP: CircuitPython's json reads an escaped
        # surrogate (CPython's json.dumps writes an emoji as a pair of them) as invalid
        # characters and the reply echoes them.
        "id": st.one_of(
            st.integers(-(2**40), 2**40),
            st.text(st.characters(codec="utf-8", max_codepoint=0xFFFF), max_size=5),
            st.none(),
        ),
        "op": st.sampled_from(["info2", "list", "check", "add", "rename", "wipe", "nope", 7]),
        "index": st.integers(-3, 300),
    },
).map(lambda request: json.dumps(request).encode())
LINES = st.one_of(
    REQUESTS,
    # Without UTF-8-encoded surrogates (ED A0..BF xx): CircuitPython's str(data, "utf-8") lets
    # them through where CPython's refuses them, so the token echoes such an id back.
    st.binary(max_size=40).filter(lambda b: b"\n" not in b and not SURROGATE.search(b)),
    st.just(b"x" * (MAX_FRAME + 1)),
    st.just(b'{"v": 1, "id": 3, "op": "list"}' + b" " * (MAX_FRAME - 31)),  # exactly the limit
    st.sampled_from([b"[1, 2]", b'"text"', b"{", b"nan", b"\xff\xfe"]),
)


@st.composite
def feeds(draw):
    """A byte stream of lines, cut into reads at random places, each read polled at a time
    (ms) that sometimes jumps past the 2 s a half-sent frame may wait."""
    lines = draw(st.lists(LINES, min_size=1, max_size=8))
    stream = b"".join(line + b"\n" for line in lines)
    if draw(st.booleans()):
        stream = stream[: draw(st.integers(0, len(stream)))]  # the host stops mid-frame
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    now, reads = 0, []
    for piece in [*pieces, b""]:
        now += draw(st.sampled_from([0, 10, 1500, 2500]))
        reads.append((piece, now))
    return reads


def comparable(replies):
    """Replies as data; an error's text is the interpreter's own for bad requests."""
    found = []
    for reply in replies:
        assert reply.endswith("\n") and reply.count("\n") == 1, reply
        data = json.loads(reply)
        if data.get("error") in ("bad-request", "bad-frame"):
            data.pop("message")
        found.append(data)
    return found


@BATCH
@given(st.lists(feeds(), min_size=40, max_size=40))
def test_frames_get_the_replies_they_get_on_cpython(cp, batch):
    got = cp.run(FRAMES, [[[chunk.hex(), now] for chunk, now in reads] for reads in batch])
    for reads, replies in zip(batch, got, strict=True):
        assert comparable(replies) == comparable(on_cpython(reads)), reads
