"""What a stolen token gives up, with and without the ATECC608 (docs/secure-element.md).

A flash dump (the vault files, nvm, the RP2040's id) is searched with the project's own key
derivation, as an attacker would run it: the same loop that finds a 6-digit PIN in a chipless
vault finds none in a vault whose keys went through the chip, because every key — the PIN check
included — depends on the chip's MAC. And the chip itself, taken to a bench and driven with the
attacker's own packets, power-cycled between guesses, answers SMARTKEY_PIN_TRIES + 1 of them.

The vaults here are made with 1 PBKDF2 iteration instead of 3,500 so that the search runs
all 10^6 PINs in seconds: the iteration count only scales the attacker's cost, it is not what
stops them.
"""

import hashlib

import pytest
from flash import Flash, load_vault

from atecc_host import ChipError, make_chip
from board_helpers import T0, set_up
from paths import ROOT
from se_helpers import TRIES, chip_board, chip_file, set_up_with_chip, unlock
from smartkey.sim import VirtualBoard

PIN = "013579"
OP_MAC = 0x08
KEY_SLOT = 1
EXECUTION_ERROR = 0x0F
_SE_FLAG = 56
_HEADER = 64
_RECORD = 192
_TRAILER = 40


def made_on_a_board(board, pin, chip=None):
    """Set ``pin`` up on a powered-on board whose vault uses 1 PBKDF2 iteration; return the
    dump: (vault.bin, the RP2040's unique id)."""
    board.step(0.5)
    board.modules["smartkey_fw.vault"].ITERATIONS = 1
    if chip is None:
        set_up(board, pin)
    else:
        set_up_with_chip(board, pin)
    return (board.drive / "vault.bin").read_bytes(), board.state.uid


def chipless_dump(tmp_path, pin):
    with VirtualBoard(tmp_path / "plain", utc=T0) as board:
        return made_on_a_board(board, pin)


def chip_dump(tmp_path, pin):
    board, chip = chip_board(tmp_path)
    with board:
        return made_on_a_board(board, pin, chip)


def without_the_chip(vault_bin):
    """The attacker's best use of a chip vault without its chip: mark it chipless and drop the
    chip record, so that the project's own code derives keys from the PIN alone (the checksum
    is unkeyed: recomputed)."""
    data = bytearray(vault_bin)
    if data[_SE_FLAG] == 1:
        data[_SE_FLAG] = 0
        end = len(data) - _TRAILER
        data = data[: end - _RECORD] + data[end:]
    body = data[:-20]
    return bytes(body) + hashlib.sha1(bytes(body)).digest()


def search(vault_bin, uid, pins, chip=None):
    """The PIN among ``pins`` that the vault's own check accepts, or None."""
    flash = Flash()
    flash.files["/vault.bin"] = bytearray(vault_bin)
    vault_mod, _ = load_vault(flash, ROOT)
    vault = vault_mod.Vault(uid, "/", writable=False, chip=chip)
    assert vault.scan() == vault_mod.LOCKED
    for pin in pins:
        if vault.check_pin(pin):
            return pin
    return None


def six_digits(count):
    return (f"{n:06d}" for n in range(count))


def test_a_dump_gives_the_pin_without_the_chip_and_nothing_with_it(tmp_path):
    """20,000 PINs, the right one among them: the search finds it in the chipless dump and
    nothing in the dump made through the chip."""
    plain, uid = chipless_dump(tmp_path, PIN)
    assert search(plain, uid, six_digits(20_000)) == PIN
    sealed, uid = chip_dump(tmp_path, PIN)
    assert search(without_the_chip(sealed), uid, six_digits(20_000)) is None


@pytest.mark.slow
def test_no_six_digit_pin_opens_a_dump_made_through_the_chip(tmp_path):
    """All 10^6 PINs, twice (100 s on the 2-core test machine): the whole space of a 6-digit
    PIN, and none opens it."""
    plain, uid = chipless_dump(tmp_path, PIN)
    assert search(plain, uid, six_digits(10**6)) == PIN
    sealed, uid = chip_dump(tmp_path, PIN)
    assert search(without_the_chip(sealed), uid, six_digits(10**6)) is None


class BenchChip:
    """The token's chip desoldered onto a bench: each guess powers it up anew (from its EEPROM
    image) and asks for the MAC with the attacker's own packets."""

    def __init__(self, path):
        self.path = path
        self.answered = 0

    def response(self, challenge):
        _chip, host, _bus, _clock = make_chip(path=self.path)
        mac = host.call(OP_MAC, 0x00, KEY_SLOT, challenge)
        self.answered += 1
        return mac


def test_on_a_bench_the_chip_answers_its_limit_of_guesses_across_power_cuts(tmp_path):
    board, chip = chip_board(tmp_path)
    with board:
        vault_bin, uid = made_on_a_board(board, PIN, chip)
        board.power_cycle()
        unlock(board, PIN)  # the owner's last unlock before the theft: the chip re-armed
        vault_bin = (board.drive / "vault.bin").read_bytes()
    bench = BenchChip(chip_file(tmp_path))
    guesses = six_digits(10**6)
    with pytest.raises(ChipError) as refused:
        search(vault_bin, uid, guesses, bench)
    assert refused.value.status == EXECUTION_ERROR
    assert bench.answered == TRIES  # the chip stopped, not the search; none was the PIN
    with pytest.raises(ChipError):  # now not even the right PIN can be tried
        search(vault_bin, uid, [PIN], bench)
    assert bench.answered == TRIES
