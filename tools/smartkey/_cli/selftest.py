"""``smartkey selftest``: the token checks its hash paths, clock, display and buttons."""

from __future__ import annotations

import click
from rich.table import Table

from smartkey._cli.util import CliError, Context, console, device_errors


@click.command()
@click.option("--buttons", is_flag=True, help="Also test A, B and C: press each when asked.")
@click.pass_obj
@device_errors
def selftest(ctx: Context, buttons: bool) -> None:
    """Run the token's self-test: RFC vectors on its own hash paths, unlock cost, clock,
    display pattern (watch the screen) and, with --buttons, each button."""
    if buttons:
        console.print("Watch the token: press A, B and C when it asks (10 s each).")
    reply = ctx.token().request("selftest", 60.0, buttons=buttons)
    table = Table("test", "result", "detail")
    for result in reply["results"]:
        mark = "[green]pass[/green]" if result["ok"] else "[red]FAIL[/red]"
        table.add_row(result["name"], mark, result["detail"])
    console.print(table)
    failed = [r["name"] for r in reply["results"] if not r["ok"]]
    if failed:
        raise CliError(f"{len(failed)} failed: {', '.join(failed)}")
