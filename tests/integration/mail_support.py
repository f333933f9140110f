"""Harness for the mail tests: one persistence backend (memory, SQLite or PostgreSQL), the
core's services over it, a stepping clock, and a MailWorker factory.

PostgreSQL tests use ``CLICO_TEST_POSTGRES_URL`` (see ``tests/postgres_probe.py``) and a
fresh database per test; they skip (with the reason) without a server, and CI turns that
skip into a failure.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from attrs import define

from clico_adapters.bootstrap import bootstrap
from clico_adapters.mail import MailRenderer, MailWorker, Transport
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.mail import OutboxMessage
from clico_core.ports import MailQueue, UnitOfWorkFactory
from clico_core.services import RegisterAccount
from clico_core.values import Language

from ..postgres_probe import POSTGRES_ENV, SKIP_REASON
from ..support import PASSWORD, World, sealing_box

BASE_URL = "https://portal.example.test"
EMAIL = "jan@example.com"
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
BACKENDS = ("memory", "sqlite", "postgres")


@define
class Backend:
    name: str
    uow: UnitOfWorkFactory
    queue: MailQueue


@contextmanager
def sql_backend(name: str, url: str) -> Iterator[Backend]:
    """A migrated ``SqlDatabase`` at ``url`` as a backend, disposed afterwards."""
    from clico_adapters.sql import SqlDatabase

    db = SqlDatabase.from_url(url, box=sealing_box())
    try:
        db.upgrade()
        yield Backend(name, db.uow_factory, db.mail_queue)
    finally:
        db.dispose()


@contextmanager
def fresh_postgres_database(url: str) -> Iterator[str]:
    """Create an empty database next to the one in ``url``; yield its URL; drop it after."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"clico_mail_{uuid.uuid4().hex[:16]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


@contextmanager
def open_backend(name: str, tmp_path: Path) -> Iterator[Backend]:
    """Memory, SQLite (a file in ``tmp_path``) or PostgreSQL (a fresh database)."""
    if name == "memory":
        yield memory_backend()
    elif name == "sqlite":
        with sql_backend(name, f"sqlite:///{tmp_path / 'clico.db'}") as backend:
            yield backend
    elif name == "postgres":
        url = os.environ.get(POSTGRES_ENV, "").strip()
        if not url:
            pytest.skip(SKIP_REASON)
        with fresh_postgres_database(url) as db_url, sql_backend(name, db_url) as backend:
            yield backend
    else:
        raise ValueError(f"unknown backend {name!r}")


def memory_backend() -> Backend:
    store = MemoryStore()
    return Backend("memory", MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                   MemoryMailQueue(store))


class _NoOutboxReader:
    """World.last_mail is not used here: these tests read mails from the SMTP server."""

    def all(self) -> Sequence[OutboxMessage]:
        raise AssertionError("read the mail from the SMTP server instead")


@define
class MailRig:
    backend: Backend
    world: World
    clock: SteppingClock
    renderer: MailRenderer

    @property
    def queue(self) -> MailQueue:
        return self.backend.queue

    def worker(self, transport: Transport, **options: Any) -> MailWorker:
        options.setdefault("rand", lambda: 0.5)
        options.setdefault("poll_interval", 0.05)
        return MailWorker(self.backend.queue, transport, self.renderer, self.clock, **options)

    def advance(self, delta: timedelta = timedelta(hours=1)) -> None:
        self.clock.advance(delta)


def make_rig(backend: Backend, hasher: Argon2Hasher) -> MailRig:
    clock = SteppingClock(START)
    services = bootstrap(uow=backend.uow, clock=clock, secrets=SeededSecrets(42), hasher=hasher)
    world = World(services, clock, _NoOutboxReader(), today=date(2026, 11, 25))
    return MailRig(backend, world, clock, MailRenderer(BASE_URL))


def register(rig: MailRig, *, login: str = "jan", email: str = EMAIL,
             language: Language = Language.PL, contract_number: str = "C-1") -> None:
    """Issue a contract and register an account on it (its confirmation mail is queued)."""
    issued = rig.world.issue(contract_number)
    rig.world.services.register_account(RegisterAccount(
        login, email, "Łukasz", "Żółkiewski", PASSWORD, PASSWORD, "+48 600 100 200",
        issued.contract.number, issued.activation_key, "Acme", language=language))


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage, path_prefix: str) -> str:
    """The one link below the base URL starting with ``path_prefix``, same in text and HTML."""
    pattern = re.compile(re.escape(BASE_URL + path_prefix) + r"[A-Za-z0-9_\-./~%]*")
    in_text = set(pattern.findall(text_of(message)))
    in_html = set(pattern.findall(html_of(message)))
    assert len(in_text) == 1, in_text
    assert in_html == in_text
    found: str = in_text.pop()
    return found
