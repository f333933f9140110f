"""``clico doctor``: check the installation and say what to fix."""

from __future__ import annotations

import click

from clico_adapters.doctor import diagnose

from .context import Runtime, console, pass_runtime


@click.command()
@pass_runtime
def doctor(runtime: Runtime) -> None:
    """Check the configuration, database, migrations, mail transport (connects, sends
    nothing), data directory and clock; exit 1 when something needs fixing."""
    findings = diagnose(runtime.settings)
    for finding in findings:
        if finding.ok:
            console.print(f"[green]ok[/green]      {finding.check}: {finding.seen}")
        else:
            console.print(f"[red]problem[/red] {finding.check}: {finding.problem}\n"
                          f"        fix: {finding.fix}")
    problems = sum(not f.ok for f in findings)
    if problems:
        console.print(f"{problems} problem(s) found")
        raise SystemExit(1)
    console.print("everything checked is fine")
