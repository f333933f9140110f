"""``clico secrets rotate``: seal every stored secret under the current secret key."""

from __future__ import annotations

import click

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def secrets() -> None:
    """Secrets the database keeps sealed (authenticator apps, queued codes and links)."""


@secrets.command()
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows re-sealed per transaction.")
@pass_runtime
@fail_cleanly
def rotate(runtime: Runtime, batch: int) -> None:
    """Re-seal what a previous key (CLICO_SECRET_KEY_PREVIOUS) or no key sealed under
    CLICO_SECRET_KEY; afterwards the previous keys may be removed."""
    runtime.services()  # refuses an outdated schema
    report = runtime.db.reseal_secrets(batch)
    console.print(f"sealed anew: {report.totp_secrets} authenticator secret(s), "
                  f"{report.mail_contexts} queued mail(s), "
                  f"{report.webhook_secrets} webhook secret(s)")
    if report.unreadable:
        raise click.ClickException(
            f"{report.unreadable} stored secret(s) could not be opened: put the key that "
            "sealed them in CLICO_SECRET_KEY_PREVIOUS and run this again (or, if a row was "
            "altered, reset that account's two-factor sign-in)")
    console.print("every stored secret is now under the current key: "
                  "CLICO_SECRET_KEY_PREVIOUS may be removed")
