"""What the token shows and stores, on CircuitPython's core: the QR encoder (module for module
the symbol CPython makes, which tests/fw/test_qr.py checks against segno and zxing-cpp), the
compact otpauth URI of export.py, and the 192-byte vault record, byte for byte and back."""

from cp_runner import batched, core_fixture
from hypothesis import given
from hypothesis import strategies as st

from smartkey_fw import export, qr, record
from smartkey_fw.account import Account

cp = core_fixture()
BATCH = batched(3)
KINDS = ("totp", "hotp", "steam")

SYMBOLS = """
from smartkey_fw import qr

out = []
for text, ecc, mask in INPUT:
    symbol = attempt(qr.encode, bytes.fromhex(text), ecc, 10, mask)
    if symbol[0] == "ok":
        s = symbol[1]
        rows = [
            "".join("1" if s.module(x, y) else "0" for x in range(s.size)) for y in range(s.size)
        ]
        symbol = ["ok", [s.version, s.mask, rows]]
    out.append(symbol)
done(out)
"""


def symbol_rows(symbol):
    return ["".join("1" if symbol.module(x, y) else "0" for x in range(symbol.size))
            for y in range(symbol.size)]  # fmt: skip


@BATCH
@given(
    st.lists(
        st.tuples(
            st.one_of(
                st.binary(max_size=120),
                st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", max_size=150).map(
                    str.encode
                ),
                st.from_regex(
                    r"otpauth://totp/[A-Za-z]{1,20}\?secret=[A-Z2-7]{16,64}", fullmatch=True
                ).map(str.encode),
            ),
            st.sampled_from("LMQH"),
            st.one_of(st.none(), st.integers(min_value=0, max_value=7)),
        ),
        min_size=25,
        max_size=25,
    )
)
def test_qr_symbols_match_cpython_and_segno(cp, cases):
    got = cp.run(SYMBOLS, [[data.hex(), ecc, mask] for data, ecc, mask in cases])
    for (data, ecc, mask), result in zip(cases, got, strict=True):
        try:
            symbol = qr.encode(data, ecc, 10, mask)
        except ValueError:
            assert result[:2] == ["error", "ValueError"], data
            continue
        assert result == ["ok", [symbol.version, symbol.mask, symbol_rows(symbol)]], data


ACCOUNT_FIELDS = st.tuples(
    st.text(max_size=12),  # issuer
    st.text(min_size=1, max_size=16),  # name
    st.binary(min_size=1, max_size=64),  # secret
    st.sampled_from(KINDS),
    st.sampled_from(("sha1", "sha256", "sha512")),
    st.integers(min_value=6, max_value=8),
    st.integers(min_value=1, max_value=65535),
    st.integers(min_value=0, max_value=2**64 - 1),
)

RECORDS = """
from smartkey_fw import export, record
from smartkey_fw.account import Account

out = []
buffer = bytearray(record.SIZE)
for issuer, name, secret, kind, algorithm, digits, period, counter in INPUT:
    account = Account(issuer, name, bytes.fromhex(secret), kind, algorithm, digits, period, counter)
    encoded = attempt(record.encode, account, buffer)
    if encoded[0] != "ok":
        out.append(encoded)
        continue
    back = record.decode(buffer)
    out.append(["ok", bytes(buffer).hex(), export.uri(account), [
        back.issuer, back.name, back.secret.hex(), back.kind, back.algorithm, back.digits,
        back.period, back.counter]])
done(out)
"""


@BATCH
@given(st.lists(ACCOUNT_FIELDS, min_size=60, max_size=60))
def test_records_and_export_uris_are_those_of_cpython(cp, cases):
    inputs = [[i, n, s.hex(), k, a, d, p, c] for i, n, s, k, a, d, p, c in cases]
    got = cp.run(RECORDS, inputs)
    for fields, plain, result in zip(cases, inputs, got, strict=True):
        account = Account(*fields)
        buffer = bytearray(record.SIZE)
        try:
            record.encode(account, buffer)
        except ValueError as error:
            assert result == ["error", "ValueError", str(error)], fields
            continue
        uri = export.uri(account)
        # What went in, as the Account holds it (a Steam account is 5 characters of 30 s).
        kept = [*plain[:5], account.digits, account.period, account.counter]
        assert result == ["ok", buffer.hex(), uri, kept], fields
