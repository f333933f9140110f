"""The composition root: ``build(settings)`` makes everything a CLICO process runs on.

The portal (``clico_web.create_app``), every ``clico`` command, the demo and the benchmarks
call it, so each of them hashes, mails and stores as configured; no other module constructs
an adapter (a test checks). What it builds is a ``Backend``: the services over the
configured database, the outbox's delivery queue, a factory of mail workers, and ``close()``.
Overrides (a unit of work and mail queue, a clock, a secret generator, a hasher) are keyword
arguments, for tests and the benchmarks. ``bootstrap`` below it wires ports to services with
in-memory defaults, for embedders who bring their own adapters.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import TracebackType

from attrs import define, field

from clico_core.ports import (
    BlobStore,
    Clock,
    MailQueue,
    PasswordHasher,
    SecretBox,
    SecretGenerator,
    UnitOfWorkFactory,
    WebhookQueue,
)
from clico_core.services import Services
from clico_core.sla import SlaSettings
from clico_core.ticket_status import StatusRules
from clico_core.values import Language

from .attachments import FilesystemBlobStore
from .bootstrap import bootstrap
from .config import Settings, SettingsError
from .files import private_directory
from .hashing_budget import TimeBudget
from .health import Readiness, ReadinessReport, always_ready
from .html import html_sanitizer
from .mail import MailRenderer, MailWorker, probe, transport_from_url
from .memory import MemoryUnitOfWorkFactory, MemoryWebhookQueue, SystemClock, SystemSecrets
from .passwords import Argon2Hasher
from .scheduled import ScheduledJob
from .secretbox import AesGcmSecretBox
from .sla_holidays import public_holidays
from .sql import SqlDatabase
from .sql import backup as sql_backup
from .sql.backup import BackupRefused
from .sql.engine import create_clico_engine
from .sql.outage import DATABASE_ERRORS, Outage, outage_of
from .sql.replica import ReplicaRouter
from .webhooks import HttpxSender, WebhookWorker

# the types of what build() hands out, for entry points that annotate them
__all__ = ["DATABASE_ERRORS", "Backend", "BackupRefused", "MailWorker", "Outage", "Schema",
           "SqlDatabase", "WebhookWorker", "auto_closing", "backup_database",
           "blob_sweeping", "build", "hasher_for", "open_database", "outage_of",
           "probe_mail", "pruning", "restore_database", "secret_box", "system_secrets"]

log = logging.getLogger("clico.jobs")
PRUNE_EVERY = timedelta(hours=1)
PRUNE_BATCHES_PER_ROUND = 10  # of Settings.retention_batch rows each
AUTO_CLOSE_EVERY = timedelta(hours=1)
SLA_ALERTS_EVERY = timedelta(minutes=1)
SWEEP_EVERY = timedelta(hours=1)


class Schema(enum.Enum):
    """What ``build`` does about a database schema older than the code."""

    CHECK = "check"  # refuse to run on it (a SettingsError naming `clico db upgrade`)
    UPGRADE = "upgrade"  # migrate it to head first (the demo, `clico serve --migrate`)
    AS_IS = "as-is"  # leave it (`clico db …` and `clico serve` look at it themselves)


OUTDATED_SCHEMA = "the database schema is not up to date: run `clico db upgrade`"


@define
class Backend:
    """What ``build`` made for one process; ``close()`` (or ``with``) releases it."""

    settings: Settings
    services: Services
    mail_queue: MailQueue
    clock: Clock
    database: SqlDatabase | None  # None when built over a given unit of work
    replica: ReplicaRouter | None = None  # CLICO_DATABASE_REPLICA_URL's reads
    _owned_hasher: Argon2Hasher | None = field(default=None, alias="owned_hasher")
    webhook_queue: WebhookQueue | None = None  # None: built over a unit of work it can't read
    _workers: list[MailWorker | WebhookWorker] = field(factory=list, init=False)

    def mail_worker(self) -> MailWorker:
        """A new outbox delivery loop over this queue and the configured transport
        (``start()``/``stop()`` in a server, ``run_once()`` or ``run_forever()`` alone);
        between rounds its loop also prunes what the retention periods no longer keep and
        sweeps the attachments nobody linked and the blobs nobody references, and closes
        the quiet resolved tickets (reminding their reporters first)."""
        renderer = MailRenderer(self.settings.base_url, self.settings.mail_from)
        jobs = [pruning(self.settings, self.services), blob_sweeping(self.services),
                auto_closing(self.services), sla_alerting(self.services)]
        if self.database is not None:  # once per interval across processes, not per process
            for job in jobs:
                job.claims = self.database.job_claims
        heartbeat = (None if self.database is None else
                     functools.partial(self.database.operations.beat, worker_name()))
        worker = MailWorker(self.mail_queue,
                            transport_from_url(self.settings.effective_mail_url()),
                            renderer, self.clock, jobs=jobs, heartbeat=heartbeat,
                            lease=timedelta(seconds=self.settings.mail_lease_seconds))
        self._workers.append(worker)
        return worker

    def webhook_worker(self) -> WebhookWorker | None:
        """A new webhook delivery loop (httpx, ``CLICO_WEBHOOKS_ALLOW_PRIVATE``), or None
        when this backend has no webhook queue."""
        if self.webhook_queue is None:
            return None
        sender = HttpxSender(allow_private=self.settings.webhooks_allow_private)
        worker = WebhookWorker(self.webhook_queue, sender, self.clock)
        self._workers.append(worker)
        return worker

    def readiness(self) -> Callable[[], ReadinessReport]:
        """The check behind /readyz (always ready without a database of ours)."""
        if self.database is None:
            return always_ready
        return Readiness(self.database.operations.last_beat,
                         self.database.pending_migrations, self.clock).check

    def require_current_schema(self) -> None:
        """SettingsError unless the database is at the code's newest migration."""
        if self.database is not None and self.database.pending_migrations():
            raise SettingsError(OUTDATED_SCHEMA)

    def close(self) -> None:
        """Stop the mail workers made here, free the hashing threads and the connections.

        Safe to call twice; the services work again afterwards (connections reopen).
        """
        for worker in self._workers:
            with contextlib.suppress(Exception):
                worker.stop()
        self._workers.clear()
        if self._owned_hasher is not None:
            self._owned_hasher.close()
        if self.database is not None:
            self.database.dispose()
        if self.replica is not None:
            self.replica.dispose()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def worker_name() -> str:
    """This process's name in the heartbeat table: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def hasher_for(settings: Settings) -> Argon2Hasher:
    """The portal's argon2id: at ``CLICO_HASHING_NICE`` on ``CLICO_ARGON2_CONCURRENCY``
    threads, at the pages' priority within ``CLICO_HASHING_BUDGET_PERCENT`` of the time, on
    ``CLICO_HASHING_CPUS`` when set (the benchmarks' counting hasher wraps it)."""
    share = settings.hashing_budget_percent / 100
    return Argon2Hasher(nice=settings.hashing_nice, threads=settings.argon2_concurrency,
                        budget=TimeBudget(share) if share else None,
                        cpus=settings.hashing_cpus)


def system_secrets() -> SecretGenerator:
    """The operating system's CSPRNG (the demo wraps it to hand out its fixed keys)."""
    return SystemSecrets()


def secret_box(settings: Settings) -> SecretBox:
    """AES-256-GCM under keys derived from ``CLICO_SECRET_KEY``, still opening what the
    ``CLICO_SECRET_KEY_PREVIOUS`` keys sealed (docs/security.md)."""
    return AesGcmSecretBox(settings.effective_secret_key(), settings.previous_secret_keys)


def open_database(settings: Settings) -> SqlDatabase:
    """The configured database (connects lazily), sealing the secrets it keeps with
    ``secret_box``; the default SQLite file and its folder are made readable by us only."""
    if not settings.database_url:
        private_directory(settings.data_dir)
    return SqlDatabase.from_url(settings.effective_database_url(), box=secret_box(settings))


REPLICA_CONNECT_TIMEOUT = 2  # seconds: a replica that does not answer is skipped soon


def replica_router(settings: Settings, database: SqlDatabase) -> ReplicaRouter | None:
    """Read-only units of work on ``CLICO_DATABASE_REPLICA_URL`` (a streaming replica of a
    PostgreSQL primary), writes and a session's fresh reads on the primary; None without."""
    if not settings.database_replica_url:
        return None
    if database.dialect != "postgresql":
        raise SettingsError("CLICO_DATABASE_REPLICA_URL needs a PostgreSQL "
                            "CLICO_DATABASE_URL (its streaming replica)")
    try:
        engine = create_clico_engine(settings.database_replica_url, connect_args={
            "connect_timeout": REPLICA_CONNECT_TIMEOUT})
    except ValueError as error:
        raise SettingsError(f"CLICO_DATABASE_REPLICA_URL: {error}") from None
    if engine.dialect.name != "postgresql":
        raise SettingsError("CLICO_DATABASE_REPLICA_URL must be a postgresql+psycopg:// URL")
    return ReplicaRouter(database.uow_factory, engine,
                         sticky_seconds=settings.replica_sticky_seconds,
                         max_lag_bytes=settings.replica_max_lag_mb * 1024 * 1024)
def probe_mail(settings: Settings) -> None:
    """Reach the configured mail transport as a delivery would, sending nothing (a
    ``DeliveryError`` or a ``ValueError`` for a bad ``CLICO_MAIL_URL``)."""
    probe(transport_from_url(settings.effective_mail_url()))


def backup_database(settings: Settings, destination: Path) -> int:
    """``clico db backup``: SQLite's online backup into a new file; ``BackupRefused``
    (with the pg_dump invocation) for PostgreSQL."""
    return sql_backup.backup(settings.effective_database_url(), destination)


def restore_database(settings: Settings, origin: Path, *, replace: bool = False) -> None:
    """``clico db restore``: a checked backup into the configured SQLite database."""
    if not settings.database_url:
        private_directory(settings.data_dir)
    sql_backup.restore(settings.effective_database_url(), origin, replace=replace)


def pruning(settings: Settings, services: Services) -> ScheduledJob:
    """Delete what the retention periods no longer keep, hourly, in short transactions;
    a backlog goes ``PRUNE_BATCHES_PER_ROUND`` batches at a time between mail rounds."""
    def prune() -> bool:
        report = services.prune(settings.retention, max_batches=PRUNE_BATCHES_PER_ROUND)
        if report.total:
            log.info("pruned %d attempts, %d sessions, %d tokens, %d sent mails, "
                     "%d webhook deliveries, %d audit events", report.attempts,
                     report.sessions, report.tokens, report.sent_mail,
                     report.webhook_deliveries, report.audit)
        return report.complete

    return ScheduledJob("prune", PRUNE_EVERY, prune)


def blob_sweeping(services: Services) -> ScheduledJob:
    """Hourly, what ``clico blobs sweep`` does: uploads of forms never sent, blobs no
    attachment references and unfinished uploads, once older than ``ORPHAN_AGE``."""
    def sweep() -> bool:
        report = services.sweep_orphan_blobs()
        if report.attachments or report.blobs or report.incomplete:
            log.info("swept %d unlinked uploads, %d unused blobs, %d unfinished uploads",
                     report.attachments, report.blobs, report.incomplete)
        return True

    return ScheduledJob("sweep-blobs", SWEEP_EVERY, sweep)


def blob_store(settings: Settings) -> FilesystemBlobStore:
    """Attachments' bytes: files under ``<CLICO_DATA_DIR>/blobs`` (made on first write)."""
    return FilesystemBlobStore(settings.data_dir / "blobs")


def auto_closing(services: Services) -> ScheduledJob:
    """Close the resolved tickets quiet for ``CLICO_AUTO_CLOSE_DAYS`` and queue the reminders
    due before that, hourly (``clico tickets auto-close`` runs the same once)."""
    def close() -> bool:
        report = services.auto_close_resolved()
        if report.closed or report.reminded:
            log.info("auto-closed %d resolved tickets, reminded %d reporters",
                     report.closed, report.reminded)
        return True  # the use case walks every batch itself

    return ScheduledJob("auto-close", AUTO_CLOSE_EVERY, close)


def sla_alerting(services: Services) -> ScheduledJob:
    """Mail the SLA warnings (75 %) and breaches now due, each once, every minute."""
    def alert() -> bool:
        report = services.send_sla_alerts()
        if report.warnings or report.breaches:
            log.info("SLA: %d warnings, %d breaches mailed", report.warnings, report.breaches)
        return True

    return ScheduledJob("sla-alerts", SLA_ALERTS_EVERY, alert)


def build(settings: Settings, *, schema: Schema = Schema.CHECK,
          uow: UnitOfWorkFactory | None = None, mail_queue: MailQueue | None = None,
          clock: Clock | None = None, secrets: SecretGenerator | None = None,
          hasher: PasswordHasher | None = None, blobs: BlobStore | None = None) -> Backend:
    """Everything ``settings`` describe: the database, argon2 at the configured priority and
    concurrency, the attachments' blob store, the services, the mail queue and the workers'
    transport.

    ``uow`` and ``mail_queue`` (given together: the outbox is written through one and read
    through the other) replace the database; the other overrides replace one port each.
    """
    if (uow is None) != (mail_queue is None):
        raise ValueError("uow and mail_queue are given together or not at all")
    database = replica = None
    webhook_queue: WebhookQueue | None = None
    if isinstance(uow, MemoryUnitOfWorkFactory):
        webhook_queue = MemoryWebhookQueue(uow.store)
    if uow is None or mail_queue is None:
        database = open_database(settings)
        uow, mail_queue = database.uow_factory, database.mail_queue
        webhook_queue = database.webhook_queue
        try:
            replica = replica_router(settings, database)  # refused before migrating
            _prepare(database, schema)
        except BaseException:
            database.dispose()
            if replica is not None:
                replica.dispose()
            raise
        uow = replica or uow
    owned = hasher_for(settings) if hasher is None else None
    clock = clock or SystemClock()
    # images from the portal's own address stay images; others become links
    services = bootstrap(uow=uow, clock=clock, secrets=secrets, hasher=hasher or owned,
                         sanitize=html_sanitizer(settings.origin),
                         blobs=blobs or blob_store(settings),
                         support_inbox=settings.support_inbox,
                         language=Language(settings.language),
                         status_rules=StatusRules(
                             auto_close_after=timedelta(days=settings.auto_close_days)),
                         sla=SlaSettings(default_level=settings.sla_default_level,
                                         holidays=public_holidays),
                         webhooks_allow_private=settings.webhooks_allow_private)
    return Backend(settings, services, mail_queue, clock, database, replica,
                   owned_hasher=owned, webhook_queue=webhook_queue)


def _prepare(database: SqlDatabase, schema: Schema) -> None:
    if schema is Schema.UPGRADE:
        database.upgrade()
    elif schema is Schema.CHECK and database.pending_migrations():
        raise SettingsError(OUTDATED_SCHEMA)
