"""The ``smartkey`` command line: the group and its commands, one module per area of the token.

What the commands share (console, errors, options) is in :mod:`smartkey._cli.util`. Errors are
raised as :class:`~smartkey._cli.util.CliError` and printed as one line.
"""

from __future__ import annotations

import sys

import click

from smartkey import __version__
from smartkey._cli import accounts, backup, config, deploy, pair, selftest, sim, time
from smartkey._cli.util import Context

# Every command (`smartkey --help` lists them by name).
COMMANDS: list[click.Command] = [
    *accounts.COMMANDS,
    *backup.COMMANDS,
    config.config,
    deploy.deploy,
    pair.pair,
    selftest.selftest,
    sim.sim,
    time.time,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smartkey")
@click.option("--port", "-p", help="The token's data serial port (default: find it).")
@click.pass_context
def main(ctx: click.Context, port: str | None) -> None:
    """smartkey: provision and look after an open hardware TOTP token."""
    from smartkey.clock import HostClock

    given = ctx.obj if isinstance(ctx.obj, dict) else {}
    ctx.obj = Context(port, given.get("connect"), given.get("clock") or HostClock())
    ctx.obj.before_secrets = pair.before_secrets  # no secret to a token that is not the paired one


for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
