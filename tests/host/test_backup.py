"""Backups: the paper sheet read back from its PDF and from photos, the encrypted file against
wrong passphrases and damage, and restoring (or cloning a spare) through the CLI."""

import base64
import dataclasses
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from board_helpers import T0, demo_board, hands_off, unlock
from oled_text import code_on_screen, pyotp_view
from pairing_helpers import pair_board
from smartkey import importers, uri
from smartkey._cli import main
from smartkey.account import Account
from smartkey.backup import (
    DEFAULT_COST,
    BackupDamaged,
    BackupError,
    BackupTooCostly,
    Cost,
    PassphraseNeeded,
    fonts,
    restore,
    seal,
    sheet,
    unseal,
)
from smartkey.backup.card import secret_lines
from smartkey.backup.sealed import MAGIC, PAD_TO, read_header
from smartkey.clock import HostClock
from smartkey.device import check_value

CHEAP = Cost(memory_kib=256, iterations=1, lanes=1)  # tests only: the default is 64 MiB
MADE = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
DAMAGED = "wrong passphrase or damaged backup"
DPI = 200

ACCOUNTS = [
    Account(secret=b"12345678901234567890", issuer="GitHub", name="octocat"),
    Account(
        secret=bytes(range(1, 33)),
        issuer="Банк Ω",
        name="Zoë Ångström 中文 👍",
        algorithm="SHA256",
        digits=8,
        period=60,
    ),
    Account(
        secret=bytes(range(64)),
        issuer="ACME: Corp",
        name="user:with:colons",
        algorithm="SHA512",
        digits=8,
    ),
    Account(secret=b"steam-secret-20bytes", issuer="Steam", name="gaben", type="steam"),
    Account(
        secret=b"hotp-secret-20-bytes",
        issuer="Bank",
        name="card",
        type="hotp",
        counter=123_456_789,
        digits=7,
    ),
    Account(secret=b"0123456789", name="no:issuer"),
    Account(secret=bytes(range(40)), issuer="I" * 40, name="long.name." * 20),
    Account(secret=bytes(range(100, 120)), issuer="Ünïcödé", name="日本語のアカウント", period=15),
]


@pytest.fixture(scope="module")
def sheet_pdf():
    return sheet(ACCOUNTS, created=MADE)


def pages(pdf, dpi=DPI):
    document = pdfium.PdfDocument(pdf)
    return [document[i].render(scale=dpi / 72).to_pil() for i in range(len(document))]


def page_texts(pdf):
    document = pdfium.PdfDocument(pdf)
    return [document[i].get_textpage().get_text_bounded() for i in range(len(document))]


def decoded(image):
    """Every QR code's text in an image, read by zxing-cpp directly."""
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in zxingcpp.read_barcodes(image, formats=formats)]


def photo(image, angle=2.5, scale=0.85, quality=80):
    """A page as a phone or a scanner would give it: a little turned, resampled, JPEG."""
    turned = image.convert("RGB").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
    )
    size = (int(turned.width * scale), int(turned.height * scale))
    out = io.BytesIO()
    turned.resize(size, Image.Resampling.LANCZOS).save(out, "JPEG", quality=quality)
    return out.getvalue()


def key(account):
    return (account.label, account.secret)


# -- the paper sheet ------------------------------------------------------------------------


def test_every_qr_code_of_the_sheet_decodes_to_the_same_account(sheet_pdf):
    texts = [text for image in pages(sheet_pdf) for text in decoded(image)]
    assert sorted((uri.parse(text) for text in texts), key=key) == sorted(ACCOUNTS, key=key)


def test_restore_reads_the_pdf_in_the_sheets_order(sheet_pdf):
    assert restore.load(sheet_pdf) == ACCOUNTS


def test_photos_of_the_pages_restore_the_same_accounts(sheet_pdf):
    photos = [
        photo(image, angle) for image, angle in zip(pages(sheet_pdf), (2.5, -3), strict=False)
    ]
    for data in photos:
        for account in importers.load(data):
            assert account in ACCOUNTS
    # Two photos of the first page, as happens: the duplicates are restored once.
    found = restore.load_files([photos[0], *photos])
    assert sorted(found, key=key) == sorted(ACCOUNTS, key=key)


def test_the_sheet_says_what_it_is_how_to_restore_and_how_to_keep_it(sheet_pdf):
    texts = page_texts(sheet_pdf)
    first = " ".join(texts[0].split())
    for words in (
        "smartkey paper backup",
        "made 2025-06-01",
        "smartkey restore backup.pdf",
        "photos or scans",
        "scan each QR code",
        "smartkey verify",
        "offline",
        "syncs to a cloud",
        "Anyone with this sheet has every account",
        "shred the old one",
        f"{len(ACCOUNTS)} accounts on {len(texts)} pages",
    ):
        assert words in first, words
    for text in texts:
        assert "SECRET: anyone with this page has these accounts" in text
    everything = " ".join(" ".join(texts).split())
    for account in ACCOUNTS:
        assert check_value(account.secret) in everything
        for line in secret_lines(account.secret):
            assert line in everything
    assert "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ" in everything  # groups of four
    assert "123456789 when printed" in everything and "SHA512" in everything
    assert "Банк Ω" in everything  # a font with Cyrillic and Greek was found and embedded


def test_the_secret_is_grouped_by_four():
    assert secret_lines(b"12345678901234567890") == ["GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"]
    assert [len(line) for line in secret_lines(bytes(64))] == [39, 39, 39, 8]


def test_without_a_unicode_font_names_are_approximated_and_never_crash():
    core = fonts.install(FPDF(), system=False)
    assert core.text("Zoë Ωmega 中文 ő ﬁ") == ("Zoë ?mega ?? o fi", True)
    assert core.text("plain\tname\u200b") == ("plain name", True)
    assert core.text("Café") == ("Café", False)
    pdf = sheet(ACCOUNTS, created=MADE, system_fonts=False)
    assert restore.load(pdf) == ACCOUNTS  # the QR codes hold the exact names
    assert "Shown approximately" in " ".join(" ".join(page_texts(pdf)).split())


def test_a_font_that_is_not_one_is_a_clear_error(tmp_path):
    bad = tmp_path / "font.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(BackupError, match="could not be loaded"):
        sheet(ACCOUNTS[:1], font=bad)


def test_250_accounts_make_a_tidy_sheet_and_a_restore_checks_the_count():
    many = [
        Account(secret=bytes([i % 256, 7]) * 10, issuer=f"Issuer {i}", name=f"user{i}@example.com")
        for i in range(250)
    ]
    pdf = sheet(many, created=MADE)
    texts = page_texts(pdf)
    assert 30 <= len(texts) <= 34  # 6 accounts on the first page, 8 on the others
    assert "accounts 1-6 of 250" in texts[0] and "of 250" in texts[-1]
    assert f"page {len(texts)} of {len(texts)}" in texts[-1]
    last = [uri.parse(text) for text in decoded(_last_page(pdf))]
    assert last and sorted(last, key=key) == sorted(many[-len(last) :], key=key)
    # A sheet that claims more accounts than its QR codes hold is refused, not half-restored.
    short = sheet(many[:3], created=MADE)
    short = short.replace(b"paper backup: 3 accounts", b"paper backup: 4 accounts")
    with pytest.raises(BackupError, match="holds 4 accounts but 3 QR codes were read"):
        restore.load(short)


def _last_page(pdf):
    document = pdfium.PdfDocument(pdf)
    return document[len(document) - 1].render(scale=DPI / 72).to_pil()


# -- the encrypted file ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sealed():
    return seal(ACCOUNTS, "correct horse battery staple", created=MADE, cost=CHEAP)


def test_an_encrypted_backup_opens_to_the_same_accounts(sealed):
    opened = unseal(sealed, "correct horse battery staple")
    assert opened.accounts == ACCOUNTS and opened.created == MADE
    assert restore.load(sealed, "correct horse battery staple") == ACCOUNTS


def test_the_file_describes_itself():
    data = seal(ACCOUNTS[:1], "pw", created=MADE)
    assert data.startswith(MAGIC)
    header = json.loads(data[len(MAGIC) : data.index(b"\n", len(MAGIC))])
    assert header["version"] == 1
    kdf = header["kdf"]
    assert (kdf["name"], kdf["memory_kib"], kdf["iterations"], kdf["lanes"]) == (
        "argon2id",
        65536,
        3,
        4,
    )
    assert len(base64.b64decode(kdf["salt"])) == 16
    assert header["cipher"]["name"] == "aes-256-gcm"
    assert Cost(65536, 3, 4) == DEFAULT_COST
    assert b"GitHub" not in data and b"octocat" not in data  # names are secret too


def test_sizes_say_little_about_the_number_of_accounts():
    one = seal(TOKEN_ACCOUNTS[:1], "pw", cost=CHEAP)
    three = seal(TOKEN_ACCOUNTS + ACCOUNTS[:1], "pw", cost=CHEAP)
    assert len(one) == len(three)
    assert (len(one) - one.index(b"\n", len(MAGIC)) - 1 - 16) % PAD_TO == 0


def test_a_wrong_passphrase_is_one_clear_error(sealed):
    with pytest.raises(BackupDamaged) as error:
        unseal(sealed, "Correct horse battery staple")
    assert str(error.value) == DAMAGED


def test_the_passphrase_is_read_as_text_not_as_keystrokes():
    data = seal(ACCOUNTS[:1], "caf\u00e9", cost=CHEAP)  # é as one code point
    assert unseal(data, "cafe\u0301").accounts == ACCOUNTS[:1]  # é as e and an accent


def test_every_flipped_byte_is_the_same_error(sealed):
    for position in range(len(sealed)):
        damaged = bytearray(sealed)
        damaged[position] ^= 0x01
        with pytest.raises(BackupDamaged) as error:
            restore.load(bytes(damaged), "correct horse battery staple")
        assert str(error.value).startswith(DAMAGED), position


@given(st.data())
def test_any_change_to_any_byte_is_the_same_error(sealed, data):
    position = data.draw(st.integers(0, len(sealed) - 1))
    flip = data.draw(st.integers(1, 255))
    damaged = bytearray(sealed)
    damaged[position] ^= flip
    with pytest.raises(BackupDamaged) as error:
        restore.load(bytes(damaged), "correct horse battery staple")
    assert str(error.value).startswith(DAMAGED)


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "lanes"),
    [(1 << 20, 64, 4), (1 << 20, 1, 4), (65536, 64, 4), (131072, 4, 4), (65536, 3, 16)],
)
def test_a_hostile_header_is_refused_at_once_with_a_clear_error(
    tmp_path, memory_kib, iterations, lanes
):
    # 1 GiB x 64 passes took about 290 s of Argon2id before the passphrase was even checked.
    data = seal(ACCOUNTS[:1], "pw", cost=CHEAP)
    costly = data.replace(
        b'"memory_kib":256,"iterations":1,"lanes":1',
        b'"memory_kib":%d,"iterations":%d,"lanes":%d' % (memory_kib, iterations, lanes),
    )
    assert costly != data
    with pytest.raises(BackupTooCostly, match="more than smartkey writes"):
        read_header(costly)
    backup = tmp_path / "hostile.skbackup"
    backup.write_bytes(costly)
    result = CliRunner().invoke(main, ["restore", "--dry-run", "--password", "pw", str(backup)])
    assert result.exit_code != 0
    assert "more than smartkey writes" in result.output


def test_what_smartkey_backup_writes_is_within_the_cap():
    header = read_header(seal(ACCOUNTS[:1], "pw"))
    assert header[2] == DEFAULT_COST


def test_a_truncated_file_is_the_same_error(sealed):
    for length in range(1, len(sealed)):
        with pytest.raises(BackupDamaged) as error:
            restore.load(sealed[:length], "correct horse battery staple")
        assert str(error.value).startswith(DAMAGED), length


def test_a_header_asking_for_absurd_costs_is_refused_before_any_work():
    data = seal(ACCOUNTS[:1], "pw", cost=CHEAP)
    huge = data.replace(b'"memory_kib":256', b'"memory_kib":99999999')
    with pytest.raises(BackupTooCostly):
        read_header(huge)
    newer = data.replace(b'{"version":1', b'{"version":2')
    with pytest.raises(BackupDamaged, match="format version 2"):
        unseal(newer, "pw")


def test_the_passphrase_is_asked_for_only_when_the_header_is_sound(sealed):
    asked = []

    def ask(what):
        asked.append(what)
        return "correct horse battery staple"

    with pytest.raises(PassphraseNeeded):
        restore.load(sealed)
    assert restore.load_files([sealed, sealed], ask=ask) == ACCOUNTS
    assert asked == ["passphrase"]  # once for both files
    with pytest.raises(BackupDamaged):
        restore.load(sealed[:40], ask=ask)
    assert asked == ["passphrase"]


def test_an_empty_passphrase_is_refused():
    with pytest.raises(BackupError, match="must not be empty"):
        seal(ACCOUNTS, "", cost=CHEAP)


# -- through the CLI, onto the virtual board --------------------------------------------------

TOKEN_ACCOUNTS = [
    Account(secret=b"first-secret-twenty!", issuer="Shop", name="alice"),
    Account(
        secret=b"second secret, 32 bytes long....",
        issuer="Zoë",
        name="bob:work",
        algorithm="SHA256",
        digits=8,
        period=60,
    ),
]


@pytest.fixture
def board(tmp_path):
    with demo_board(tmp_path, utc=T0) as board:
        unlock(board)
        hands_off(board)
        yield board


def run(board, *args, input=None):
    """The CLI on the board's data channel; the computer's clock is the simulation's."""
    connection = board.connect()
    given = {"connect": lambda port: connection, "clock": HostClock(board.utc, board.step)}
    result = CliRunner().invoke(main, [str(arg) for arg in args], obj=given, input=input)
    hands_off(board)  # the user reads the result: the next question is not refused as busy
    return result


def totp(account):
    return pyotp.TOTP(
        base64.b32encode(account.secret).decode(),
        digits=account.digits,
        digest=account.algorithm.lower(),
        interval=account.period,
    )


def assert_shows_codes_of(board, accounts):
    """From the first account, A goes back to the last: the restored ones, newest first."""
    for account in reversed(accounts):
        board.press("A")
        assert code_on_screen(board) == pyotp_view(board, totp(account)), account.label


def test_restore_an_encrypted_backup_onto_the_token(paired, board, tmp_path):
    backup = tmp_path / "accounts.skbackup"
    backup.write_bytes(seal(TOKEN_ACCOUNTS, "pass phrase", cost=CHEAP))
    result = run(board, "restore", backup, "--password", "wrong")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {DAMAGED}"]
    board.press_later("B", after=1.0)
    result = run(board, "restore", backup, input="pass phrase\n")  # asked for
    assert result.exit_code == 0, result.output
    assert "Added 2 accounts; the token now holds 5." in result.output
    assert_shows_codes_of(board, TOKEN_ACCOUNTS)


def test_a_paper_sheet_restores_a_token_and_clones_a_spare(paired, board, tmp_path):
    source = tmp_path / "export.txt"
    source.write_text("\n".join(uri.build(account) for account in TOKEN_ACCOUNTS))
    pdf = tmp_path / "sheet.pdf"
    result = run(board, "backup", source, "--pdf", pdf)
    assert result.exit_code == 0, result.output
    for secret in (account.secret for account in TOKEN_ACCOUNTS):
        assert base64.b32encode(secret).decode()[:8] not in result.output
    assert pdf.stat().st_mode & 0o077 == 0  # readable by its owner only

    result = run(board, "restore", pdf, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Shop: alice" in result.output and "Zoë: bob:work" in result.output
    assert "Would restore 2 accounts." in result.output
    assert check_value(TOKEN_ACCOUNTS[0].secret) not in result.output

    board.press_later("B", after=1.0)
    assert run(board, "restore", pdf).exit_code == 0
    assert_shows_codes_of(board, TOKEN_ACCOUNTS)
    with demo_board(tmp_path / "spare", utc=T0) as spare:
        unlock(spare)
        hands_off(spare)
        pair_board(spare)  # a token of its own: paired before it gets a secret
        spare.press_later("B", after=1.0)
        result = run(spare, "restore", pdf)
        assert result.exit_code == 0, result.output
        assert_shows_codes_of(spare, TOKEN_ACCOUNTS)


def test_add_with_backup_writes_the_backup_first(paired, board, tmp_path):
    link = uri.build(TOKEN_ACCOUNTS[1])
    backup = tmp_path / "new.skbackup"
    board.press_later("B", after=1.0)
    result = run(board, "add", link, "--backup", backup, "--backup-passphrase", "a b c d e f")
    assert result.exit_code == 0, result.output
    assert restore.load(backup.read_bytes(), "a b c d e f") == [uri.parse(link)]
    assert "the token now holds 4" in result.output
    # A backup is never overwritten, and then nothing reaches the token.
    result = run(board, "add", link, "--backup", backup, "--backup-passphrase", "x")
    assert result.exit_code == 1
    assert "exists" in result.output
    assert run(board, "list").output.count("bob:work") == 1


def test_import_with_backup_asks_for_the_passphrase_twice(paired, board, tmp_path):
    source = tmp_path / "export.txt"
    source.write_text("\n".join(uri.build(account) for account in TOKEN_ACCOUNTS))
    backup = tmp_path / "import.skbackup"
    board.press_later("B", after=1.0)
    typed = "long enough pass phrase\nlong enough pass phrase\n"
    result = run(board, "import", source, "--backup", backup, input=typed)
    assert result.exit_code == 0, result.output
    assert "long enough" not in result.output
    assert unseal(backup.read_bytes(), "long enough pass phrase").accounts == TOKEN_ACCOUNTS


def test_backup_to_a_file_takes_the_passphrase_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTKEY_BACKUP_PASSPHRASE", "from the environment")
    source = tmp_path / "export.txt"
    source.write_text(uri.build(TOKEN_ACCOUNTS[0]))
    backup = tmp_path / "env.skbackup"
    result = CliRunner().invoke(main, ["backup", str(source), "--file", str(backup)])
    assert result.exit_code == 0, result.output
    assert unseal(backup.read_bytes(), "from the environment").accounts == TOKEN_ACCOUNTS[:1]
    result = CliRunner().invoke(main, ["backup", str(source)])
    assert result.exit_code == 1 and "--pdf" in result.output


def test_backup_asks_for_the_password_of_an_encrypted_export(tmp_path):
    vault = Path(__file__).resolve().parents[1] / "vectors" / "importers" / "aegis_encrypted.json"
    backup = tmp_path / "aegis.skbackup"
    args = ["backup", str(vault), "--file", str(backup), "--backup-passphrase", "p" * 16]
    result = CliRunner().invoke(main, args, input="test\n")
    assert result.exit_code == 0, result.output
    assert "Password of the export" in result.output
    assert unseal(backup.read_bytes(), "p" * 16).accounts == importers.load(
        vault.read_bytes(), "test"
    )


def test_restore_skips_accounts_already_on_the_token_and_says_how_many(paired, board, tmp_path):
    backup = tmp_path / "accounts.skbackup"
    backup.write_bytes(seal(TOKEN_ACCOUNTS, "pass phrase", cost=CHEAP))
    board.press_later("B", after=1.0)
    result = run(board, "restore", backup, "--password", "pass phrase")
    assert result.exit_code == 0, result.output
    assert "Skipped" not in result.output

    # Renamed on the token, it is still the same account: restoring again adds nothing.
    board.press_later("B", after=1.0)
    assert run(board, "rename", "3", "--name", "alice at work").exit_code == 0
    result = run(board, "restore", backup, "--password", "pass phrase")
    assert result.exit_code == 0, result.output
    assert "Skipped 2 accounts already on the token (the same secret and settings)." in (
        " ".join(result.output.split())
    )
    assert "Nothing to restore" in result.output
    assert re.search(r"accounts\s+5\b", run(board, "info").output)

    # The same secret with other settings is another account: it is restored.
    other = dataclasses.replace(TOKEN_ACCOUNTS[1], period=30)
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("\n".join(uri.build(a) for a in (TOKEN_ACCOUNTS[0], other)))
    board.press_later("B", after=1.0)
    result = run(board, "restore", mixed)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Skipped 1 account already on the token" in text
    assert "Added 1 account; the token now holds 6." in text
