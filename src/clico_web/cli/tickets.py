"""``clico tickets auto-close``: the ticket job, for cron or a systemd timer."""

from __future__ import annotations

import click

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def tickets() -> None:
    """Tickets."""


@tickets.command("auto-close")
@pass_runtime
@fail_cleanly
def auto_close(runtime: Runtime) -> None:
    """Close resolved tickets quiet for CLICO_AUTO_CLOSE_DAYS and remind those 2 days short
    of it (each reporter once). Safe to run as often as you like, e.g. hourly."""
    report = runtime.services().auto_close_resolved()
    console.print(f"{report.closed} closed · {report.reminded} reminded")
