"""``smartkey deploy``: put the firmware and its libraries onto a board's CIRCUITPY drive."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from smartkey import deploy as library
from smartkey._cli.util import CliError

console = Console(highlight=False)

# kind: (label, list every file); the rare, consequential actions name each file.
_SUMMARY = {
    "backup": ("back up", True),
    "add": ("add", False),
    "update": ("update", False),
    "remove": ("remove", True),
    "keep": ("keep", True),
    "unchanged": ("unchanged", False),
}
_NEXT_STEPS = (
    "Eject the drive (Safely Remove, Finder's ⏏, or your file manager) so every file is written.",
    "Reset the board (RESET button, or unplug and plug it in) without holding A: the drive "
    "disappears and the token starts. Hold A while you reset it to see the drive again.",
    "On a new token, choose a PIN on the buttons (the screen explains how), then run "
    "[bold]smartkey time sync[/bold] and [bold]smartkey add[/bold].",
)


def _describe(action: library.Action) -> str:
    if action.kind == "backup":
        return f"{action.path} → {action.target} ({action.reason})"
    return f"{action.path} ({action.reason})" if action.reason else action.path


def _grouped(paths: list[str]) -> str:
    """boot.py, code.py, smartkey_fw/ (29 files): a directory's files counted, not listed."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        top, slash, _ = path.partition("/")
        groups.setdefault(top + slash, []).append(path)
    return ", ".join(
        f"{name} ({len(members)} files)" if len(members) > 1 else members[0]
        for name, members in groups.items()
    )


def _summary(plan: library.Plan, firmware: str, libraries: str) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column()
    table.add_column(justify="right")
    table.add_column()
    for kind, (label, every) in _SUMMARY.items():
        actions = plan.of(kind)
        if not actions:
            continue
        if every:
            shown = ", ".join(_describe(action) for action in actions)
        else:
            shown = "" if kind == "unchanged" else _grouped([action.path for action in actions])
        table.add_row("", label, str(len(actions)), escape(shown))
    table.add_row("", "firmware", "", escape(firmware))
    table.add_row("", "lib/", "", escape(libraries))
    for note in plan.notes:
        table.add_row("", "[yellow]note[/yellow]", "", escape(note))
    return table


def _firmware_line(compiler: Path | None) -> str:
    if compiler is None:
        return "smartkey_fw/ as .py sources (--source): the board compiles them at start"
    said = library.mpy_cross_version(compiler)
    version = said[: said.find(" on ")] if " on " in said else said
    return f"smartkey_fw/ as .mpy, compiled by {version}'s mpy-cross ({compiler})"


def _libraries_line(online: bool, compiler: Path | None) -> str:
    if online:
        return "circup installs the latest compiled libraries (needs the internet)"
    versions = library.library_versions()
    named = ", ".join(f"{name} {version or '?'}" for name, version in versions.items())
    form = "as sources" if compiler is None else "compiled like the firmware"
    return f"the pinned drivers on this computer, {form}: {named}"


def _next_steps() -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(width=1)
    table.add_column(justify="right")
    table.add_column()
    for number, step in enumerate(_NEXT_STEPS, 1):
        table.add_row("", f"{number}.", step)
    return table


@click.command()
@click.option(
    "--drive",
    type=click.Path(path_type=Path),
    help="The board's CIRCUITPY drive (default: find the mounted one).",
)
@click.option(
    "--online",
    is_flag=True,
    help="Install the device libraries with circup from the latest bundle, instead of "
    "copying the pinned drivers installed on this computer.",
)
@click.option(
    "--source",
    is_flag=True,
    help="Copy the firmware as .py sources instead of compiling it to .mpy (no mpy-cross "
    "needed; the board then compiles it at every start, which takes more RAM).",
)
@click.option(
    "--mpy-cross",
    "mpy_cross",
    type=click.Path(path_type=Path),
    help="CircuitPython's mpy-cross for the board's version (default: $SMARTKEY_MPY_CROSS, "
    "else mpy-cross on PATH).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
def deploy(
    drive: Path | None, online: bool, source: bool, mpy_cross: Path | None, dry_run: bool
) -> None:
    """Copy the firmware and its libraries onto a CircuitPython board's drive.

    Files deploy did not write are never removed; one it must replace is kept as NAME.bak.
    A smartkey token shows its drive only when A is held at reset (maintenance mode).
    """
    try:
        drive = drive or library.find_drive()
        info = library.check_drive(drive)
        compiler = None if source else library.find_mpy_cross(mpy_cross, info.major)
        plan = library.plan_deploy(drive, libraries=not online, info=info, mpy_cross=compiler)
        command = library.circup_command(drive) if online else None
    except library.DeployError as error:
        raise CliError(str(error)) from None
    board = info.board_id or info.board
    console.print(
        f"smartkey → [bold]{escape(str(drive.absolute()))}[/bold] "
        f"(CircuitPython {escape(info.version)}, {escape(board)})"
    )
    console.print(_summary(plan, _firmware_line(compiler), _libraries_line(online, compiler)))
    if dry_run:
        if command:
            console.print(f"Then it would run: {escape(' '.join(command))}")
        console.print("Dry run: nothing was changed.")
        return
    try:
        plan.apply()
    except (library.DeployError, OSError) as error:
        raise CliError(f"deploy stopped: {error}") from None
    if command:
        console.print(f"Running {escape(' '.join(command))}")
        returncode = subprocess.run(command, check=False).returncode
        if returncode:
            raise CliError(
                f"circup failed (exit {returncode}): the firmware is on the drive but lib/ may "
                "be incomplete; run it again, or deploy without --online"
            )
    console.print("[green]Done.[/green]" if plan.changes else "Done: the drive was up to date.")
    console.print("[bold]Next[/bold]")
    console.print(_next_steps())
