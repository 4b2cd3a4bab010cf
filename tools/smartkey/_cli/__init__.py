"""The ``smartkey`` command line. Errors are raised as :class:`CliError` and printed as one line."""

from __future__ import annotations

import sys

import click

from smartkey import __version__


class CliError(click.ClickException):
    """One clear line for the user, and a non-zero exit code."""

    def show(self, file=None) -> None:
        click.echo("Error: " + self.format_message(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="smartkey")
def main() -> None:
    """smartkey: provision and look after an open hardware TOTP token."""


def _register() -> None:
    from smartkey._cli import sim

    main.add_command(sim.sim)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
