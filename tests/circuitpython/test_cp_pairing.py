"""Pairing's arithmetic on CircuitPython's core: the key for a computer, the 6-digit code both
sides show and the proof a paired token gives are the host's (smartkey.pairing), byte for byte,
on the core's native SHA-256 and on the firmware's pure-Python one."""

import hashlib
import hmac

from cp_runner import batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

from smartkey import pairing

cp = core_fixture()
BATCH = batched(3)

PAIRING = """
from smartkey_fw import otp, pairing

use_device_hashlib()
out = {}
for path in ("native", "python"):
    otp.use_native(path == "native")
    results = []
    for secret, host, host_nonce, token_nonce, challenge, device in INPUT:
        key = pairing.host_key(bytes.fromhex(secret), bytes.fromhex(host))
        code = pairing.short_code(key, bytes.fromhex(host_nonce), bytes.fromhex(token_nonce))
        proof = pairing.proof(key, bytes.fromhex(challenge), device)
        results.append([key.hex(), code, proof.hex()])
    out[path] = results
done(out)
"""

CASES = st.tuples(
    st.binary(min_size=20, max_size=20),  # the vault-derived pairing secret
    st.binary(min_size=16, max_size=16),  # the computer's id
    st.binary(min_size=16, max_size=16),
    st.binary(min_size=16, max_size=16),
    st.binary(min_size=32, max_size=32),
    st.text("0123456789abcdef", min_size=16, max_size=16),
)


@BATCH
@given(st.lists(CASES, min_size=20, max_size=20))
def test_key_code_and_proof_are_the_hosts(cp, cases):
    inputs = [[*(part.hex() for part in case[:5]), case[5]] for case in cases]
    got = cp.run(PAIRING, inputs)
    for index, (secret, host, host_nonce, token_nonce, challenge, device) in enumerate(cases):
        key = hmac.new(secret, host, hashlib.sha256).digest()
        expected = [
            key.hex(),
            pairing.short_code(key, host_nonce, token_nonce),
            pairing.expected_proof(key, challenge, device).hex(),
        ]
        assert got["native"][index] == expected
        assert got["python"][index] == expected
        assert len(expected[1]) == 6 and expected[1].isdigit()
