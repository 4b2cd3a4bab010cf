"""One account on the paper sheet: its QR code, names, settings, check value and secret.

The QR code holds :func:`smartkey.uri.build` of the account, with a quiet zone of four modules
as the QR standard asks. It is 40 mm wide, or wider when a long URI would make a module smaller
than 0.45 mm: phone cameras and 200 dpi scans read that size reliably. It is drawn as vector
paths, so it stays sharp at any printer resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from fpdf import FPDF

from smartkey import uri
from smartkey.account import Account
from smartkey.backup.fonts import MONO
from smartkey.backup.pen import GREY, Pen
from smartkey.base32 import b32encode
from smartkey.device import check_value

WIDTH = 90.0  # two cards side by side fill an A4 page between 12 mm margins
PAD = 3.0
QR_SIDE = 40.0
MIN_MODULE = 0.45
QUIET = 4
TEXT_MIN = 34.0  # narrower than this beside a large QR code, the text goes under it
LABEL_W = 19.0  # the column of the settings' labels
SECRET_GROUPS = 8  # groups of four base32 characters a line
FRAME_GRAY = 170
_KINDS = {"totp": "TOTP", "hotp": "HOTP", "steam": "Steam Guard"}
APPROXIMATED = "Shown approximately: the QR code has the exact name."


@dataclass
class Card:
    """Account ``number`` (from 1) of a sheet, with its QR code and how big it is drawn."""

    number: int
    account: Account
    qr: segno.QRCode
    side: float  # of the QR code with its quiet zone, in mm
    height: float = 0.0  # known once measured

    @classmethod
    def of(cls, number: int, account: Account) -> Card:
        qr = segno.make(uri.build(account), error="m", micro=False, boost_error=True)
        modules = qr.symbol_size(border=QUIET)[0]
        return cls(number, account, qr, max(QR_SIDE, modules * MIN_MODULE))

    @property
    def text_beside(self) -> bool:
        return WIDTH - 3 * PAD - self.side >= TEXT_MIN


def details(account: Account) -> list[tuple[str, str]]:
    """(label, value) of the settings printed on a card, in the order apps ask for them."""
    rows = [("Type", _KINDS[account.type]), ("Algorithm", account.algorithm)]
    if account.type == "steam":
        rows.append(("Code", "5 characters"))
    else:
        rows.append(("Digits", str(account.digits)))
    if account.type == "hotp":
        # Only the counter of the day it was printed: a server accepts codes a little ahead.
        rows.append(("Counter", f"{account.counter} when printed"))
    else:
        rows.append(("Period", f"{account.period} s"))
    rows.append(("Check value", check_value(account.secret)))
    return rows


def secret_lines(secret: bytes) -> list[str]:
    """The base32 secret in groups of four characters, :data:`SECRET_GROUPS` groups a line."""
    text = b32encode(secret)
    groups = [text[i : i + 4] for i in range(0, len(text), 4)]
    return [" ".join(groups[i : i + SECRET_GROUPS]) for i in range(0, len(groups), SECRET_GROUPS)]


def draw(pen: Pen, card: Card, x: float, y: float) -> float:
    """Draw ``card`` with its top left corner at (x, y), or measure it; returns its height."""
    account = card.account
    if not pen.measure:
        _qr(pen.pdf, card.qr, x + PAD, y + PAD, card.side)
    if card.text_beside:
        tx, cursor, width = x + 2 * PAD + card.side, y + PAD, WIDTH - 3 * PAD - card.side
    else:
        tx, cursor, width = x + PAD, y + PAD + card.side + 1.5, WIDTH - 2 * PAD

    cursor = pen.text(f"#{card.number}", tx, cursor, width, 7, color=GREY)
    approximated = False
    if account.issuer:
        cursor, approximated = pen.name(account.issuer, tx, cursor, width, 11, style="B")
    cursor, changed = pen.name(account.name or "(no name)", tx, cursor, width, 9)
    if approximated or changed:
        cursor = pen.text(APPROXIMATED, tx, cursor, width, 6.5, color=GREY)
    cursor += 1.5
    for label, value in details(account):
        pen.text(label, tx, cursor, LABEL_W, 8, color=GREY)
        family = MONO if label == "Check value" else None
        cursor = pen.text(value, tx + LABEL_W, cursor, width - LABEL_W, 8, family=family)

    cursor = max(cursor, y + PAD + card.side) + 1.5
    cursor = pen.text("Secret (base32)", x + PAD, cursor, WIDTH - 2 * PAD, 7, color=GREY)
    for line in secret_lines(account.secret):
        cursor = pen.text(line, x + PAD, cursor, WIDTH - 2 * PAD, 9.5, style="B", family=MONO)
    height = cursor + PAD - y
    pen.frame(x, y, WIDTH, height, FRAME_GRAY)
    return height


def _qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float, side: float) -> None:
    """The QR code as filled rectangles, one per horizontal run of dark modules: sharp at any
    printer resolution, and a small file."""
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    module = side / (len(rows) + 2 * QUIET)
    left, top = x + QUIET * module, y + QUIET * module
    pdf.set_fill_color(0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(left + start * module, top + r * module, (c - start) * module, module, "F")
