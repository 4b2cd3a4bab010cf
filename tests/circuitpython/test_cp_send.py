"""Replies through a USB channel that takes fewer bytes than asked (usb_cdc's short writes), on
CircuitPython's core: every reply the host can read whole is a whole JSON line, a dropped one
leaves at most a fragment that the next reply's newline ends, and no reply waits past its bound.
"""

import json

from cp_runner import core_fixture

cp = core_fixture()

SEND = """
from smartkey_fw.protocol import Protocol


class Serial:
    connected = True

    def __init__(self, takes):
        self.takes = takes  # bytes each write call takes, in turn (0: the host is not reading)
        self.calls = 0
        self.out = bytearray()

    def write(self, data):
        n = min(len(data), self.takes[self.calls % len(self.takes)])
        self.calls += 1
        self.out += bytes(data[:n])
        return n


class App:
    now = 0

    def ms(self):
        self.now += 100  # each write waits out write_timeout (0.1 s) when it comes back short
        return self.now


out = []
for takes in INPUT:
    serial = Serial(takes)
    app = App()
    protocol = Protocol(serial, app)
    for request_id in range(3):
        protocol._reply_error(request_id, "busy", "x" * 40)
    out.append([serial.out.decode(), app.now])
done(out)
"""


def is_whole(line):
    return line.startswith("{") and line.endswith("}")


def test_short_writes_never_leave_a_reply_glued_to_the_next(cp):
    cases = [[1000], [40], [7], [30, 0, 0], [0] * 30 + [500], [0]]
    for takes, (sent, elapsed) in zip(cases, cp.run(SEND, cases), strict=True):
        lines = [line for line in sent.split("\n") if line]
        whole = [json.loads(line) for line in lines if is_whole(line)]
        torn = [line for line in lines if not is_whole(line)]
        assert all(reply["error"] == "busy" for reply in whole), takes
        assert len(whole) + len(torn) <= 3, takes  # nothing sent twice
        # A fragment is the start of one reply, never glued to the next.
        assert all(line.startswith('{"') and line.count('{"') == 1 for line in torn), takes
        assert elapsed <= 3 * 1200, takes  # each reply gives up within its second
        if takes in ([1000], [40]):
            assert [reply["id"] for reply in whole] == [0, 1, 2], takes  # a slow host gets all
