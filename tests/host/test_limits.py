"""The protocol's limits are defined once, in smartkey_fw/limits.py; the host tool, installed
without the firmware, keeps copies in smartkey/device.py that must stay equal."""

import pytest

from smartkey import device
from smartkey_fw import limits, ops, record, vault

FIRMWARE_LIMITS = sorted(name for name in vars(limits) if name.isupper())


@pytest.mark.parametrize("name", FIRMWARE_LIMITS)
def test_the_host_copy_equals_the_firmware_limit(name):
    assert getattr(device, name) == getattr(limits, name)


def test_the_vault_record_holds_what_the_limits_say():
    assert (record.MAX_SECRET, record.MAX_ISSUER, record.MAX_NAME) == (
        limits.MAX_SECRET, limits.MAX_ISSUER, limits.MAX_NAME
    )  # fmt: skip


def test_host_and_token_compute_the_same_key_check_value():
    for secret in (b"x", b"github secret 12345!", bytes(range(64))):
        assert device.check_value(secret) == ops.check_value(secret)


def test_the_host_knows_how_many_accounts_a_vault_holds():
    assert device.MAX_ACCOUNTS == vault.MAX_ACCOUNTS
