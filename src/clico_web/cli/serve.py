"""``clico serve`` (the portal under uvicorn) and ``clico worker`` (the mail loop alone)."""

from __future__ import annotations

import os
import signal
import threading

import click

from .context import Runtime, console, environment, fail_cleanly, pass_runtime


def create_app_from_env():  # type: ignore[no-untyped-def]
    """uvicorn's factory for ``--workers N``: each process builds its own app."""
    from ..app import create_app
    from .context import load_settings

    return create_app(load_settings())


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--migrate", is_flag=True, help="Apply pending migrations before starting.")
@click.option("--no-mail-worker", is_flag=True,
              help="Do not deliver mail in this process (run `clico worker` instead).")
@click.option("--forwarded-allow-ips", default="", metavar="IPS",
              help="Trust X-Forwarded-For/-Proto from these reverse-proxy addresses "
                   "(comma-separated); the client address then comes from the proxy.")
@pass_runtime
@fail_cleanly
def serve(runtime: Runtime, host: str, port: int, workers: int, migrate: bool,
          no_mail_worker: bool, forwarded_allow_ips: str) -> None:
    """Run the portal. Refuses to start while migrations are pending (unless --migrate)."""
    import uvicorn

    if runtime.db.pending_migrations():
        if not migrate:
            raise click.ClickException(
                "migrations are pending: run `clico db upgrade` (or `clico serve --migrate`)")
        runtime.db.upgrade()
    if no_mail_worker:
        os.environ["CLICO_MAIL_WORKER"] = "0"
    if "CLICO_BASE_URL" not in environment():  # links in mails should point here
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        os.environ["CLICO_BASE_URL"] = f"http://{shown}:{port}"
    runtime.close()  # the server opens its own connections
    console.print(f"CLICO Support System on http://{host}:{port} "
                  f"(database {runtime.database_url.split('://')[0]})")
    uvicorn.run("clico_web.cli.serve:create_app_from_env", factory=True, host=host, port=port,
                workers=workers, proxy_headers=bool(forwarded_allow_ips),
                forwarded_allow_ips=forwarded_allow_ips or None, server_header=False,
                log_level="info")


@click.command()
@click.option("--once", is_flag=True, help="Deliver what is due now and exit.")
@pass_runtime
@fail_cleanly
def worker(runtime: Runtime, once: bool) -> None:
    """Run the mail delivery loop on its own (for several server processes)."""
    from ..backend import build_mail_worker

    services = runtime.services()
    mail_worker = build_mail_worker(runtime.settings, services, runtime.mail_queue)
    if mail_worker is None:
        raise click.ClickException("the mail adapter is not installed")
    if once:
        sent = mail_worker.run_once()  # type: ignore[attr-defined]
        console.print(f"{sent} sent")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    console.print("mail worker running; Ctrl+C stops it")
    mail_worker.run_forever(stop)  # type: ignore[attr-defined]
