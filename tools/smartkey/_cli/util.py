"""What the commands share: the console, the one error type and which errors become it, the
context that reaches the token, and the options and steps several commands have.

Only errors the user can act on become one line: the token's (``DeviceError``), a lost
connection, and the ``ValueError`` the library raises for bad input (a URI, an export, a
backup). Anything else is a bug in this program and keeps its traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress
from serial import SerialException

from smartkey.account import STEAM_DIGITS, Account
from smartkey.device import DeviceError, Entry

console = Console()

PASSPHRASE_ENV = "SMARTKEY_BACKUP_PASSPHRASE"


class CliError(click.ClickException):
    """One clear line for the user, and a non-zero exit code."""

    def show(self, file: Any = None) -> None:
        click.echo("Error: " + self.format_message(), err=True)


class Context:
    """What commands share: how to reach the token and which clock is the host's (tests hand
    in a virtual board's connection and the simulation's clock)."""

    def __init__(
        self, port: str | None, connect: Callable[[str | None], Any] | None, host_clock: Any
    ) -> None:
        self.port = port
        self._connect = connect
        self.host_clock = host_clock
        self._token: Any = None
        # Token.add's check that the token is the one paired (set by the group: _cli/pair.py).
        self.before_secrets: Callable[[Any], None] | None = None

    def token(self) -> Any:
        from smartkey.device import Token
        from smartkey.transport import TransportError, open_port

        if self._token is None:
            try:
                connection = (self._connect or open_port)(self.port)
            except TransportError as error:
                raise CliError(str(error)) from None
            self._token = Token(connection, before_secrets=self.before_secrets)
        return self._token


def device_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the token's errors, a lost connection and bad input into one clear line."""

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

    return wrapper


def passphrase_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--backup-passphrase: of the encrypted backup that ``backup --file``, ``add --backup``
    and ``import --backup`` write."""
    return click.option(
        "--backup-passphrase",
        envvar=PASSPHRASE_ENV,
        help=f"The encrypted backup's passphrase (default: ${PASSPHRASE_ENV}, else asked twice).",
    )(command)


def backup_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--backup FILE and its passphrase: an encrypted backup of exactly what the command adds,
    written first."""
    return click.option(
        "--backup",
        type=click.Path(dir_okay=False, path_type=Path),
        help="First write an encrypted backup of the accounts to this new file.",
    )(passphrase_option(command))


class ReadsExports(click.Command):
    """A command that reads exports: its help ends with the formats, from the importers' own
    registry (imported only when the help is shown: the importers are slow to load)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        from smartkey.importers import supported

        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(f"Formats read: {supported()}.")


def provision(ctx: Context, accounts: list[Account]) -> None:
    """Add ``accounts`` to the token, once the user says yes on it."""
    if not accounts:
        raise CliError("nothing to add")
    token = ctx.token()
    console.print(f"Confirm on the token: press B to add {count(len(accounts))}.")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("sending", total=len(accounts))
        total = token.add(accounts, lambda done: progress.update(task, completed=done))
    console.print(f"Added {count(len(accounts))}; the token now holds {total}.")


def shown_digits(entry: Account | Entry) -> int:
    """The digits of a token account as its codes have them: a Steam code always has 5,
    whatever the token's record says (the demo's Steam account says 6)."""
    return STEAM_DIGITS if entry.type == "steam" else entry.digits


CodeSettings = tuple[str, str, int, int | None]


def code_settings(item: Account | Entry) -> CodeSettings:
    """What makes an account's codes, its secret aside: type, algorithm, digits as its codes
    have them, and period (none for HOTP). Equal for an account and the token's copy of it."""
    period = None if item.type == "hotp" else item.period
    return item.type, item.algorithm.upper(), shown_digits(item), period


def count(number: int) -> str:
    """ "1 account", "2 accounts"."""
    return f"{number} account{'' if number == 1 else 's'}"
