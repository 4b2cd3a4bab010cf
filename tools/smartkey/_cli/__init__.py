"""The ``smartkey`` command line. Errors are raised as :class:`CliError` and printed as one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from smartkey import __version__


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

    def token(self) -> Any:
        from smartkey.device import Token
        from smartkey.transport import TransportError, open_port

        if self._token is None:
            try:
                connection = (self._connect or open_port)(self.port)
            except TransportError as error:
                raise CliError(str(error)) from None
            self._token = Token(connection)
        return self._token


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smartkey")
@click.option("--port", "-p", help="The token's data serial port (default: find it).")
@click.pass_context
def main(ctx: click.Context, port: str | None) -> None:
    """smartkey: provision and look after an open hardware TOTP token."""
    from smartkey.clock import HostClock

    given = ctx.obj if isinstance(ctx.obj, dict) else {}
    ctx.obj = Context(port, given.get("connect"), given.get("clock") or HostClock())


def _register() -> None:
    from smartkey._cli import accounts, backup, config, deploy, selftest, sim, time

    main.add_command(sim.sim)
    main.add_command(time.time)
    main.add_command(config.config)
    main.add_command(selftest.selftest)
    main.add_command(deploy.deploy)
    for command in accounts.COMMANDS + backup.COMMANDS:
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
