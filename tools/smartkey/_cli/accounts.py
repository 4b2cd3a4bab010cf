"""Accounts on the token: info, list, add, import, rename, remove, verify, wipe."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from smartkey._cli.backup import load_sources, write_backup
from smartkey._cli.pair import pairing_status
from smartkey._cli.util import (
    CliError,
    Context,
    ReadsExports,
    backup_options,
    code_settings,
    console,
    device_errors,
    provision,
    shown_digits,
)
from smartkey.account import Account
from smartkey.device import Entry, check_fits, check_value, optional


def load_exports(files: Sequence[Path], password: str | None) -> list[Account]:
    """The accounts of export files taken as one import (a Google Authenticator export split
    over several QR images must be complete), asking for the password if one is encrypted."""
    from smartkey import importers

    datas = [path.read_bytes() for path in files]
    names = [path.name for path in files]
    try:
        return importers.load_all(datas, password, names=names)
    except importers.PasswordNeeded as error:
        if password is not None:
            raise
        console.print(escape(str(error)))
        return importers.load_all(datas, click.prompt("Password", hide_input=True), names=names)


@click.command()
@click.pass_obj
@device_errors
def info(ctx: Context) -> None:
    """Show the token: firmware, profile, clock, accounts, locked or not, and whether this
    computer is paired with it."""
    token = ctx.token()
    details = token.info()
    status = pairing_status(token, details)
    table = Table(show_header=False, box=None)
    for key in (
        "firmware",
        "profile",
        "state",
        "accounts",
        "capacity",
        "clock_status",
        "device_id",
    ):
        value = details.get(key)
        table.add_row(key.replace("_", " "), "—" if value is None else escape(str(value)))
    table.add_row("paired", status)
    chip = optional(details, "secure_element", str)
    table.add_row("secure element", escape(SECURE_ELEMENT.get(chip, str(chip))))
    console.print(table)


# What the token's `info` says of its secure element (docs/secure-element.md), for a user.
SECURE_ELEMENT = {
    None: "none: a copy of the flash can be searched for the PIN",
    "needed": "none: the vault needs its ATECC608 (check the setting)",
    "absent": "ATECC608 not found: check its wiring or the setting",
    "not-set-up": "ATECC608, not set up: the token asks at the first PIN",
    "ready": "ATECC608, set up: the next new PIN re-keys it",
    "unused": "ATECC608 present, but the vault was made without it",
    "in-use": "ATECC608: the vault needs it; it counts wrong PINs",
    "foreign": "ATECC608 locked for another use: replace it",
    "spent": "ATECC608 with its tries used up: the vault stays locked",
    "error": "ATECC608 not answering as it should: see the token",
}


@click.command(name="list")
@click.pass_obj
@device_errors
def list_accounts(ctx: Context) -> None:
    """List the accounts on the token (never their secrets)."""
    table = Table("#", "issuer", "name", "type", "algorithm", "digits", "period")
    for entry in ctx.token().accounts():
        table.add_row(
            str(entry.index),
            escape(entry.issuer),  # names are data, never rich markup
            escape(entry.name),
            entry.type,
            entry.algorithm.upper(),
            str(shown_digits(entry)),
            f"{entry.period} s" if entry.type != "hotp" else "—",
        )
    console.print(table)


def _backup_first(backup: Path | None, accounts: list[Account], passphrase: str | None) -> None:
    """The backup before the token: if it cannot be written, the token is not changed."""
    if backup is not None:
        for number, account in enumerate(accounts, 1):
            check_fits(account, number)  # so that the backup holds what the token will
        write_backup(backup, accounts, passphrase)


@click.command()
@click.argument("uri", required=False, metavar="[URI | -]")
@click.option(
    "--qr",
    "qr",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A QR code image; give it again for each image of a Google Authenticator export.",
)
@click.option("--manual", is_flag=True, help="Type the secret at a hidden prompt.")
@backup_options
@click.pass_obj
@device_errors
def add(
    ctx: Context,
    uri: str | None,
    qr: tuple[Path, ...],
    manual: bool,
    backup: Path | None,
    backup_passphrase: str | None,
) -> None:
    """Add an account: an otpauth:// URI, QR code images, or typed in by hand.

    Give the URI on standard input or at the hidden prompt (no URI, or -), not as an
    argument: other users of this computer can read a program's arguments, and the shell
    keeps them in its history."""
    if sum((uri is not None, bool(qr), manual)) > 1:
        raise CliError("give exactly one of: a URI, --qr IMAGE (once or more), --manual")
    if uri is not None or not (qr or manual):
        from smartkey import uri as uris

        if uri is None or uri == "-":
            uri = _read_uri()
        elif "secret=" in uri.lower():
            click.echo(
                "Warning: the secret is in this command's arguments, where other users of this "
                "computer can read it and the shell history keeps it; next time give the URI "
                "on standard input: smartkey add -",
                err=True,
            )
        accounts = [uris.parse(uri)]
    elif qr:
        accounts = load_exports(qr, None)
    else:
        accounts = [_typed_account()]
    _backup_first(backup, accounts, backup_passphrase)
    provision(ctx, accounts)


def _read_uri() -> str:
    """One otpauth URI from standard input, or typed at a hidden prompt on a terminal."""
    stdin = sys.stdin
    if stdin.isatty():
        return str(click.prompt("otpauth URI (hidden)", hide_input=True)).strip()
    text = stdin.readline().strip()
    if not text:
        raise CliError("no URI on standard input (smartkey add - < file, or type it at the prompt)")
    return text


def _typed_account() -> Account:
    from smartkey.base32 import b32decode

    issuer = click.prompt("Issuer (the service)", default="", show_default=False)
    name = click.prompt("Account name")
    secret = b32decode(click.prompt("Secret key (base32, hidden)", hide_input=True))
    kind = click.prompt("Type", type=click.Choice(["totp", "hotp", "steam"]), default="totp")
    algorithm = "SHA1"
    digits = 5 if kind == "steam" else 6
    if kind != "steam":
        algorithm = click.prompt(
            "Algorithm", type=click.Choice(["SHA1", "SHA256", "SHA512"]), default="SHA1"
        )
        digits = click.prompt("Digits", type=click.IntRange(6, 8), default=6)
    period = 30
    counter = 0
    if kind == "hotp":
        counter = click.prompt("Counter", type=click.IntRange(0), default=0)
    elif kind == "totp":
        period = click.prompt("Period (seconds)", type=click.IntRange(1, 65535), default=30)
    return Account(
        secret=secret,
        issuer=issuer,
        name=name,
        type=kind,
        algorithm=algorithm,
        digits=digits,
        period=period,
        counter=counter,
    )


@click.command(name="import", cls=ReadsExports)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--password", help="For encrypted exports (asked for if needed and not given).")
@backup_options
@click.pass_obj
@device_errors
def import_file(
    ctx: Context,
    files: tuple[Path, ...],
    password: str | None,
    backup: Path | None,
    backup_passphrase: str | None,
) -> None:
    """Add every account of other apps' exports. Several FILES are one import: all the QR
    code images of a Google Authenticator export go together, and it is added whole or not
    at all."""
    accounts = load_exports(files, password)
    _backup_first(backup, accounts, backup_passphrase)
    provision(ctx, accounts)


@click.command()
@click.argument("index", type=int)
@click.option("--issuer", help="New issuer (default: keep).")
@click.option("--name", help="New account name (default: keep).")
@click.pass_obj
@device_errors
def rename(ctx: Context, index: int, issuer: str | None, name: str | None) -> None:
    """Rename account INDEX (see `smartkey list`); confirm on the token."""
    token = ctx.token()
    entry = _entry(token, index)
    console.print("Confirm on the token: press B to rename.")
    token.rename(index, entry.issuer if issuer is None else issuer, name or entry.name)
    console.print("Renamed.")


@click.command()
@click.argument("index", type=int)
@click.pass_obj
@device_errors
def remove(ctx: Context, index: int) -> None:
    """Remove account INDEX (see `smartkey list`); confirm on the token."""
    token = ctx.token()
    entry = _entry(token, index)
    console.print(f"Confirm on the token: hold B to remove {escape(entry.label)}.")
    token.remove(index)
    console.print("Removed.")


def _entry(token: Any, index: int) -> Any:
    entries = token.accounts()
    if not 0 <= index < len(entries):
        raise CliError(
            f"no account {index}: the token has {len(entries)} (0 to {len(entries) - 1})"
        )
    return entries[index]


@click.command(cls=ReadsExports)
@click.argument("sources", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", help="For encrypted SOURCES (asked for if needed and not given).")
@click.pass_obj
@device_errors
def verify(ctx: Context, sources: tuple[Path, ...], password: str | None) -> None:
    """Check that the token holds the secrets of SOURCES (exports, backups, the paper sheet),
    by key check values: fingerprints that prove a secret without revealing it or any code.
    Accounts are matched by secret, not by name, so renamed and duplicated accounts are told
    apart from missing ones and from accounts only on the token."""
    token = ctx.token()
    entries = token.accounts()
    if not sources:
        table = Table("#", "account", "key check value")
        for entry in entries:
            table.add_row(str(entry.index), escape(entry.label), token.check(entry.index))
        console.print(table)
        return
    expected = load_sources(sources, password)
    on_token = {entry.index: token.check(entry.index) for entry in entries}
    report = compare(expected, entries, on_token)
    table = Table("account", "on the token", "result")
    for row in report.rows:
        table.add_row(*row)
    console.print(table)
    console.print(report.summary())
    if report.failures:
        raise CliError(f"{report.failures} of {len(expected)} accounts are not on the token")


class Comparison:
    """What :func:`compare` found, row by row and counted by kind."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []
        self.same = self.renamed = self.duplicated = self.missing = 0
        self.different = self.settings = self.extra = 0

    @property
    def failures(self) -> int:
        return self.missing + self.different + self.settings

    def summary(self) -> str:
        counts = [
            (self.same, "the same"),
            (self.renamed, "renamed on the token"),
            (self.duplicated, "on the token more than once"),
            (self.settings, "with other settings on the token"),
            (self.different, "with a different secret on the token"),
            (self.missing, "missing on the token"),
            (self.extra, "only on the token"),
        ]
        return "; ".join(f"{count} {what}" for count, what in counts if count) + "."


def compare(
    expected: Sequence[Account], entries: Sequence[Entry], kcvs: dict[int, str]
) -> Comparison:
    """Each expected account against the token's ``entries`` (``kcvs`` by index)."""
    found = Comparison()
    by_kcv: dict[str, list[Entry]] = {}
    for entry in entries:
        by_kcv.setdefault(kcvs[entry.index], []).append(entry)
    matched: set[int] = set()
    unmatched = []
    for account in expected:
        same = by_kcv.get(check_value(account.secret), [])
        if not same:
            unmatched.append(account)
            continue
        matched.update(entry.index for entry in same)
        found.rows.append(_matched(found, account, same))
    expected_kcvs = {check_value(account.secret) for account in expected}
    extra = [entry for entry in entries if kcvs[entry.index] not in expected_kcvs]
    for account in unmatched:
        # A token account of the same name but another secret: the secret changed.
        namesake = next((entry for entry in extra if entry.label == account.label), None)
        if namesake is not None:
            extra.remove(namesake)
            found.different += 1
            where, result = f"#{namesake.index}", "[red]DIFFERENT secret[/red]"
        else:
            found.missing += 1
            where, result = "—", "[red]missing on the token[/red]"
        found.rows.append((escape(account.label), where, result))
    for entry in extra:
        found.extra += 1
        found.rows.append(("—", f"#{entry.index} {escape(entry.label)}", "only on the token"))
    return found


def _matched(found: Comparison, account: Account, same: list[Entry]) -> tuple[str, str, str]:
    where = ", ".join(f"#{entry.index}" for entry in same)
    notes = []
    if len(same) > 1:
        found.duplicated += 1
        notes.append(f"on the token {len(same)} times")
    if not any(entry.label == account.label for entry in same):
        found.renamed += 1
        notes.append(f"renamed to {escape(same[0].label)!r}")
    if not any(code_settings(entry) == code_settings(account) for entry in same):
        found.settings += 1
        notes.append("[red]other settings[/red] (type, algorithm, digits or period)")
    else:
        found.same += not notes
    result = "[green]same secret[/green]" + (": " + "; ".join(notes) if notes else "")
    return escape(account.label), where, result


@click.command()
@click.confirmation_option(prompt="Erase every account on the token?")
@click.pass_obj
@device_errors
def wipe(ctx: Context) -> None:
    """Erase every account on the token (it asks for a yes on its buttons too)."""
    console.print("Confirm on the token: hold B to erase everything.")
    ctx.token().wipe()
    console.print("The token is empty; set a new PIN on it.")


COMMANDS = [info, list_accounts, add, import_file, rename, remove, verify, wipe]
