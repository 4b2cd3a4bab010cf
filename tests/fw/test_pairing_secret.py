"""The pairing secret (Vault.derive, smartkey_fw/pairing.py) comes from the vault's keys: the
same after a power cycle and any change of accounts, another after a wipe or a new PIN, and
none while the vault is locked."""

import pytest
from flash import Flash, load_vault

from paths import ROOT

UID = bytes.fromhex("e66138935f2d5a2b")
LABEL = b"smartkey pairing v1"


@pytest.fixture
def setup():
    flash = Flash(seed=3)
    vault_mod, account_mod = load_vault(flash, ROOT, iterations=20)
    return vault_mod, account_mod.Account


def reopened(vault_mod, pin):
    vault = vault_mod.Vault(UID, "/")
    vault.scan()
    assert vault.unlock(pin)
    return vault


def test_the_pairing_secret_outlives_power_cycles_and_changes_of_accounts(setup):
    vault_mod, account = setup
    vault = vault_mod.Vault(UID, "/")
    vault.create("246810")
    secret = vault.derive(LABEL)
    vault.commit(additions=[account("GitHub", "octocat", b"secret 12345")])
    vault.commit(order=[])
    assert reopened(vault_mod, "246810").derive(LABEL) == secret
    assert vault.derive(b"another purpose") != secret


def test_a_wipe_or_a_new_pin_makes_another_and_a_locked_vault_gives_none(setup):
    vault_mod, _account = setup
    vault = vault_mod.Vault(UID, "/")
    vault.create("246810")
    first = vault.derive(LABEL)
    vault.commit(pin="13579135")
    after_new_pin = vault.derive(LABEL)
    vault.wipe()
    vault.create("246810")
    after_wipe = vault.derive(LABEL)
    assert len({first, after_new_pin, after_wipe}) == 3
    vault.lock()
    with pytest.raises(vault_mod.VaultError):
        vault.derive(LABEL)
