"""Building the core and the mail worker from settings, when ``create_app`` is not given them.

The SQL and mail adapters are optional imports, so the portal also runs (in memory, without
sending mail) in an environment that lacks them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from clico_adapters.bootstrap import bootstrap
from clico_core.services import Services

from .settings import Mode, Settings, SettingsError

log = logging.getLogger("clico_web")


class Worker(Protocol):
    def start(self) -> Any: ...
    def stop(self) -> Any: ...
    def wake(self) -> Any: ...


def build_backend(settings: Settings) -> tuple[Services, Any]:
    """The services over SQL (if available) and the outbox's delivery queue."""
    try:
        from clico_adapters.sql import SqlDatabase, default_database_url
    except ImportError:  # SQLAlchemy not installed
        from clico_adapters.memory import MemoryMailQueue, MemoryStore, MemoryUnitOfWorkFactory
        log.warning("clico_adapters.sql is not available: data is kept in memory only")
        store = MemoryStore()
        return (bootstrap(uow=MemoryUnitOfWorkFactory(store), hasher=hasher_for(settings),
                          sanitize=sanitizer_for(settings)),
                MemoryMailQueue(store))
    url = settings.database_url
    if not url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        url = default_database_url(settings.data_dir)
    db = SqlDatabase.from_url(url)
    if settings.mode is Mode.DEMO:
        db.upgrade()  # a throw-away demo may set itself up
    elif db.pending_migrations():
        # Nothing touches a real schema silently: `clico db upgrade` (or `serve --migrate`).
        db.dispose()
        raise SettingsError("the database schema is not up to date: run `clico db upgrade`")
    return (bootstrap(uow=db.uow_factory, hasher=hasher_for(settings),
                      sanitize=sanitizer_for(settings)), db.mail_queue)


def sanitizer_for(settings: Settings) -> Callable[[str], str]:
    """nh3 with the portal's own address: images from it stay images."""
    from clico_adapters.html import html_sanitizer
    return html_sanitizer(settings.origin)


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
        mail_url = mail_url_from_env(settings.data_dir, environ={})  # the local Maildir
        if settings.mode is Mode.DEMO:
            mail_url += "?log_codes=1"  # the demo shows sign-in codes in the log
    renderer = MailRenderer(settings.base_url, settings.mail_from)
    worker: Worker = MailWorker(queue, transport_from_url(mail_url), renderer,
                                services.ports.clock)
    return worker


def stop_quietly(worker: Worker | None) -> None:
    if worker is not None:
        with contextlib.suppress(Exception):
            worker.stop()
