"""``smartkey sim``: run the firmware on the virtual board."""

from __future__ import annotations

from pathlib import Path

import click

from smartkey._cli.util import CliError
from smartkey.sim import terminal
from smartkey.sim.board import PROFILES


@click.command()
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="pico", show_default=True)
@click.option(
    "--drive",
    type=click.Path(file_okay=False, path_type=Path),
    help="The board's CIRCUITPY drive (default: one per profile in your data directory).",
)
@click.option("--utc", type=float, help="Start the board's clock at this UNIX time (default: now).")
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Don't run live: play --script in simulated time and save the OLED as a PNG.",
)
@click.option(
    "--script",
    default="",
    help='Steps for --screenshot: "C C hold:B=2 wait:1.5" (A/B/C press, hold, wait seconds).',
)
@click.option(
    "--secure-element",
    is_flag=True,
    help="With an emulated ATECC608 on the board, and the setting that uses it (its own drive "
    "by default; the first run has no demo accounts: set a PIN and the token sets up the chip).",
)
def sim(
    profile: str,
    drive: Path | None,
    utc: float | None,
    screenshot: Path | None,
    script: str,
    secure_element: bool,
) -> None:
    """Run the token's firmware on a virtual board in this terminal.

    The first run adds demo accounts. While it runs, its data channel is a serial port that
    the other smartkey commands find by themselves.
    """
    # A drive of its own with the chip: a vault made without it stays chipless (the design),
    # so the demo drive would never show what the chip does.
    name = "sim-" + profile + ("-atecc608" if secure_element else "")
    drive = drive or terminal.data_home() / name
    try:
        if screenshot:
            if utc is None:
                raise CliError("--screenshot needs --utc, so the picture is reproducible")
            terminal.screenshot(
                drive,
                screenshot,
                profile=profile,
                utc=utc,
                script=script,
                secure_element=secure_element,
            )
            click.echo(f"saved {screenshot}")
        else:
            terminal.live(drive, profile=profile, utc=utc, secure_element=secure_element)
    except ValueError as error:
        raise CliError(str(error)) from None
