"""The paper sheet: every account as a QR code and in writing, to print and keep offline.

An A4 PDF with two accounts a row (see :mod:`smartkey.backup.card`): the QR code any
authenticator app scans and ``smartkey restore`` reads back (from the PDF, or from photos and
scans of the paper), issuer and name, type, algorithm, digits, period or counter, the key check
value ``smartkey verify`` shows, and the secret in base32 for typing by hand. The first page
says how to restore and how to keep the sheet safe. Every page says it is secret, when it was
made and which accounts it holds, so a missing page shows; the PDF's subject records the number
of accounts, so that a restore from the file can tell that it read every one.

Fonts: see :mod:`smartkey.backup.fonts`. The sheet's own text is Latin-1, which every font has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF

from smartkey.account import Account
from smartkey.backup import card
from smartkey.backup.card import Card
from smartkey.backup.fonts import install
from smartkey.backup.pen import GREY, Pen

TITLE = "smartkey paper backup"
_SUBJECT = re.compile(r"smartkey paper backup: (\d+) accounts?")

PAGE_W, PAGE_H = 210.0, 297.0  # A4, in mm
MARGIN = 12.0
BOTTOM = 14.0  # the bottom margin, with the footer in it
GUTTER = PAGE_W - 2 * MARGIN - 2 * card.WIDTH
ROW_GAP = 4.0
HEADER = 8.0  # the one line at the top of every page after the first
BOX_GRAY = 242

RESTORE = (
    "**To restore**",
    "With smartkey: **smartkey restore backup.pdf** (this file), or photos or scans of the "
    "printed pages: **smartkey restore page1.jpg page2.jpg ...** Add **\\--dry-run** to see "
    "what it read first. The token asks you to press B.",
    "With any authenticator app: scan each QR code, or type the secret and the settings "
    "printed beside it.",
    "Afterwards **smartkey verify** shows each account's check value: it must match the one "
    "printed here.",
)
SAFETY = (
    "**Keep it safe**",
    "Anyone with this sheet has every account on it: no PIN protects paper.",
    "Keep it offline, somewhere safe and away from the token (a safe, a sealed envelope).",
    "Never photograph it with a phone whose gallery syncs to a cloud; do not e-mail or sync "
    "this PDF. Delete the PDF and any scans once printed or restored.",
    "When you print a new sheet, shred the old one.",
)
WARNING = "SECRET: anyone with this page has these accounts. Keep it offline; shred old sheets."


class _Sheet(FPDF):
    """A4 pages with the warning and the page number in every footer."""

    made = ""
    page_count = 0
    family = "Helvetica"

    def footer(self) -> None:
        self.set_font(self.family, "", 7)
        self.set_text_color(GREY)
        self.set_xy(MARGIN, PAGE_H - BOTTOM + 4)
        self.cell(0, 4, WARNING)
        self.set_x(MARGIN)
        self.cell(0, 4, f"made {self.made} · page {self.page_no()} of {self.page_count}", align="R")


def sheet(
    accounts: Iterable[Account],
    *,
    created: datetime | None = None,
    font: str | Path | None = None,
    system_fonts: bool = True,
) -> bytes:
    """The PDF of the paper sheet of ``accounts``, dated ``created`` (default: today).

    ``font`` is a TrueType file for the names; without one a system font is looked for, unless
    ``system_fonts`` is false (see :mod:`smartkey.backup.fonts`).
    """
    accounts = list(accounts)
    when = created or datetime.now().astimezone()
    pdf = _Sheet(orientation="P", unit="mm", format="A4")
    fonts = install(pdf, font, system_fonts)
    pdf.family = fonts.family
    pdf.made = when.date().isoformat()
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 0.3  # text starts where the layout says, not 1 mm in
    pdf.set_title(TITLE)
    pdf.set_subject(f"{TITLE}: {len(accounts)} account{'' if len(accounts) == 1 else 's'}")
    pdf.set_creator("smartkey")
    pdf.set_creation_date(when)

    cards = [Card.of(number, account) for number, account in enumerate(accounts, 1)]
    pdf.add_page()  # fpdf2 measures text on a page
    ruler = Pen(pdf, fonts, measure=True)
    for each in cards:
        each.height = card.draw(ruler, each, 0, 0)
    pages = _paginate(cards, _intro(ruler, 0, ""))
    pdf.page_count = len(pages)

    pen = Pen(pdf, fonts)
    for number, rows in enumerate(pages):
        if number:
            pdf.add_page()
        span = _span([each for row in rows for each in row], len(accounts))
        top = _header(pen, span) if number else _intro(pen, len(accounts), span)
        y = MARGIN + top
        for row in rows:
            for column, each in enumerate(row):
                card.draw(pen, each, MARGIN + column * (card.WIDTH + GUTTER), y)
            y += max(each.height for each in row) + ROW_GAP
    return bytes(pdf.output())


def expected_count(subject: str | None) -> int | None:
    """How many accounts a sheet holds, from its PDF's subject; None if it is not a sheet's."""
    match = _SUBJECT.fullmatch(subject or "")
    return int(match.group(1)) if match else None


def _paginate(cards: Sequence[Card], intro: float) -> list[list[list[Card]]]:
    """Pages of rows of two cards; the first page's start under the instructions."""
    pages: list[list[list[Card]]] = [[]]
    y = MARGIN + intro
    for start in range(0, len(cards), 2):
        row = list(cards[start : start + 2])
        height = max(each.height for each in row)
        if pages[-1] and y + height > PAGE_H - BOTTOM:
            pages.append([])
            y = MARGIN + HEADER
        pages[-1].append(row)
        y += height + ROW_GAP
    return pages


def _span(shown: Sequence[Card], total: int) -> str:
    """Which accounts a page has: "accounts 9-16 of 250"."""
    if not shown:
        return f"no accounts of {total}"
    first, last = shown[0].number, shown[-1].number
    if first == last:
        return f"account {first} of {total}"
    return f"accounts {first}-{last} of {total}"


def _header(pen: Pen, span: str) -> float:
    """The top line of every page after the first; returns its height."""
    pdf = pen.pdf
    assert isinstance(pdf, _Sheet)
    pen.text(
        f"{TITLE} · made {pdf.made} · {span}", MARGIN, MARGIN, PAGE_W - 2 * MARGIN, 8, color=GREY
    )
    pen.rule(MARGIN, PAGE_W - MARGIN, MARGIN + 5, card.FRAME_GRAY)
    return HEADER


def _intro(pen: Pen, total: int, span: str) -> float:
    """The first page's title, counts and instructions; returns their height."""
    pdf = pen.pdf
    assert isinstance(pdf, _Sheet)
    width = PAGE_W - 2 * MARGIN
    pen.text(TITLE, MARGIN, MARGIN, width, 18, style="B")
    if not pen.measure:
        pdf.set_font(pen.fonts.family, "", 10)
        pdf.set_xy(MARGIN, MARGIN)
        pdf.cell(width, 8, f"made {pdf.made}", align="R")
    noun = "account" if total == 1 else "accounts"
    pages = "page" if pdf.page_count == 1 else "pages"
    summary = f"{total} {noun} on {pdf.page_count} {pages}; this page has {span}."
    pen.text(summary + " Keep all pages together.", MARGIN, MARGIN + 9, width, 10)

    top = MARGIN + 16
    boxes = (RESTORE, SAFETY)
    ruler = Pen(pdf, pen.fonts, measure=True)
    height = max(_box(ruler, MARGIN, top, paragraphs) for paragraphs in boxes)
    for column, paragraphs in enumerate(boxes):
        x = MARGIN + column * (card.WIDTH + GUTTER)
        pen.fill(x, top, card.WIDTH, height, BOX_GRAY)
        _box(pen, x, top, paragraphs)
    return top - MARGIN + height + ROW_GAP + 2


def _box(pen: Pen, x: float, y: float, paragraphs: Sequence[str]) -> float:
    """Short paragraphs in a box ``card.WIDTH`` wide; returns its height."""
    cursor = y + card.PAD
    for paragraph in paragraphs:
        width = card.WIDTH - 2 * card.PAD
        cursor = pen.text(paragraph, x + card.PAD, cursor, width, 8, markdown=True) + 1.2
    return cursor - y + card.PAD - 1.2
