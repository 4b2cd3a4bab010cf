"""otpauth URIs: tests/vectors/, other projects' parser tests, and properties of parse/build.

Cases marked "pyotp", "ykman" or "Aegis" come from those projects' own test suites
(pyotp test.py ParseUriTest, yubikey-manager tests/test_oath.py, Aegis GoogleAuthInfoTest and
importers/plain.txt); where smartkey decides differently, the test says so and why.
"""

import base64
import json
import string

import pyotp
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from base32_cases import ACCEPTED, REJECTED
from paths import VECTORS
from smartkey import base32, uri
from smartkey.account import ALGORITHMS, Account, AccountError
from smartkey.uri import UriError
from smartkey_fw import otp

VALID = [json.loads(line) for line in (VECTORS / "uris-valid.jsonl").read_text().splitlines()]
INVALID = [line for line in (VECTORS / "uris-invalid.txt").read_text().splitlines() if line]
# The field each invalid URI of uris-invalid.txt must be rejected for.
INVALID_FIELD = {
    "http://hello.com": "scheme",
    "otpauth://totp": "secret",
    "otpauth://derp/x?secret=JBSWY3DPEHPK3PXP": "type",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=-1": "digits",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=aes": "algorithm",
    "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1": "secret",
    "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP": "counter",
}
PYOTP_STEAM_SECRET = "FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW"


def fields_of(account):
    return {
        "type": account.type,
        "issuer": account.issuer,
        "name": account.name,
        "secret_b32": base64.b32encode(account.secret).decode().rstrip("="),
        "algorithm": account.algorithm,
        "digits": account.digits,
        "period": account.period,
        "counter": account.counter,
    }


# --- tests/vectors/ ------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", VALID, ids=lambda v: v["uri"][:60])
def test_valid_uri_vectors(vector):
    got = fields_of(uri.parse(vector["uri"]))
    assert {key: got[key] for key in vector["expect"]} == vector["expect"]


@pytest.mark.parametrize("vector", VALID, ids=lambda v: v["uri"][:60])
def test_valid_uri_vectors_survive_build(vector):
    account = uri.parse(vector["uri"])
    assert uri.parse(uri.build(account)) == account


@pytest.mark.parametrize("text", INVALID)
def test_invalid_uri_vectors_name_the_field(text):
    with pytest.raises(UriError, match=INVALID_FIELD[text]):
        uri.parse(text)
    assert issubclass(UriError, ValueError) and issubclass(UriError, AccountError)


# --- other projects' cases -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("http://hello.com", "scheme"),  # pyotp
        ("otpauth://totp", "secret"),  # pyotp
        ("otpauth://derp?secret=foo", "type"),  # pyotp
        ("otpauth://totp?secret=GEZDGNBV&digits=-1", "digits"),  # pyotp, with a secret
        ("otpauth://totp?secret=GEZDGNBV&algorithm=aes", "algorithm"),  # pyotp, with a secret
        ("otpauth://totp/test:test?secret=&algo=SHA1&digits=6&period=30", "secret"),  # Aegis
        # pyotp pads "abc" and takes it; 3 base32 characters cannot end a valid secret, and the
        # token refuses them, so the host does too.
        ("otpauth://totp?secret=abc&image=foobar", "secret"),
        # pyotp (older) took the last of two different algorithms; a guess is not taken here.
        ("otpauth://totp?algorithm=SHA1&secret=GEZDGNBV&algorithm=SHA256", "algorithm"),
        ("otpauth-migration://offline?data=CgA%3D", "scheme"),
        ("otpauth:/totp/x?secret=GEZDGNBV", "scheme"),
        ("otpauth://TOTP%20/x?secret=GEZDGNBV", "type"),
        ("otpauth://totp/x?secret=GEZDGNBV&digits=5", "digits"),
        ("otpauth://totp/x?secret=GEZDGNBV&digits=9", "digits"),
        ("otpauth://totp/x?secret=GEZDGNBV&digits=%D9%A6", "digits"),  # Arabic-Indic six
        ("otpauth://totp/x?secret=GEZDGNBV&period=0", "period"),
        ("otpauth://totp/x?secret=GEZDGNBV&period=65536", "period"),
        ("otpauth://totp/x?secret=GEZDGNBV&period=1.5", "period"),
        ("otpauth://hotp/x?secret=GEZDGNBV&counter=18446744073709551616", "counter"),
        ("otpauth://hotp/x?secret=GEZDGNBV&counter=" + "9" * 400, "counter"),
        ("otpauth://hotp/x?secret=GEZDGNBV&counter=-1", "counter"),
        ("otpauth://totp/x?secret=GEZDGNBV&secret=GEZDGNBW", "secret"),
        ("otpauth://totp/a%FFb?secret=GEZDGNBV", "label"),
        ("otpauth://totp/a#b?secret=GEZDGNBV", "label"),
        ("otpauth://totp/x?secret=GEZDGNBV&issuer=a#b", "issuer"),
        ("otpauth://totp/x?secret=GEZDGNBV&issuer=%C3", "issuer"),
        ("otpauth://steam/x?secret=GEZDGNBV&digits=five", "digits"),
    ],
)
def test_invalid_uris_name_the_field(text, field):
    with pytest.raises(UriError, match=f"^{field}"):
        uri.parse(text)


@pytest.mark.parametrize(
    ("text", "issuer", "name"),
    [
        # yubikey-manager test_parse_uri_issuer
        ("otpauth://totp/account?secret=abba", "", "account"),
        ("otpauth://totp/account?secret=abba&issuer=Test", "Test", "account"),
        ("otpauth://totp/Test:account?secret=abba", "Test", "account"),
        ("otpauth://totp/TestA:account?secret=abba&issuer=TestB", "TestB", "account"),
        # pyotp rejects a label prefix that disagrees with the issuer; ykman's rule is kept.
        ("otpauth://totp/SomeIssuer:?secret=abba&issuer=AnotherIssuer", "AnotherIssuer", ""),
        # Key Uri Format: a literal or %-encoded colon, optional spaces after it.
        ("otpauth://totp/Example%3Aalice?secret=abba", "Example", "alice"),
        ("otpauth://totp/Example:%20%20alice?secret=abba", "Example", "alice"),
        (
            "otpauth://totp/Big Corporation: alice@bigco.com?secret=abba",
            "Big Corporation",
            "alice@bigco.com",
        ),
        # '+' is a space in the query only; in the label it is a plus.
        ("otpauth://totp/A+B:c+d?secret=abba", "A+B", "c+d"),
        ("otpauth://totp/x?secret=abba&issuer=A+B", "A B", "x"),
        ("otpauth://totp/x?secret=abba&issuer=A%2BB", "A+B", "x"),
        # An issuer with a colon of its own is still recognised as the label's prefix.
        ("otpauth://totp/a%3Ab:c?secret=abba&issuer=a%3Ab", "a:b", "c"),
        # An empty issuer parameter is no issuer parameter (FreeOTP, pyotp).
        ("otpauth://totp/Test:account?secret=abba&issuer=", "Test", "account"),
        ("otpauth://totp/:a%3Ab?secret=abba", "", "a:b"),
        ("otpauth://totp/%E6%97%A5%E6%9C%AC:%E5%A4%AA%E9%83%8E?secret=abba", "日本", "太郎"),
        ("otpauth://totp/Bänk:jürgen?secret=abba", "Bänk", "jürgen"),
        ("otpauth://totp/?secret=abba", "", ""),
        ("otpauth://totp?secret=abba", "", ""),
    ],
)
def test_issuer_and_name(text, issuer, name):
    account = uri.parse(text)
    assert (account.issuer, account.name) == (issuer, name)


def test_ykman_full_payload():
    account = uri.parse(
        "otpauth://totp/Issuer:account?secret=abba&issuer=Issuer"
        "&algorithm=SHA256&digits=7&period=20&counter=5"
    )
    assert account.secret == b"\0B"
    assert (account.issuer, account.name, account.type) == ("Issuer", "account", "totp")
    assert (account.algorithm, account.digits, account.period) == ("SHA256", 7, 20)
    # ykman keeps the counter of a TOTP credential; it means nothing for TOTP, so it is not read.
    assert account.counter == 0


def test_pyotp_codes_from_parsed_uris():
    totp = uri.parse("otpauth://totp?algorithm=SHA1&secret=GEZDGNBV&algorithm=SHA1")
    assert [otp.totp(totp.secret, t) for t in (0, 30, 60)] == ["734055", "662488", "289363"]
    hotp = uri.parse("otpauth://hotp?algorithm=SHA1&secret=GEZDGNBV&algorithm=SHA1&counter=1")
    assert hotp.counter == 1 and otp.hotp(hotp.secret, 1) == "662488"
    sha512 = uri.parse("otpauth://totp?secret=GEZDGNBV&algorithm=SHA512")
    assert otp.totp(sha512.secret, 9000, algorithm="sha512") == "524153"


@pytest.mark.parametrize(
    "text",
    [
        f"otpauth://totp/Steam:?secret={PYOTP_STEAM_SECRET}&encoder=steam",  # pyotp, KeePassXC
        f"otpauth://steam/Steam:?secret={PYOTP_STEAM_SECRET}",  # Aegis, andOTP
        f"otpauth://STEAM/Steam:?secret={PYOTP_STEAM_SECRET}&digits=6",  # digits: always 5
        f"otpauth://totp/Steam:?secret={PYOTP_STEAM_SECRET}&issuer=Steam&digits=5",  # FreeOTP
        f"otpauth://totp/x?secret={PYOTP_STEAM_SECRET}&issuer=steam&digits=5",
    ],
)
def test_steam_spellings(text):
    account = uri.parse(text)
    assert (account.type, account.digits) == ("steam", 5)
    # pyotp's Steam test vectors
    assert [otp.steam(account.secret, t) for t in (0, 30, 60, 90)] == [
        "C5V56",
        "QJY8Y",
        "R3WQY",
        "JG3T3",
    ]


@pytest.mark.parametrize("period", ["15", "60", "0", "30"])
def test_steam_is_always_30_s_and_5_characters(period):
    # Steam Guard codes change every 30 s whatever a URI says (as pyotp computes them); a URI
    # with another period would give codes Steam never accepts.
    text = f"otpauth://steam/x?secret={PYOTP_STEAM_SECRET}&period={period}&digits=7"
    account = uri.parse(text)
    assert (account.type, account.period, account.digits) == ("steam", 30, 5)
    assert uri.parse(uri.build(account)) == account


@pytest.mark.parametrize(
    "text",
    [
        f"otpauth://totp/Steam:?secret={PYOTP_STEAM_SECRET}",  # pyotp: not Steam
        f"otpauth://totp/Steam:x?secret={PYOTP_STEAM_SECRET}&issuer=Steam",  # andOTP issue 815
        f"otpauth://hotp/Steam:x?secret={PYOTP_STEAM_SECRET}&digits=6&counter=0&encoder=steam",
    ],
)
def test_issuer_steam_alone_does_not_make_steam(text):
    assert uri.parse(text).type != "steam"


def test_aegis_plain_txt_lines():
    # Aegis importers/plain.txt, with the entries its DatabaseImporterTest expects.
    account = uri.parse(
        "otpauth://steam/Boeing:Sophia?secret=JRZCL47CMXVOQMNPZR2F7J4RGI"
        "&issuer=Boeing&algorithm=SHA1&digits=5&period=30"
    )
    assert (account.type, account.issuer, account.name, account.digits) == (
        "steam",
        "Boeing",
        "Sophia",
        5,
    )
    account = uri.parse(
        "otpauth://hotp/WWE:Mason?secret=5VAML3X35THCEBVRLV24CGBKOY"
        "&issuer=WWE&algorithm=SHA512&digits=8&counter=10300"
    )
    assert (account.algorithm, account.digits, account.counter) == ("SHA512", 8, 10300)


@pytest.mark.parametrize(
    "text",
    [
        "OTPAUTH://TOTP/ACME:JOHN?SECRET=JBSWY3DPEHPK3PXP&ISSUER=ACME&ALGORITHM=SHA256",
        "  otpauth://totp/ACME:JOHN?secret=jbsw-y3dp-ehpk-3pxp&issuer=ACME&algorithm=sha256\n",
        "otpauth://totp/ACME:JOHN?secret=JBSWY3DPEHPK3PXP&&issuer=ACME&algorithm=Sha256&image=x",
        "otpauth://totp/ACME:JOHN?secret=JBSWY3DPEHPK3PXP&issuer=ACME&issuer=ACME&algorithm=SHA256",
    ],
)
def test_tolerated_spellings(text):
    account = uri.parse(text)
    assert (account.issuer, account.name, account.algorithm) == ("ACME", "JOHN", "SHA256")
    assert account.secret == b"Hello!\xde\xad\xbe\xef"


def test_parameters_that_mean_nothing_for_the_type_are_ignored():
    assert uri.parse("otpauth://hotp/x?secret=abba&counter=3&period=junk").period == 30
    assert uri.parse("otpauth://totp/x?secret=abba&counter=junk").counter == 0


def test_errors_never_quote_the_secret():
    secret = "JBSWY3DPEHPK3PX!"
    with pytest.raises(UriError) as caught:
        uri.parse(f"otpauth://totp/x?secret={secret}")
    assert secret not in str(caught.value) and "!" not in str(caught.value)
    assert uri.label_hint(f"otpauth://totp/Ex:al?secret={secret}") == "Ex:al"


def test_build_is_canonical():
    account = Account(secret=b"Hello!\xde\xad\xbe\xef", issuer="ACME Co", name="john@x.org")
    assert uri.build(account) == (
        "otpauth://totp/ACME%20Co:john%40x.org?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co"
        "&algorithm=SHA1&digits=6&period=30"
    )
    steam = Account(secret=b"k", issuer="Steam", name="me", type="steam")
    assert uri.build(steam).startswith("otpauth://steam/Steam:me?")
    hotp = Account(secret=b"k", name="a:b", type="hotp", counter=7, digits=8)
    assert uri.build(hotp) == "otpauth://hotp/:a%3Ab?secret=NM&algorithm=SHA1&digits=8&counter=7"


# --- properties ----------------------------------------------------------------------------------

# Names and issuers from any Unicode, with the characters a URI gives meaning to over-weighted.
# Spaces around them are not part of them (parse strips them, build does not write them).
SPECIAL = ":/?#&=%+@ \t;,'\"\\"
LABEL_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters(codec="utf-8")), max_size=30
).filter(lambda s: s == s.strip(" "))


@st.composite
def accounts(draw, min_secret=1, max_period=65535):
    kind = draw(st.sampled_from(["totp", "hotp", "steam"]))
    return Account(
        secret=draw(st.binary(min_size=min_secret, max_size=64)),
        name=draw(LABEL_TEXT),
        issuer=draw(LABEL_TEXT),
        type=kind,
        algorithm=draw(st.sampled_from(ALGORITHMS)),
        digits=5 if kind == "steam" else draw(st.integers(6, 8)),
        period=30 if kind == "hotp" else draw(st.integers(1, max_period)),
        counter=draw(st.integers(0, 2**64 - 1)) if kind == "hotp" else 0,
    )


def _check_round_trip(account):
    text = uri.build(account)
    assert text.isascii() and " " not in text
    assert uri.parse(text) == account


@given(accounts())
def test_build_then_parse_gives_the_account_back(account):
    _check_round_trip(account)


@pytest.mark.slow
@given(accounts())
def test_build_then_parse_gives_the_account_back_long(account):
    _check_round_trip(account)


# pyotp refuses secrets under 112 bits and periods over 120 s.
@given(accounts(min_secret=14, max_period=120), st.integers(0, 253_402_300_799))
def test_pyotp_reads_what_build_writes_the_same_way(account, now):
    """pyotp's parser is independent of ours: the same URI must give the same codes and names."""
    assume(account.type != "steam")  # otpauth://steam is Aegis's, and pyotp does not read it
    theirs = pyotp.parse_uri(uri.build(account))
    assert theirs.name == (account.name or "Secret")  # pyotp's name for a nameless account
    assert (theirs.issuer or "") == account.issuer
    algorithm = account.algorithm.lower()
    if account.type == "hotp":
        mine = otp.hotp(account.secret, account.counter, account.digits, algorithm)
        assert theirs.at(0) == mine
    else:
        mine = otp.totp(account.secret, now, account.period, account.digits, algorithm)
        assert theirs.at(now) == mine


URI_ALPHABET = st.sampled_from(string.ascii_letters + string.digits + SPECIAL + "%~-._é日\x00")
URI_TEXT = st.one_of(
    st.text(),
    st.text(URI_ALPHABET).map(lambda s: "otpauth://" + s),
    st.builds(
        lambda kind, label, query: f"otpauth://{kind}/{label}?{query}",
        st.sampled_from(["totp", "hotp", "steam", "TOTP", "x"]),
        st.text(URI_ALPHABET, max_size=20),
        st.lists(
            st.tuples(
                st.sampled_from(["secret", "issuer", "digits", "period", "counter", "algorithm"])
                | st.text(URI_ALPHABET, max_size=5),
                st.text(URI_ALPHABET, max_size=20),
            ),
            max_size=8,
        ).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs)),
    ),
)


def _check_total(text):
    try:
        account = uri.parse(text)
    except ValueError as error:
        assert str(error)
        return
    assert uri.parse(uri.build(account)) == account


@given(URI_TEXT)
def test_parse_raises_nothing_but_value_error(text):
    _check_total(text)


@pytest.mark.slow
@given(URI_TEXT)
def test_parse_raises_nothing_but_value_error_long(text):
    _check_total(text)


# --- base32: the host decoder accepts and rejects exactly what the token's does -------------------


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_b32decode_accepts_what_the_firmware_accepts(text, expected):
    assert base32.b32decode(text) == expected == otp.b32decode(text)


@pytest.mark.parametrize("text", REJECTED)
def test_b32decode_rejects_what_the_firmware_rejects(text):
    with pytest.raises(ValueError, match=r"^secret"):
        base32.b32decode(text)
    with pytest.raises(ValueError):
        otp.b32decode(text)


# Letters that CPython's str.upper() would turn into base32 letters (ſ -> S, ﬅ -> ST):
# CircuitPython's is ASCII-only, and both decoders must reject them.
CPYTHON_ONLY_LETTERS = set("ıſﬅﬆ")
B32_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcdxyz018 -=="),
        st.sampled_from(sorted(CPYTHON_ONLY_LETTERS)),
        st.characters(),
    ),
    max_size=40,
)


def _check_against_firmware(text):
    try:
        ours = base32.b32decode(text)
    except ValueError:
        ours = None
    try:
        theirs = otp.b32decode(text)
    except ValueError:
        theirs = None
    assert ours == theirs


@given(B32_TEXT)
def test_b32decode_agrees_with_the_firmware(text):
    _check_against_firmware(text)


@pytest.mark.slow
@given(B32_TEXT)
def test_b32decode_agrees_with_the_firmware_long(text):
    _check_against_firmware(text)


def test_firmware_module_is_the_repository_copy():
    # conftest appends the repository root; the firmware is not an installed package.
    assert otp.__file__.endswith("smartkey_fw/otp.py")


@given(st.binary(min_size=1, max_size=64))
def test_b32encode_round_trips(secret):
    text = base32.b32encode(secret)
    assert "=" not in text and text == text.upper()
    assert base32.b32decode(text) == secret == otp.b32decode(text)
