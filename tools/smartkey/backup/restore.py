"""Accounts back from a backup: an encrypted file, the paper sheet's PDF, or photos of it.

:func:`load` tells the kinds apart by their first bytes:

* an encrypted backup (:mod:`smartkey.backup.sealed`), asking for the passphrase only once the
  header is known to be sound;
* a PDF: the paper sheet, or scans of it saved as a PDF. Every page is rendered (pypdfium2)
  and every QR code on it decoded (zxing-cpp), in reading order, so the accounts come back in
  the sheet's order. If the PDF is a sheet, its subject says how many accounts it holds and
  fewer or more is an error: a restore never silently leaves one out;
* anything else goes to :func:`smartkey.importers.load`, which reads photos and scans of the
  sheet (PNG, JPEG) and every export format the tool imports.

:func:`load_files` reads several files as one restore and drops identical accounts, as when
two photos of the same page were taken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple

from smartkey.account import Account
from smartkey.backup import paper, sealed
from smartkey.backup.errors import BackupError

DPI = 200  # a module of the sheet's QR codes is then 3.5 pixels or more
_PDF = b"%PDF-"
_URI_PREFIXES = ("otpauth:", "otpauth-migration:")

# Asks the user for "passphrase" (of an encrypted backup) or "password" (of an export).
Ask = Callable[[str], str]


def kind(data: bytes) -> str:
    """What ``data`` is: "backup" (encrypted, damaged or not), "pdf", or "other"."""
    if sealed.looks_sealed(data):
        return "backup"
    if bytes(data[: len(_PDF)]) == _PDF:
        return "pdf"
    return "other"


def load(
    data: bytes, password: str | None = None, *, ask: Ask | None = None, dpi: int = DPI
) -> list[Account]:
    """Every account in one file of any kind :func:`kind` knows.

    ``password`` opens an encrypted backup or an encrypted export. Without it, ``ask`` is
    called for the passphrase of an encrypted backup once its header is known to be sound
    (else :class:`PassphraseNeeded`) and for the password of an encrypted export (else
    :class:`smartkey.importers.PasswordNeeded`).
    """
    found = kind(data)
    if found == "backup":
        sealed.read_header(data)
        if password is None and ask is not None:
            password = ask("passphrase")
        return sealed.unseal(data, password).accounts
    if found == "pdf":
        return read_pdf(data, dpi)
    from smartkey import importers

    return _with_password(lambda given: importers.load(data, given), password, ask)


def load_files(
    files: Sequence[bytes],
    password: str | None = None,
    *,
    ask: Ask | None = None,
    dpi: int = DPI,
    names: Sequence[str] | None = None,
) -> list[Account]:
    """The accounts of several files as one restore, in order, without duplicates.

    ``ask`` is called at most once for each thing it is asked: one passphrase opens several
    backups. Exports and images alone go through :func:`smartkey.importers.load_all`
    together, so that a Google Authenticator export spread over several QR images is checked
    complete. Errors name the file by its name in ``names``, else by its position ("file 2,
    …").
    """
    ask = _once(ask)
    if len(files) > 1 and all(kind(data) == "other" for data in files):
        from smartkey import importers

        return dedupe(
            _with_password(lambda given: importers.load_all(files, given, names), password, ask)
        )
    accounts: list[Account] = []
    for number, data in enumerate(files, 1):
        try:
            accounts += load(data, password, ask=ask, dpi=dpi)
        except ValueError as error:
            if len(files) > 1:
                # The same type, so that a caller still tells a damaged backup from the rest.
                where = f"{names[number - 1]}: " if names else f"file {number}, "
                error.args = (f"{where}{error}",)
            raise
    return dedupe(accounts)


def dedupe(accounts: Iterable[Account]) -> list[Account]:
    """``accounts`` in order, each identical one (every field the same) only once."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    for account in accounts:
        key = astuple(account)
        if key not in seen:
            seen.add(key)
            unique.append(account)
    return unique


def read_pdf(data: bytes, dpi: int = DPI) -> list[Account]:
    """The accounts of every otpauth QR code in a PDF, page by page in reading order."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    from smartkey.importers import otpauth

    try:
        document = pdfium.PdfDocument(bytes(data))
    except pdfium.PdfiumError:
        raise BackupError("the PDF could not be read: damaged, or locked with a password") from None
    try:
        expected = paper.expected_count(document.get_metadata_value("Subject"))
        uris: list[tuple[str, str]] = []
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            finally:
                page.close()
            texts = _qr_texts(image)
            if not texts:
                raise BackupError(f"page {index + 1}: no otpauth QR code found")
            uris += [(f"page {index + 1}, QR code {n}", text) for n, text in enumerate(texts, 1)]
    finally:
        document.close()
    if expected is not None and len(uris) != expected:
        raise BackupError(
            f"the sheet holds {expected} accounts but {len(uris)} QR codes were read; "
            f"try a higher --dpi than {dpi}"
        )
    return otpauth.load(uris)


def _qr_texts(image: object) -> list[str]:
    """The otpauth texts of the QR codes in a page image, top to bottom, left to right."""
    import zxingcpp

    codes = zxingcpp.read_barcodes(
        image,
        formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
        text_mode=zxingcpp.TextMode.Plain,
    )
    placed = []
    for code in codes:
        text = code.text.strip()
        if text[:20].lower().startswith(_URI_PREFIXES):
            corners = (code.position.top_left, code.position.bottom_right)
            x, y = (sum(p.x for p in corners) / 2, sum(p.y for p in corners) / 2)
            size = float(abs(corners[1].y - corners[0].y))
            placed.append((y, x, size, text))
    return [text for _, _, _, text in _reading_order(placed)]


def _reading_order(
    placed: list[tuple[float, float, float, str]],
) -> list[tuple[float, float, float, str]]:
    """Codes in rows (centres less than half a code apart vertically), each row left to right:
    a scanned page is never perfectly straight, so exact y order would zig-zag."""
    rows: list[list[tuple[float, float, float, str]]] = []
    for item in sorted(placed):
        if rows and item[0] - rows[-1][0][0] < max(rows[-1][0][2], item[2]) / 2:
            rows[-1].append(item)
        else:
            rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda item: item[1])]


def _with_password(
    load: Callable[[str | None], list[Account]], password: str | None, ask: Ask | None
) -> list[Account]:
    """``load(password)``; if an export turns out to be encrypted and there is no password,
    once more with the one the user gives."""
    from smartkey.importers import PasswordNeeded

    try:
        return load(password)
    except PasswordNeeded:
        if password is not None or ask is None:
            raise
    return load(ask("password"))


def _once(ask: Ask | None) -> Ask | None:
    """``ask``, asking the user each thing only once."""
    if ask is None:
        return None
    answers: dict[str, str] = {}

    def cached(what: str) -> str:
        if what not in answers:
            answers[what] = ask(what)
        return answers[what]

    return cached
