"""``clico outbox status|retry``."""

from __future__ import annotations

import click

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def outbox() -> None:
    """The mail outbox."""


@outbox.command()
@pass_runtime
@fail_cleanly
def status(runtime: Runtime) -> None:
    """Pending, sent and failed counts, and the age of the oldest pending mail."""
    runtime.services()  # refuses an outdated schema
    stats = runtime.mail_queue.stats()
    oldest = "-"
    if stats.oldest_pending_at is not None:
        age = runtime.backend.clock.now() - stats.oldest_pending_at
        oldest = f"{int(age.total_seconds())} s"
    console.print(f"pending {stats.pending} · sent {stats.sent} · failed {stats.failed} · "
                  f"oldest pending {oldest}")


@outbox.command()
@click.option("--failed", is_flag=True, default=True,
              help="Requeue mail parked as failed (the default and only kind of retry).")
@pass_runtime
@fail_cleanly
def retry(runtime: Runtime, failed: bool) -> None:
    """Put mail parked as failed back in the queue for the worker."""
    runtime.services()
    count = runtime.mail_queue.retry_failed(runtime.backend.clock.now())
    console.print(f"{count} failed mail(s) queued again")
