"""``clico sla report``: the month's SLA figures per company and support level."""

from __future__ import annotations

import click
from rich.table import Table

from clico_core.errors import ValidationFailed

from ..sla_csv import HEADER, hours, report_csv
from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def sla() -> None:
    """Service levels."""


@sla.command("report")
@click.option("--month", required=True, help="The month the tickets were opened, YYYY-MM.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to standard output.")
@pass_runtime
@fail_cleanly
def report(runtime: Runtime, month: str, as_csv: bool) -> None:
    """Per company and level: tickets, met, breached, median and p90 response and
    resolution in business hours."""
    try:
        result = runtime.services().sla_report(month)
    except ValidationFailed:
        raise click.ClickException(f"--month must be YYYY-MM, not {month!r}") from None
    if as_csv:
        click.echo(report_csv(result), nl=False)
        return
    table = Table(*HEADER)
    for row in result.rows:
        table.add_row(row.company, row.level, str(row.tickets), str(row.met),
                      str(row.breached), hours(row.response_median), hours(row.response_p90),
                      hours(row.resolution_median), hours(row.resolution_p90))
    console.print(table)
