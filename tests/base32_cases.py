"""Base32 secrets as authenticator apps write them, and text that is not one: the firmware's
decoder and the host's must agree on every case."""

ACCEPTED = [
    ("JBSWY3DPEHPK3PXP", b"Hello!\xde\xad\xbe\xef"),
    ("jbswy3dpehpk3pxp", b"Hello!\xde\xad\xbe\xef"),
    ("jbsw y3dp ehpk 3pxp", b"Hello!\xde\xad\xbe\xef"),
    ("JBSW-Y3DP-EHPK-3PXP", b"Hello!\xde\xad\xbe\xef"),
    ("MZXW6", b"foo"),
    ("MZXW6===", b"foo"),
    ("MZXW6YQ", b"foob"),
    ("MZXW6YQ=", b"foob"),
    ("MY", b"f"),
    ("MY======", b"f"),
    ("MY== ==-==", b"f"),
    ("AA", b"\0"),
]
REJECTED = [
    "",
    "   ",
    "----",
    "====",
    "JBSWY3DPEHPK3PX1",
    "JBSWY3DP!",
    "M",
    "MZX",
    "MZXW6Y",
    "MZXW6==",
    "MY=A",
    "MZXW6=====",
    "JBSWY3DPÄ",
    "JBSWY3DPEHPK3PXP\n",
]
