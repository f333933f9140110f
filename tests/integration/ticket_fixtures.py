"""Fixtures and helpers for the ticket screens: the portal over memory, SQLite and PostgreSQL.

``ticket_world`` runs a test on the in-memory adapters and on both SQL databases (PostgreSQL
skips without ``CLICO_TEST_POSTGRES_URL``). ``seed_tickets`` writes many tickets straight
through the unit of work, the way an import would, so list tests stay fast. The fixtures are
registered in ``conftest.py``; test modules import the helpers by name.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.testing import builders as b
from clico_core.tickets import Priority, Ticket, TicketStatus
from clico_web import Settings, create_app

from ..support import PALO_ALTO_ANSWERS, World, sealing_box
from .sql_support import empty_postgres, sqlite_url
from .web_fixtures import BASE_URL, START, TODAY, TestClient, csrf_of, sign_in_web

SEED_START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
# the Polish texts of the new-ticket form, the product's visible contract
NOTICE = ("UWAGA: Tworzysz zgłoszenie administracyjne. Nie podlega ono polityce wsparcia "
          "serwisowego żadnego z producentów. Jeśli chcesz stworzyć zgłoszenie techniczne dodaj "
          "do zgłoszenia odpowiedni zasób, którego dotyczy problem.")
QUESTIONS = ["Data wystąpienia", "Czy to nowe wdrożenie/konfiguracja?",
             "Czy ta funkcja kiedyś działała?",
             "Czy przed wystąpieniem problemu były wykonywane jakieś zmiany?",
             "Czy to środowisko produkcyjne?", "Jak często problem występuje?"]
STATUSES = list(TicketStatus)
PRIORITIES = list(Priority)
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_ROW = re.compile(r'<td[^>]*><a href="/tickets/([A-Z]+-\d+)">')


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def ticket_world(request: pytest.FixtureRequest, web_hasher: Argon2Hasher) -> Iterator[World]:
    """The core over one backend in turn, with a hand-moved clock and seeded secrets."""
    clock = SteppingClock(START)
    if request.param == "memory":
        store = MemoryStore()
        services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                             clock=clock, secrets=SeededSecrets(42), hasher=web_hasher)
        yield World(services, clock, MemoryMailQueue(store), today=TODAY)
        return
    url = _database_url(request)
    database = SqlDatabase.from_url(url, new_id=SeededSecrets(7).new_id,
                                    box=sealing_box())
    services = bootstrap(uow=database.uow_factory, clock=clock, secrets=SeededSecrets(42),
                         hasher=web_hasher)
    yield World(services, clock, database.mail_queue, today=TODAY)
    database.dispose()


def _database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        path = request.getfixturevalue("tmp_path") / "clico.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
        return sqlite_url(path)
    url: str = request.getfixturevalue("_migrated_postgres")
    empty_postgres(url)
    return url


@pytest.fixture
def tclient(ticket_world: World, web_settings: Settings) -> Iterator[TestClient]:
    app = create_app(web_settings, services=ticket_world.services)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as test_client:
        yield test_client


def signed_in_as(client: TestClient, world: World, login: str) -> TestClient:
    sign_in_web(client, world, login)
    return client


def form_values(client: TestClient, path: str) -> dict[str, str]:
    """The hidden values a browser would post from the form on ``path``."""
    page = client.get(path)
    assert page.status_code in (200, 400), page.text
    match = _KEY.search(page.text)
    assert match, "no idempotency key"
    return {"csrf_token": csrf_of(client, path), "idempotency_key": match.group(1)}


def ticket_data(asset_id: str = "", **fields: str) -> dict[str, str]:
    data = {"subject": "VPN tunnel drops", "description": "The tunnel drops\nevery hour.",
            "format": "text", "priority": "high", "relation_type": "incident"}
    if asset_id:
        data["asset_id"] = asset_id
        data.update({f"q_{k}": v for k, v in PALO_ALTO_ANSWERS.items()})
    data.update(fields)
    return data


def post_ticket(client: TestClient, asset_id: str = "", *, drop: tuple[str, ...] = (),
                **fields: str):  # type: ignore[no-untyped-def]
    path = f"/tickets/new?asset={asset_id}" if asset_id else "/tickets/new"
    data = {**form_values(client, path), **ticket_data(asset_id, **fields)}
    for name in drop:
        data.pop(name)
    return client.post("/tickets/new", data=data)


def listed(html: str) -> list[str]:
    """The ticket numbers of a list page, in order."""
    return _ROW.findall(html)


def seeded_ticket(company_id: str, reporter_id: str, i: int) -> Ticket:
    """Ticket ``i`` of the seeded list: statuses, priorities and hours vary with ``i``."""
    subject = f"Subject {i:03d}" + (" VPN" if i % 10 == 0 else "")
    return b.ticket(company_id, reporter_id, f"OLD-{i:04d}", at=SEED_START, minutes=i * 60,
                    subject=subject, status=STATUSES[i % len(STATUSES)],
                    priority=PRIORITIES[i % len(PRIORITIES)])


def seed_tickets(world: World, company_id: str, login: str, count: int) -> list[Ticket]:
    with world.services.ports.uow() as uow:
        account = uow.accounts.get_by_login(login)
        assert account is not None
        made = [seeded_ticket(company_id, account.id, i) for i in range(count)]
        for ticket in made:
            uow.tickets.add(ticket)
        uow.commit()
    return made


def asset_id_of(world: World, contract_number: str) -> str:
    with world.services.ports.uow(readonly=True) as uow:
        contract = uow.contracts.get_by_number(contract_number)
        assert contract is not None
        return sorted(contract.asset_ids)[0]
