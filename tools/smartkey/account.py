"""An account as the host tool knows it: what an otpauth URI or an export describes."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = ("totp", "hotp", "steam")
ALGORITHMS = ("SHA1", "SHA256", "SHA512")
STEAM_DIGITS = 5
STEAM_PERIOD = 30


class AccountError(ValueError):
    """An account field is invalid; the message names the field."""


@dataclass
class Account:
    """One OTP account. ``secret`` is the raw key (bytes), never base32 text."""

    secret: bytes = field(repr=False)
    name: str = ""
    issuer: str = ""
    type: str = "totp"
    algorithm: str = "SHA1"
    digits: int = 6
    period: int = 30
    counter: int = 0

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise AccountError(f"type must be one of {', '.join(TYPES)}, not {self.type!r}")
        if self.algorithm not in ALGORITHMS:
            raise AccountError(
                f"algorithm must be one of {', '.join(ALGORITHMS)}, not {self.algorithm!r}"
            )
        if not isinstance(self.secret, bytes) or not self.secret:
            raise AccountError("secret must not be empty")
        if self.type == "steam":
            # Steam Guard codes are always 5 characters every 30 s, whatever an export or a URI
            # writes in `digits` or `period`: Steam's servers accept nothing else.
            self.digits = STEAM_DIGITS
            self.period = STEAM_PERIOD
        elif not 6 <= self.digits <= 8:
            raise AccountError(f"digits must be 6, 7 or 8, not {self.digits}")
        if not 1 <= self.period <= 65535:
            raise AccountError(f"period must be 1 to 65535 seconds, not {self.period}")
        if not 0 <= self.counter < 2**64:
            raise AccountError(f"counter must be 0 to 2**64-1, not {self.counter}")

    @property
    def label(self) -> str:
        return f"{self.issuer}: {self.name}" if self.issuer else self.name
