"""``smartkey selftest``: the token checks its hash paths, clock, display and buttons."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from smartkey._cli.util import CliError, Context, console, device_errors
from smartkey.device import field, printable, record


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
    results = [_result(item) for item in field(reply, "results", list)]
    table = Table("test", "result", "detail")
    for name, ok, detail in results:
        mark = "[green]pass[/green]" if ok else "[red]FAIL[/red]"
        table.add_row(escape(name), mark, escape(detail))
    console.print(table)
    failed = [name for name, ok, _ in results if not ok]
    if failed:
        names = printable(", ".join(failed), "?")
        raise CliError(f"the token's self-test: {len(failed)} failed: {names}")


def _result(item: object) -> tuple[str, bool, str]:
    result = record(item, "a self-test result")
    return field(result, "name", str), field(result, "ok", bool), field(result, "detail", str)
