"""smartkey firmware: a TOTP token for CircuitPython boards."""

VERSION = "0.1.0"
# A clock reading before this year cannot be right (a DS3231 that lost power restarts at
# 2000-01-01): the token shows SET TIME instead of codes. It is the year of the firmware's first
# build, not of each build, so a token whose clock was set then keeps working.
BUILD_YEAR = 2023
