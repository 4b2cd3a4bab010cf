"""Demo accounts for trying smartkey out (``SMARTKEY_DEMO = 1`` in settings.toml).

Their secrets are public test values (RFC 6238's seeds and a published Steam test secret), so
their codes protect nothing; a real token never enables this.
"""

from smartkey_fw import otp
from smartkey_fw.account import Account

try:
    from typing import Any
except ImportError:
    pass


def accounts() -> list:
    return [
        Account("Demo", "alice@example.com", b"12345678901234567890"),
        Account(
            "Demo SHA-256",
            "bob@example.com",
            b"12345678901234567890123456789012",
            algorithm="sha256",
            digits=8,
        ),
        Account("Steam", "demo", otp.b32decode("OJZ2BP7STWSLUD7I23Q5AYZELZB5OAFU"), kind="steam"),
    ]


def seed(vault: Any, pin: str) -> None:
    """A new vault under ``pin`` holding the demo accounts."""
    vault.create(pin)
    vault.commit(additions=accounts())
