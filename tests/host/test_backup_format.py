"""The frozen sample of the sealed backup format, version 1 (tests/vectors/formats/), still opens
to exactly the accounts it was made with: a backup written years ago must restore today."""

import json
from datetime import datetime

import pytest

from paths import VECTORS
from smartkey.account import Account
from smartkey.backup import BackupDamaged, restore, unseal
from smartkey.backup.sealed import MAGIC

FORMATS = VECTORS / "formats"
KNOWN = json.loads((FORMATS / "known.json").read_text(encoding="utf-8"))
PASSPHRASE = KNOWN["passphrase"]
SAMPLE = (FORMATS / "backup.skbackup").read_bytes()

ACCOUNTS = [
    Account(
        secret=bytes.fromhex(a["secret"]),
        issuer=a["issuer"],
        name=a["name"],
        type=a["type"],
        algorithm=a["algorithm"].upper(),
        digits=a["digits"],
        period=a["period"],
        counter=a["counter"],
    )
    for a in KNOWN["accounts"]
]


def test_the_version_1_sample_opens_to_exactly_its_accounts():
    opened = unseal(SAMPLE, PASSPHRASE)
    assert opened.accounts == ACCOUNTS
    assert opened.created == datetime.fromisoformat(KNOWN["created"])
    assert restore.kind(SAMPLE) == "backup"


def test_the_version_1_sample_is_what_the_format_says():
    assert SAMPLE.startswith(MAGIC)
    header = json.loads(SAMPLE[len(MAGIC) : SAMPLE.index(b"\n", len(MAGIC))])
    assert header["version"] == 1
    assert (header["kdf"]["name"], header["kdf"]["memory_kib"], header["kdf"]["iterations"]) == (
        "argon2id",
        65536,
        3,
    )
    assert header["cipher"]["name"] == "aes-256-gcm"


@pytest.mark.parametrize("where", ["header", "ciphertext", "tag"])
def test_a_flipped_byte_in_the_sample_is_refused(where):
    end = SAMPLE.index(b"\n", len(MAGIC)) + 1
    offset = {"header": end - 10, "ciphertext": end + 100, "tag": len(SAMPLE) - 1}[where]
    data = bytearray(SAMPLE)
    data[offset] ^= 0x01
    with pytest.raises(BackupDamaged):
        restore.load(bytes(data), PASSPHRASE)


def test_the_sample_needs_its_passphrase():
    with pytest.raises(BackupDamaged):
        unseal(SAMPLE, PASSPHRASE.upper())
