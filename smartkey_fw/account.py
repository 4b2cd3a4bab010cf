"""One account: what it is called and how its codes are made."""

from smartkey_fw import otp


class Account:
    def __init__(
        self,
        issuer: str,
        name: str,
        secret: bytes,
        kind: str = "totp",
        algorithm: str = "sha1",
        digits: int = 6,
        period: int = 30,
        counter: int = 0,
    ) -> None:
        self.issuer = issuer
        self.name = name
        self.secret = secret
        self.kind = kind
        self.algorithm = algorithm
        # Steam Guard codes are always 5 characters of 30 s, whatever a URI or a file says.
        self.digits = 5 if kind == "steam" else digits
        self.period = 30 if kind == "steam" else period
        self.counter = counter

    @property
    def label(self) -> str:
        return self.issuer + ": " + self.name if self.issuer else self.name

    def code(self, now: int) -> str:
        """The code at UTC ``now`` (TOTP, Steam) or for the stored counter (HOTP)."""
        if self.kind == "steam":
            return otp.steam(self.secret, now, self.period)
        if self.kind == "hotp":
            return otp.hotp(self.secret, self.counter, self.digits, self.algorithm)
        return otp.totp(self.secret, now, self.period, self.digits, self.algorithm)
