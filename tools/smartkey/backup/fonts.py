"""Fonts for the paper sheet: names as they are where a font allows, never a crash or a blank.

fpdf2 bundles no Unicode font, and PDF's core fonts (Helvetica, Courier) cover Latin-1 only.
The sheet uses, in this order:

1. the TrueType font the caller names (``smartkey backup --font FILE.ttf``), for scripts no
   other font at hand covers (CJK, say);
2. DejaVu Sans (Latin, Greek, Cyrillic and more), looked for where Linux distributions, BSDs and
   macOS package managers install it, then Arial on Windows;
3. Helvetica, which every PDF reader has.

Whatever the font, a character it has no glyph for is replaced before it reaches the PDF: by
the letters it decomposes into ("ő" → "o", "ﬁ" → "fi") where the font has those, else by "?".
So any name prints, and :func:`Fonts.text` says when one was approximated; the QR code beside it
always holds the exact name. Secrets and check values are ASCII and always set in Courier.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from fpdf import FPDF
from fpdf.fonts import TTFFont

from smartkey.backup.errors import BackupError

SANS = "sans"
MONO = "Courier"
CORE_SANS = "Helvetica"
# (regular, bold) file names of the fonts looked for, in order of preference.
_FAMILIES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("arial.ttf", "arialbd.ttf"))
_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts/dejavu",  # FreeBSD
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
    "/opt/local/share/fonts/dejavu-fonts",  # MacPorts
    "~/.local/share/fonts",
    "~/.fonts",
    "~/Library/Fonts",
    "/Library/Fonts",
)
_UNKNOWN = "?"


@dataclass
class Fonts:
    """The fonts a sheet uses: ``family`` for text (with a bold style), Courier for secrets."""

    family: str
    covers: Callable[[str], bool]
    source: str  # the font file, or "Helvetica": said in the sheet's metadata

    def text(self, value: str) -> tuple[str, bool]:
        """``value`` as this font can print it, and whether anything had to be approximated.

        Control characters become spaces and format characters (direction marks, zero-width
        joiners) are dropped: they have no glyph and would only print as boxes.
        """
        out = []
        for char in value:
            category = unicodedata.category(char)
            if category == "Cc":
                out.append(" ")
            elif category == "Cf":
                continue
            elif self.covers(char):
                out.append(char)
            else:
                out.append(self._approximate(char))
        printed = "".join(out)
        return printed, printed != value

    def _approximate(self, char: str) -> str:
        parts = [
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part) and self.covers(part)
        ]
        return "".join(parts) or _UNKNOWN


def install(pdf: FPDF, font: str | Path | None = None, system: bool = True) -> Fonts:
    """Add the sheet's text font to ``pdf``: ``font`` if given, else a system font that covers
    more than Latin-1 (unless ``system`` is false), else Helvetica."""
    if font is not None:
        try:
            return _truetype(pdf, Path(font), Path(font))
        except Exception:
            # fpdf2 and fontTools raise many kinds of error on a missing or broken file.
            raise BackupError(
                f"the font {font} could not be loaded (a TrueType .ttf file)"
            ) from None
    if system:
        found = _find(_FAMILIES, _folders())
        if found is not None:
            return _truetype(pdf, *found)
    encoding = pdf.core_fonts_encoding

    def latin(char: str) -> bool:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            return False
        return True

    return Fonts(CORE_SANS, latin, CORE_SANS)


def _truetype(pdf: FPDF, regular: Path, bold: Path) -> Fonts:
    pdf.add_font(SANS, "", str(regular))
    pdf.add_font(SANS, "B", str(bold))
    # A name is set in regular or bold: print a character only if both have its glyph.
    maps = [font.cmap for font in (pdf.fonts[SANS], pdf.fonts[SANS + "B"]) if _is_truetype(font)]
    return Fonts(SANS, lambda char: all(ord(char) in cmap for cmap in maps), str(regular))


def _is_truetype(font: object) -> TypeGuard[TTFFont]:
    return isinstance(font, TTFFont)


def _folders() -> list[Path]:
    folders = [Path(folder).expanduser() for folder in _FOLDERS]
    windows = os.environ.get("WINDIR")
    if windows:
        folders.append(Path(windows) / "Fonts")
    return folders


def _find(families: Iterable[tuple[str, str]], folders: list[Path]) -> tuple[Path, Path] | None:
    """(regular, bold) of the first family found in a folder; the regular alone serves for bold
    when a system has only that."""
    for regular_name, bold_name in families:
        for folder in folders:
            regular = folder / regular_name
            if regular.is_file():
                bold = folder / bold_name
                return regular, bold if bold.is_file() else regular
    return None
