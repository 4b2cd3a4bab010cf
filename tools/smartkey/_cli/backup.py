"""``smartkey backup`` and ``smartkey restore``: backups made on this computer, and a token (or
a spare) provisioned again from them. Also what ``add --backup`` and ``import --backup`` use.

Nothing here prints a secret or a code: listings show labels only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from smartkey import uri
from smartkey._cli.util import (
    PASSPHRASE_ENV,
    CliError,
    CodeSettings,
    Context,
    ReadsExports,
    code_settings,
    console,
    count,
    device_errors,
    passphrase_option,
    provision,
)
from smartkey.account import Account

SHORT_PASSPHRASE = 12  # characters; below this, a warning (not a refusal)


@click.command(cls=ReadsExports)
@click.argument(
    "sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Paper sheet to print."
)
@click.option(
    "--file", type=click.Path(dir_okay=False, path_type=Path), help="Encrypted backup to write."
)
@click.option("--password", help="For encrypted sources (asked for if needed and not given).")
@passphrase_option
@click.option(
    "--font",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TrueType font for names in scripts DejaVu Sans lacks (CJK, say).",
)
@device_errors
def backup(
    sources: tuple[Path, ...],
    pdf: Path | None,
    file: Path | None,
    password: str | None,
    backup_passphrase: str | None,
    font: Path | None,
) -> None:
    """Back up the accounts of SOURCE files (any export `smartkey import` reads, or a backup)
    as a paper sheet (--pdf) and/or an encrypted file (--file). Neither needs the token."""
    if pdf is None and file is None:
        raise CliError("say where to write the backup: --pdf SHEET.pdf and/or --file FILE")
    if pdf is not None and file is not None and pdf.resolve() == file.resolve():
        raise CliError("--pdf and --file must be different files")
    for target in (pdf, file):
        if target is not None:
            _check_new(target)
    accounts = load_sources(sources, password)
    if file is not None:
        write_backup(file, accounts, backup_passphrase)
    if pdf is not None:
        from smartkey.backup import sheet

        with console.status("Laying out the sheet"):
            document = sheet(accounts, font=font)
        _write_new(pdf, document)
        console.print(
            f"Wrote the paper sheet of {count(len(accounts))} to {pdf}. Print it, check that it "
            "printed whole, then delete the PDF."
        )


@click.command(cls=ReadsExports)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--password",
    help=f"The backup's passphrase (default: ${PASSPHRASE_ENV}, else asked), or an encrypted "
    "export's password.",
)
@click.option("--dry-run", is_flag=True, help="Only list what would be restored (names only).")
@click.option(
    "--dpi",
    type=click.IntRange(100, 600),
    default=200,
    show_default=True,
    help="Resolution at which PDF pages are read.",
)
@click.pass_obj
@device_errors
def restore(
    ctx: Context, files: tuple[Path, ...], password: str | None, dry_run: bool, dpi: int
) -> None:
    """Put the accounts of backups back on the token, or onto a spare: an encrypted backup
    file, the paper sheet's PDF, photos or scans of the sheet, or any export. Identical
    accounts are restored once, and accounts the token already holds (the same secret and
    settings, whatever their names) are skipped; the token asks for a press of B."""
    accounts = load_sources(files, password, dpi)
    present = set() if dry_run else _on_the_token(ctx.token())
    table = Table("#", "account", "type", "")
    for number, account in enumerate(accounts, 1):
        note = "already on the token" if _fingerprint(account) in present else ""
        table.add_row(str(number), escape(account.label), account.type, note)
    console.print(table)
    if dry_run:
        console.print(f"Would restore {count(len(accounts))}.")
        return
    missing = [account for account in accounts if _fingerprint(account) not in present]
    skipped = len(accounts) - len(missing)
    if skipped:
        console.print(
            f"Skipped {count(skipped)} already on the token (the same secret and settings)."
        )
    if not missing:
        console.print("Nothing to restore: the token holds every account.")
        return
    provision(ctx, missing)


Fingerprint = tuple[str, CodeSettings]


def _fingerprint(account: Account) -> Fingerprint:
    """What makes two accounts give the same codes: the secret (by its key check value, as
    the token tells it) and the settings; not the name, which a user may have changed."""
    from smartkey.device import check_value

    return check_value(account.secret), code_settings(account)


def _on_the_token(token: Any) -> set[Fingerprint]:
    return {(token.check(entry.index), code_settings(entry)) for entry in token.accounts()}


def write_backup(path: Path, accounts: Sequence[Account], passphrase: str | None) -> None:
    """Write the encrypted backup of ``accounts`` to the new file ``path`` and read it back.

    ``add --backup`` and ``import --backup`` call this before anything goes to the token: if
    the backup cannot be written, the token is not changed.
    """
    from smartkey.backup import seal, unseal

    if not accounts:
        raise CliError("nothing to back up")
    _check_new(path)
    if passphrase is None:
        passphrase = click.prompt(
            "Passphrase for the backup", hide_input=True, confirmation_prompt=True
        )
    if len(passphrase) < SHORT_PASSPHRASE:
        console.print(
            f"Note: a passphrase under {SHORT_PASSPHRASE} characters can be guessed by anyone "
            "who gets the file; several random words are better."
        )
    _write_new(path, seal(accounts, passphrase))
    # Read back from the disk: a backup that does not open is found now, not on the day it
    # is needed. Compared as URIs hold them (an hotp account's period, say, is not kept).
    if unseal(path.read_bytes(), passphrase).accounts != [
        uri.parse(uri.build(a)) for a in accounts
    ]:
        raise CliError(f"{path} does not read back the same: the disk may be failing")
    console.print(
        f"Wrote the encrypted backup of {count(len(accounts))} to {path}; without the passphrase "
        "it cannot be opened."
    )


def load_sources(
    files: Sequence[Path], password: str | None, dpi: int | None = None
) -> list[Account]:
    """The accounts of backups and exports as one restore (see :func:`restore.load_files`),
    asking for a passphrase or password when one is needed and not given."""
    from smartkey.backup import restore

    def ask(what: str) -> str:
        if what == "passphrase":
            return os.environ.get(PASSPHRASE_ENV) or click.prompt(
                "Backup passphrase", hide_input=True
            )
        return click.prompt("Password of the export", hide_input=True)

    datas = [path.read_bytes() for path in files]
    names = [path.name for path in files]
    accounts = restore.load_files(datas, password, ask=ask, dpi=dpi or restore.DPI, names=names)
    if not accounts:
        raise CliError("no accounts found")
    return accounts


def _check_new(path: Path) -> None:
    if path.exists():
        raise CliError(
            f"{path} exists: remove it or choose another name (a backup is never overwritten)"
        )


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` readable by this user only, never replacing a file, and flush it to the
    disk; on any failure, leave no partial file behind."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags, 0o600)
    except FileExistsError:
        _check_new(path)
        raise
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise CliError(f"cannot write {path}: {error.strerror}") from None


COMMANDS = [backup, restore]
