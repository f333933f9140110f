"""A cast for conversation tests on the in-memory adapters, SQLite and PostgreSQL.

Accounts are written straight through the unit of work and the viewers built as
``authenticate`` would build them, so Hypothesis examples spend their time on the
conversation rather than on signing in.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from attrs import define

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SteppingClock,
    SystemSecrets,
)
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase, SqlMailQueue
from clico_core.accounts import Account
from clico_core.mail import OutboxMessage
from clico_core.policies import visible_scope
from clico_core.services import Services, Viewer
from clico_core.testing import builders as b
from clico_core.tickets import TicketScope
from clico_core.values import Role

from ..support import sealing_box
from .sql_support import empty_postgres, sqlite_url

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
INBOX = "inbox@clico.pl"


@define
class Cast:
    services: Services
    clock: SteppingClock
    mails: MemoryMailQueue | SqlMailQueue
    acme: list[Viewer]  # three colleagues of one company
    beta: Viewer  # a customer of another company
    staff: list[Viewer]  # two engineers

    def outbox(self) -> list[OutboxMessage]:
        return list(self.mails.all())


def _viewer(account: Account) -> Viewer:
    scope = visible_scope(account, ()) if account.is_staff else TicketScope(
        frozenset({account.company_id}))
    return Viewer(account, f"session-{account.id}", (), scope)


def _seed(services: Services) -> tuple[list[Viewer], Viewer, list[Viewer]]:
    acme, beta, clico = b.company("Acme"), b.company("Beta"), b.company("CLICO")
    customers = [b.account(acme.id, f"acme{i}", first_name=f"Klient{i}") for i in range(3)]
    outsider = b.account(beta.id, "beta0")
    engineers = [b.account(clico.id, f"eng{i}", role=Role.ENGINEER) for i in range(2)]
    with services.ports.uow() as uow:
        for company in (acme, beta, clico):
            uow.companies.add(company)
        for account in (*customers, outsider, *engineers):
            uow.accounts.add(account)
        uow.commit()
    return ([_viewer(a) for a in customers], _viewer(outsider),
            [_viewer(a) for a in engineers])


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def cast(request: pytest.FixtureRequest) -> Iterator[Cast]:
    """The services over one backend in turn (PostgreSQL skips without its variable)."""
    clock = SteppingClock(START)
    hasher = Argon2Hasher.minimum()
    if request.param == "memory":
        store = MemoryStore()
        services = bootstrap(uow=MemoryUnitOfWorkFactory(store), clock=clock,
                             secrets=SystemSecrets(), hasher=hasher, support_inbox=INBOX)
        yield Cast(services, clock, MemoryMailQueue(store), *_seed(services))
        return
    if request.param == "sqlite":
        path = request.getfixturevalue("tmp_path") / "clico.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
        url = sqlite_url(path)
    else:
        url = request.getfixturevalue("_migrated_postgres")
        empty_postgres(url)
    database = SqlDatabase.from_url(url, box=sealing_box())
    services = bootstrap(uow=database.uow_factory, clock=clock, secrets=SystemSecrets(),
                         hasher=hasher, support_inbox=INBOX)
    try:
        yield Cast(services, clock, database.mail_queue, *_seed(services))
    finally:
        database.dispose()
