"""``clico demo``: demo data for trying the portal (idempotent), and its credentials."""

from __future__ import annotations

import click
from rich.table import Table

from clico_adapters.compose import Schema
from clico_core.errors import ClicoError

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.command()
@pass_runtime
@fail_cleanly
def demo(runtime: Runtime) -> None:
    """Create demo data (idempotent) and print the demo credentials and keys."""
    services = runtime.build(schema=Schema.UPGRADE).services
    try:
        access = services.seed_demo()
    except ClicoError as error:
        raise click.ClickException(f"demo data could not be created: {error.code}") from None
    table = Table("what", "value", title="CLICO Support System — demo")
    table.add_row("portal", runtime.settings.base_url)
    table.add_row("customer login / password", f"{access.login} / {access.password}")
    for number, key in access.contract_keys:
        table.add_row(f"contract {number}", key)
    table.add_row("migrated CLICO TAC account",
                  f"{access.migrated_email} (use 'Forgot my password')")
    table.add_row("mail", f"{runtime.settings.data_dir / 'mail'} (Maildir); codes are logged")
    console.print(table)
    console.print("DEMO-2026-001 is active on the demo customer; try activating DEMO-2026-002 "
                  "with 'Zarejestruj kontrakt'.")
