"""``clico serve`` (the portal under uvicorn) and ``clico worker`` (the mail loop alone)."""

from __future__ import annotations

import contextlib
import functools
import logging
import logging.config
import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click
from attrs import evolve

from ..heap import freeze_startup_heap
from ..json_logs import log_config
from ..log_redaction import show_mail_log
from ..metrics import MULTIPROCESS_VARIABLE
from .context import Runtime, console, fail_cleanly, pass_runtime

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from ..settings import Settings

# SIGTERM: stop accepting, let requests in flight finish for at most this long, then exit
GRACEFUL_SHUTDOWN_SECONDS = 20
# --workers: how long the supervisor waits for a worker to answer its ping before killing it
# as hung. uvicorn's 5 s is shorter than importing the portal on a busy machine (measured
# 8 s+ with two cores shared): every worker was killed while still starting, in a loop.
WORKER_HEALTHCHECK_SECONDS = 60


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
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    if runtime.db.pending_migrations():
        if not migrate:
            raise click.ClickException(
                "migrations are pending: run `clico db upgrade` (or `clico serve --migrate`)")
        runtime.db.upgrade()
    settings = runtime.settings
    prepare_metrics_directory(workers, bool(settings.metrics_token))
    if no_mail_worker:
        settings = evolve(settings, start_mail_worker=False)
    if "CLICO_BASE_URL" not in runtime.variables:  # links in mails should point here
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        settings = evolve(settings, base_url=f"http://{shown}:{port}")
    runtime.close()  # the server opens its own connections
    console.print(f"CLICO Support System on http://{host}:{port} "
                  f"(database {runtime.database_url.split('://')[0]})")
    # Each server process calls the factory: the settings travel with it (pickled to the
    # processes --workers starts), never through the environment.
    config = uvicorn.Config(
        functools.partial(served_app, settings), factory=True, host=host, port=port,
        workers=workers, proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or None, server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_level="info", log_config=log_config(), access_log=False)
    # uvicorn.run accepts only an import string with several workers; its supervisor does not
    with contextlib.suppress(KeyboardInterrupt):
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
            return
        server = uvicorn.Server(config)
        server.run()
        if not server.started:
            raise SystemExit(STARTUP_FAILURE)


def served_app(settings: Settings) -> Starlette:
    """The portal as one server process runs it: built, then its start-up objects frozen
    out of the garbage collector's full collections (``clico_web.heap``)."""
    from ..app import create_app

    app = create_app(settings)
    freeze_startup_heap()
    return app


def prepare_metrics_directory(workers: int, metrics: bool) -> None:
    """With several server processes each keeps its own metrics; Prometheus' multi-process
    mode sums them from files in ``PROMETHEUS_MULTIPROC_DIR``, which must be set before the
    processes start (prometheus-client reads it when imported) and emptied at each start
    (the files of a previous run would be counted again)."""
    directory = os.environ.get(MULTIPROCESS_VARIABLE, "")
    if not directory:
        if workers > 1 and metrics:
            raise click.ClickException(
                f"--workers {workers} with CLICO_METRICS_TOKEN needs {MULTIPROCESS_VARIABLE} "
                f"set to a directory of its own (else each scrape sees one process)")
        return
    path = Path(directory)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


@click.command()
@click.option("--once", is_flag=True, help="Deliver what is due now and exit.")
@pass_runtime
@fail_cleanly
def worker(runtime: Runtime, once: bool) -> None:
    """Run the mail and webhook delivery loops on their own (for several server processes)."""
    runtime.services()  # refuses an outdated schema
    logging.config.dictConfig(log_config())
    show_mail_log(runtime.settings)
    mail_worker = runtime.backend.mail_worker()
    webhook_worker = runtime.backend.webhook_worker()
    if once:
        sent = mail_worker.run_once()
        console.print(f"{sent} sent")
        if webhook_worker is not None:
            console.print(f"{webhook_worker.run_once()} webhook deliveries delivered")
        return
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    console.print("mail worker running; Ctrl+C stops it")
    if webhook_worker is not None:
        webhook_worker.start()  # its own thread: a slow endpoint never holds up mail
    mail_worker.run_forever(stop)

