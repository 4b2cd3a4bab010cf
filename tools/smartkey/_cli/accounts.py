"""Accounts on the token: info, list, add, import, rename, remove, verify, wipe."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from serial import SerialException

from smartkey._cli import CliError, Context
from smartkey.account import Account
from smartkey.device import DeviceError, check_fits, check_value

console = Console()


def device_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the token's and the parsers' errors into one clear line."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DeviceError as error:
            raise CliError(f"the token said: {error}") from None
        except ValueError as error:
            raise CliError(str(error)) from None
        except (OSError, SerialException) as error:
            raise CliError(f"lost the token: {error}") from None
        except (KeyError, TypeError) as error:
            raise CliError(f"the token answered something unexpected ({error!r})") from None

    return wrapper


@click.command()
@click.pass_obj
@device_errors
def info(ctx: Context) -> None:
    """Show the token: firmware, profile, clock, accounts, locked or not."""
    details = ctx.token().info()
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
    console.print(table)


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
            str(entry.digits),
            f"{entry.period} s" if entry.type != "hotp" else "—",
        )
    console.print(table)


def _provision(ctx: Context, accounts: list[Account]) -> None:
    if not accounts:
        raise CliError("nothing to add")
    token = ctx.token()
    noun = "account" if len(accounts) == 1 else "accounts"
    console.print(f"Confirm on the token: press B to add {len(accounts)} {noun}.")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("sending", total=len(accounts))
        total = token.add(accounts, lambda done: progress.update(task, completed=done))
    console.print(f"Added {len(accounts)} {noun}; the token now holds {total}.")


def _backup_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--backup FILE: an encrypted backup of exactly what the command adds, written first."""
    command = click.option(
        "--backup-passphrase",
        envvar="SMARTKEY_BACKUP_PASSPHRASE",
        help="Its passphrase (default: $SMARTKEY_BACKUP_PASSPHRASE, else asked twice).",
    )(command)
    return click.option(
        "--backup",
        type=click.Path(dir_okay=False, path_type=Path),
        help="First write an encrypted backup of the accounts to this new file.",
    )(command)


def _backup_first(backup: Path | None, accounts: list[Account], passphrase: str | None) -> None:
    """The backup before the token: if it cannot be written, the token is not changed."""
    if backup is not None:
        from smartkey._cli.backup import write_backup

        for number, account in enumerate(accounts, 1):
            check_fits(account, number)  # so that the backup holds what the token will
        write_backup(backup, accounts, passphrase)


@click.command()
@click.argument("uri", required=False)
@click.option("--qr", "qr", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--manual", is_flag=True, help="Type the secret at a hidden prompt.")
@_backup_options
@click.pass_obj
@device_errors
def add(
    ctx: Context,
    uri: str | None,
    qr: Path | None,
    manual: bool,
    backup: Path | None,
    backup_passphrase: str | None,
) -> None:
    """Add one account: an otpauth:// URI, a QR code image, or typed in by hand."""
    if sum((uri is not None, qr is not None, manual)) != 1:
        raise CliError("give exactly one of: a URI, --qr IMAGE, --manual")
    if uri is not None:
        from smartkey import uri as uris

        accounts = [uris.parse(uri)]
    elif qr is not None:
        from smartkey import importers

        accounts = importers.load(qr.read_bytes())
    else:
        accounts = [_typed_account()]
    _backup_first(backup, accounts, backup_passphrase)
    _provision(ctx, accounts)


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


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--password", help="For encrypted exports (asked for if needed and not given).")
@_backup_options
@click.pass_obj
@device_errors
def import_file(
    ctx: Context,
    file: Path,
    password: str | None,
    backup: Path | None,
    backup_passphrase: str | None,
) -> None:
    """Add every account of an export: URI list, Google, Aegis, 2FAS, andOTP, FreeOTP+, QR."""
    from smartkey import importers

    data = file.read_bytes()
    try:
        accounts = importers.load(data, password)
    except importers.PasswordNeeded:
        accounts = importers.load(data, click.prompt("Password", hide_input=True))
    _backup_first(backup, accounts, backup_passphrase)
    _provision(ctx, accounts)


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
    console.print(f"Confirm on the token: press B to remove {escape(entry.label)}.")
    token.remove(index)
    console.print("Removed.")


def _entry(token: Any, index: int) -> Any:
    entries = token.accounts()
    if not 0 <= index < len(entries):
        raise CliError(
            f"no account {index}: the token has {len(entries)} (0 to {len(entries) - 1})"
        )
    return entries[index]


@click.command()
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--password", help="For an encrypted SOURCE.")
@click.pass_obj
@device_errors
def verify(ctx: Context, source: Path | None, password: str | None) -> None:
    """Check that the token holds the same secrets as SOURCE (any importable file), by key
    check values: fingerprints that prove a secret without revealing it or any code."""
    token = ctx.token()
    entries = token.accounts()
    if source is None:
        table = Table("#", "account", "key check value")
        for entry in entries:
            table.add_row(str(entry.index), escape(entry.label), token.check(entry.index))
        console.print(table)
        return
    from smartkey import importers

    expected = {
        a.label: check_value(a.secret) for a in importers.load(source.read_bytes(), password)
    }
    table = Table("account", "result")
    failures = 0
    on_token = {entry.label: entry for entry in entries}
    for label, kcv in expected.items():
        entry = on_token.get(label)
        if entry is None:
            result = "[red]missing on the token[/red]"
            failures += 1
        elif token.check(entry.index) != kcv:
            result = "[red]DIFFERENT secret[/red]"
            failures += 1
        else:
            result = "[green]same secret[/green]"
        table.add_row(escape(label), result)
    console.print(table)
    if failures:
        raise CliError(f"{failures} of {len(expected)} accounts do not match")


@click.command()
@click.confirmation_option(prompt="Erase every account on the token?")
@click.pass_obj
@device_errors
def wipe(ctx: Context) -> None:
    """Erase every account on the token (it asks for a yes on its buttons too)."""
    console.print("Confirm on the token: press B to erase everything.")
    ctx.token().wipe()
    console.print("The token is empty; set a new PIN on it.")


COMMANDS = [info, list_accounts, add, import_file, rename, remove, verify, wipe]
