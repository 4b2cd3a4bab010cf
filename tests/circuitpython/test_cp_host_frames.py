"""The host's request lines, read by CircuitPython's own ``json``: names outside ASCII (an emoji,
CJK, accents) arrive as the user typed them, not as the broken characters an escaped surrogate
pair becomes there."""

from cp_runner import core_fixture

from smartkey.device import MAX_FRAME, encode_frame

cp = core_fixture()

NAMES = ["Zoë", "🔑 keys", "メール", "GitHub: ok ✓", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"]

READ = """
import json

done([json.loads(line)["name"] for line in INPUT])
"""


def test_names_outside_ascii_reach_the_token_unchanged(cp):
    lines = [encode_frame({"v": 1, "id": 1, "op": "rename", "name": name}) for name in NAMES]
    assert all(len(line) <= MAX_FRAME for line in lines)
    assert cp.run(READ, [line.decode() for line in lines]) == NAMES
