"""``clico blobs sweep``: remove attachments nobody linked and blobs nobody references."""

from __future__ import annotations

from datetime import timedelta

import click

from clico_core.services import ORPHAN_AGE

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def blobs() -> None:
    """The attachments' stored files (under CLICO_DATA_DIR/blobs)."""


@blobs.command()
@click.option("--older-than-hours", type=click.IntRange(min=1), show_default=True,
              default=int(ORPHAN_AGE.total_seconds() // 3600),
              help="Keep uploads and files younger than this: a form may still be sent.")
@pass_runtime
@fail_cleanly
def sweep(runtime: Runtime, older_than_hours: int) -> None:
    """Delete uploads of forms that failed, the files no attachment uses and unfinished
    uploads, once older than the given age (the mail worker does this hourly at 24 hours)."""
    report = runtime.services().sweep_orphan_blobs(timedelta(hours=older_than_hours))
    console.print(f"{report.attachments} unlinked upload(s), {report.blobs} unused file(s) "
                  f"and {report.incomplete} unfinished upload(s) removed")
