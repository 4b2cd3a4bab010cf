"""The frozen samples of vault format 1 and of the nvm layout (tests/vectors/formats/) still
open to exactly the accounts and settings they were made with: a change to either format that
would lose what a token in someone's hands holds fails here, not silently."""

import hashlib
import json

import pytest
from flash import Flash, load_vault

from paths import ROOT, VECTORS

FORMATS = VECTORS / "formats"
KNOWN = json.loads((FORMATS / "known.json").read_text(encoding="utf-8"))
UID = bytes.fromhex(KNOWN["uid"])
PIN = KNOWN["pin"]
SAMPLES = {"vault-aes.bin": 1, "vault-hmac.bin": 2}  # file: the cipher byte it was made with


def expected():
    return [
        (
            a["issuer"],
            a["name"],
            bytes.fromhex(a["secret"]),
            a["type"],
            a["algorithm"],
            a["digits"],
            a["period"],
            a["counter"],
        )
        for a in KNOWN["accounts"]
    ]


def opened(data, aes=True, uid=UID):
    """The firmware's vault over a flash holding ``data`` as vault.bin, scanned."""
    flash = Flash()
    flash.files["/vault.bin"] = bytearray(data)
    vault_mod, _ = load_vault(flash, ROOT, aes=aes)
    vault = vault_mod.Vault(uid, "/")
    vault.scan()
    return vault_mod, vault


def contents(vault):
    return [
        (a.issuer, a.name, a.secret, a.kind, a.algorithm, a.digits, a.period, a.counter)
        for a in (vault.account(i) for i in range(vault.count))
    ]


def sample(name):
    return (FORMATS / name).read_bytes()


@pytest.mark.parametrize("name", SAMPLES)
def test_a_format_1_vault_opens_with_its_pin_to_exactly_its_accounts(name):
    vault_mod, vault = opened(sample(name))
    assert vault.state == vault_mod.LOCKED and vault.count == len(KNOWN["accounts"])
    assert not vault.unlock("13572468")
    assert vault.unlock(PIN)
    assert contents(vault) == expected()
    assert vault.check_pin(PIN) and not vault.check_pin(PIN[:-1] + "0")


@pytest.mark.parametrize("name", SAMPLES)
def test_the_format_1_header_says_what_it_is(name):
    data = sample(name)
    assert data[:4] == b"SKV1" and data[4] == 1 and data[5] == SAMPLES[name]
    assert int.from_bytes(data[6:10], "big") == 5000  # PBKDF2 iterations, stored per file
    assert int.from_bytes(data[30:32], "big") == len(KNOWN["accounts"])
    assert len(data) == 64 + 192 * len(KNOWN["accounts"]) + 20 + 20
    assert hashlib.sha1(data[:-20]).digest() == data[-20:]


def test_the_cipher_comes_from_the_file_not_from_the_board():
    # A vault written without aesio opens on a board that has it, and the reverse is refused
    # with a reason rather than decrypted into garbage.
    vault_mod, vault = opened(sample("vault-hmac.bin"), aes=True)
    assert vault.unlock(PIN) and contents(vault) == expected()
    vault_mod, vault = opened(sample("vault-aes.bin"), aes=False)
    assert vault.unlock(PIN)
    with pytest.raises(vault_mod.VaultError, match="needs aesio"):
        vault.account(0)


def test_the_same_pin_on_another_chip_does_not_open_a_sample():
    vault_mod, vault = opened(sample("vault-aes.bin"), uid=bytes(8))
    assert vault.state == vault_mod.LOCKED and not vault.unlock(PIN)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("offset", [5, 40, 64 + 192 * 3 + 100, -30, -1])
def test_a_flipped_byte_in_a_sample_is_refused(name, offset):
    data = bytearray(sample(name))
    data[offset] ^= 0x01
    vault_mod, vault = opened(data)
    assert vault.state == vault_mod.DAMAGED


@pytest.mark.parametrize("name", SAMPLES)
def test_a_flipped_byte_with_a_forged_checksum_is_refused_by_the_mac(name):
    data = bytearray(sample(name))
    data[64 + 192 * 2 + 17] ^= 0x01  # inside the third account's secret
    data[-20:] = hashlib.sha1(data[:-20]).digest()
    vault_mod, vault = opened(data)
    assert vault.state == vault_mod.LOCKED  # the checksum holds: only the MAC can tell
    assert not vault.unlock(PIN)
    assert vault.state == vault_mod.DAMAGED


def test_the_nvm_sample_keeps_the_pin_counter_the_clock_trim_and_the_preferences():
    from smartkey_fw import clock, pin, preferences

    nvm = bytearray(sample("nvm.bin").ljust(4096, b"\xff"))
    known = KNOWN["nvm"]
    guard = pin.PinGuard(nvm)
    assert guard.failures == known["failures"] and guard.tries_left == 10 - known["failures"]
    assert clock.Clock(None, nvm).trim() == (known["synced"], known["centi_ppm"])
    chosen = preferences.Preferences(nvm)
    assert (chosen.layout, chosen.suffix) == (known["layout"], known["suffix"])


@pytest.mark.parametrize("offset", [1, 5, 9, 14, 17])
def test_a_flipped_bit_in_the_nvm_sample_is_not_read_as_a_value(offset):
    from smartkey_fw import clock, pin, preferences

    nvm = bytearray(sample("nvm.bin").ljust(4096, b"\xff"))
    nvm[offset] ^= 0x01
    known = KNOWN["nvm"]
    guard = pin.PinGuard(nvm)
    guard.if_unreadable = 99
    # The counter is kept twice: one damaged copy leaves the other; never fewer tries used.
    assert guard.failures == known["failures"]
    if 8 <= offset < 16:
        assert clock.Clock(None, nvm).trim() == (0, 0)
    if 16 <= offset < 20:
        chosen = preferences.Preferences(nvm)
        assert (chosen.layout, chosen.suffix) == ("us", "none")  # settings.toml's defaults


def reference(kind, account):
    """pyotp's generator for ``account``. pyotp's policy refuses keys under 112 bits, which real
    accounts use (16 base32 characters are 80 bits): only that check is left out."""
    import base64

    import pyotp

    class Generator(pyotp.TOTP if kind == "totp" else pyotp.HOTP):
        def byte_secret(self):
            return base64.b32decode(self.secret)

    secret = base64.b32encode(bytes.fromhex(account["secret"])).decode()
    options = {"digits": account["digits"], "digest": account["algorithm"]}
    if kind == "totp":
        options["interval"] = account["period"]
    return Generator(secret, **options)


def test_a_token_with_the_samples_on_its_flash_unlocks_and_shows_pyotps_codes(tmp_path):
    from board_helpers import T0, unlock
    from oled_text import code_on_screen, pyotp_view
    from smartkey.sim import VirtualBoard

    (tmp_path / "drive.nvm").write_bytes(sample("nvm.bin"))  # the chip's nvm, beside its drive
    board = VirtualBoard(tmp_path / "drive", utc=T0, uid=UID)
    (board.drive / "vault.bin").write_bytes(sample("vault-aes.bin"))
    with board:
        board.step(3.0)  # three wrong PINs in nvm: a wait of 2 s first
        unlock(board, PIN)
        for number, account in enumerate(KNOWN["accounts"]):
            if account["type"] == "totp":
                totp = reference("totp", account)
                assert code_on_screen(board) == pyotp_view(board, totp), account
            elif account["type"] == "hotp":
                board.press("B")  # the next code: the one for the stored counter
                hotp = reference("hotp", account).at(account["counter"])
                assert code_on_screen(board) == (hotp, ""), account
            if number < len(KNOWN["accounts"]) - 1:
                board.press("C")
