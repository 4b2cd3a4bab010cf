"""The provisioning protocol's limits, written once for the firmware.

The host tool keeps its own copies in ``tools/smartkey/device.py``: it is installed without the
firmware package (and cannot run ``micropython.const``), so ``tests/host/test_limits.py`` checks
every one of them equal to these.
"""

from micropython import const

PROTOCOL = const(1)  # the version every frame carries
MAX_FRAME = const(1024)  # bytes in one JSON line, its newline included
ADD_NAMES = const(3)  # issuers an `add` question names at most
# What one vault record holds (record.py), in bytes.
MAX_SECRET = const(64)
MAX_ISSUER = const(40)
MAX_NAME = const(64)
# 16 bytes: can never be the 8-byte counter an HOTP or TOTP code is computed from.
KCV_MESSAGE = b"smartkey kcv v1\x00"
