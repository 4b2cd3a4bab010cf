"""smartkey: host tool and virtual board for the smartkey hardware TOTP token."""

__version__ = "0.1.0"
