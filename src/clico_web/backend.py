"""Building the core and the mail worker from settings, when ``create_app`` is not given them.

The SQL and mail adapters are optional imports, so the portal also runs (in memory, without
sending mail) in an environment that lacks them.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from clico_adapters.bootstrap import bootstrap
from clico_adapters.files import private_directory
from clico_adapters.scheduled import ScheduledJob
from clico_core.services import Services

from .log_redaction import RedactSecrets
from .settings import Mode, Settings, SettingsError

if TYPE_CHECKING:
    from clico_adapters.sql import SqlDatabase

log = logging.getLogger("clico_web")
PRUNE_EVERY = timedelta(hours=1)
PRUNE_BATCHES_PER_ROUND = 10  # of Retention.batch rows each


class Worker(Protocol):
    def start(self) -> Any: ...
    def stop(self) -> Any: ...
    def wake(self) -> Any: ...


def build_backend(settings: Settings) -> tuple[Services, Any]:
    """The services over SQL (if available) and the outbox's delivery queue."""
    try:
        import clico_adapters.sql  # noqa: F401
    except ImportError:  # SQLAlchemy not installed
        from clico_adapters.memory import MemoryMailQueue, MemoryStore, MemoryUnitOfWorkFactory
        log.warning("clico_adapters.sql is not available: data is kept in memory only")
        store = MemoryStore()
        return (bootstrap(uow=MemoryUnitOfWorkFactory(store), hasher=hasher_for(settings)),
                MemoryMailQueue(store))
    db = open_database(settings)
    if settings.mode is Mode.DEMO:
        db.upgrade()  # a throw-away demo may set itself up
    elif db.pending_migrations():
        # Nothing touches a real schema silently: `clico db upgrade` (or `serve --migrate`).
        db.dispose()
        raise SettingsError("the database schema is not up to date: run `clico db upgrade`")
    return bootstrap(uow=db.uow_factory, hasher=hasher_for(settings)), db.mail_queue


def open_database(settings: Settings) -> SqlDatabase:
    """The configured database (SQLite in the data directory by default), sealing its
    secrets with a key derived from ``CLICO_SECRET_KEY`` (docs/security.md)."""
    from clico_adapters.secretbox import AesGcmSecretBox
    from clico_adapters.sql import SqlDatabase, default_database_url

    url = settings.database_url
    if not url:
        private_directory(settings.data_dir)
        url = default_database_url(settings.data_dir)
    box = AesGcmSecretBox(settings.effective_secret_key(), settings.previous_secret_keys)
    return SqlDatabase.from_url(url, box=box)


def hasher_for(settings: Settings) -> Any:
    """argon2id at the configured CPU priority, as many threads as may hash at once."""
    from clico_adapters.passwords import Argon2Hasher
    return Argon2Hasher(nice=settings.hashing_nice, threads=settings.argon2_concurrency)


def build_mail_worker(settings: Settings, services: Services, queue: Any) -> Worker | None:
    """The outbox delivery loop, or None when the mail adapter is not installed."""
    try:
        from clico_adapters.mail import (
            MailRenderer,
            MailWorker,
            mail_url_from_env,
            transport_from_url,
        )
    except ImportError:
        log.warning("clico_adapters.mail is not available: mail is queued, not sent")
        return None
    mail_url = settings.mail_url
    if not mail_url:
        demo = settings.mode is Mode.DEMO
        # the local Maildir; the demo also shows sign-in codes in the server's log
        mail_url = mail_url_from_env(settings.data_dir, environ={}, demo=demo)
        if demo:
            show_mail_log()
    renderer = MailRenderer(settings.base_url, settings.mail_from)
    worker: Worker = MailWorker(queue, transport_from_url(mail_url), renderer,
                                services.ports.clock, jobs=[pruning(settings, services)])
    return worker


def pruning(settings: Settings, services: Services) -> ScheduledJob:
    """Delete what the retention periods no longer keep, hourly, in short transactions;
    a backlog goes ``PRUNE_BATCHES_PER_ROUND`` batches at a time between mail rounds."""
    def prune() -> bool:
        report = services.prune(settings.retention, max_batches=PRUNE_BATCHES_PER_ROUND)
        if report.total:
            log.info("pruned %d attempts, %d sessions, %d tokens, %d sent mails, "
                     "%d audit events", report.attempts, report.sessions, report.tokens,
                     report.sent_mail, report.audit)
        return report.complete

    return ScheduledJob("prune", PRUNE_EVERY, prune)


DEMO_LOG_HANDLER = "clico-demo-mail-log"


def show_mail_log() -> None:
    """Demo mode: write the mail log, sign-in codes included, to the server's stderr.

    uvicorn configures only its own loggers, so without this handler ``clico.mail`` lines
    below WARNING are dropped. Outside demo mode nothing is attached and no code is logged.
    """
    logger = logging.getLogger("clico.mail")
    if any(h.get_name() == DEMO_LOG_HANDLER for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.set_name(DEMO_LOG_HANDLER)
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    handler.addFilter(RedactSecrets())  # codes are the demo's point; links stay redacted
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def stop_quietly(worker: Worker | None) -> None:
    if worker is not None:
        with contextlib.suppress(Exception):
            worker.stop()
