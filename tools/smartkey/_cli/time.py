"""``smartkey time``: the token's clock against this computer's, sync, drift and trim."""

from __future__ import annotations

import datetime

import click

from smartkey import clock
from smartkey._cli.util import CliError, Context, console, device_errors


def _utc(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _drift_lines(drift: tuple[float, float] | None, reading: clock.Reading) -> list[str]:
    if drift is None:
        return ["drift: not known yet (sync again in a day or more to measure it)"]
    ppm, uncertainty = drift
    trimmed = clock.AGING_PPM * reading.aging + reading.correction / 100
    residual = max(abs(ppm - trimmed), uncertainty)
    lines = [
        f"drift of the DS3231: {ppm:+.2f} ppm (± {uncertainty:.2f}), {ppm * 86400e-6:+.2f} s a day",
        f"trim: aging register {reading.aging:+d} ({clock.AGING_PPM * reading.aging:+.1f} ppm),"
        f" correction {reading.correction / 100:+.2f} ppm",
    ]
    days = clock.days_until(reading.offset, residual)
    if days is not None:
        lines.append(f"15 s off in about {days:,.0f} days (residual ≤ {residual:.2f} ppm)")
    return lines


@click.group(invoke_without_command=True)
@click.pass_context
@device_errors
def time(ctx: click.Context) -> None:
    """Show the token's UTC clock against this computer's (which should run NTP)."""
    if ctx.invoked_subcommand is not None:
        return
    token = ctx.obj.token()
    reading = clock.measure(token, ctx.obj.host_clock)
    history = clock.History(token.device_id())
    console.print(f"token    {_utc(reading.raw)} UTC (DS3231)")
    console.print(f"computer {_utc(reading.host)} UTC")
    console.print(f"offset   {reading.offset * 1000:+,.0f} ms (token minus computer)")
    if reading.synced:
        console.print(f"last sync {_utc(reading.synced)} UTC ({len(history.syncs)} recorded here)")
    for line in _drift_lines(history.drift(), reading):
        console.print(line)
    console.print("Time zones never matter: the token keeps UTC, as TOTP does.")


@time.command()
@click.pass_obj
@device_errors
def sync(ctx: Context) -> None:
    """Set the token's clock from this computer's; trim its drift once it is measured.

    A jump of over 5 minutes, or backwards, must be confirmed on the token (B)."""
    console.print("Setting the clock (confirm on the token if it asks) …")
    result = clock.sync(ctx.token(), ctx.host_clock)
    now = f"now {result.after.offset * 1000:+,.0f} ms"
    if result.before is None:
        console.print(f"was not set (the DS3231 had lost power); {now}")
    else:
        console.print(f"was {result.before.offset * 1000:+,.0f} ms off; {now}")
    for line in _drift_lines(result.drift, clock.measure(ctx.token(), ctx.host_clock)):
        console.print(line)


@time.command()
@click.option("--reset", is_flag=True, required=True, help="Undo the drift trim.")
@click.pass_obj
@device_errors
def trim(ctx: Context, reset: bool) -> None:
    """Undo the drift trim (aging register and correction back to 0)."""
    if not reset:
        raise CliError("nothing to do")
    ctx.token().request("set_trim", aging=0, correction=0)
    console.print("Trim removed: the DS3231 runs at its own rate again.")
