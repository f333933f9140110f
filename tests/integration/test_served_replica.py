"""``clico serve`` with ``CLICO_DATABASE_REPLICA_URL``: list pages from the replica, a
session's pages after its own write from the primary (the ``clico_written`` cookie), and
from the primary while the replica is stopped. Our own primary and replica
(``replica_cluster.py``); replay paused on the replica so that staleness is certain.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from clico_adapters.compose import Backend, Schema, build, hasher_for
from clico_adapters.config import Settings
from clico_adapters.consistency import COOKIE
from clico_core.services.signin import SignIn
from clico_core.testing import builders as b

from .replica_cluster import Cluster, primary_and_replica
from .served import SECRET_KEY, Served, clico_env, serving
from .smtp import free_port

PASSWORD = "Replika czyta szybciej 2026"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with primary_and_replica() as started:
        yield started


@pytest.fixture
def backend(cluster: Cluster, tmp_path: Path) -> Iterator[Backend]:
    """The test's own way in (on the primary only): seeding, writes of other sessions."""
    settings = Settings(database_url=cluster.primary_url, data_dir=tmp_path / "seed",
                        secret_key=SECRET_KEY, start_mail_worker=False)
    with build(settings, schema=Schema.UPGRADE) as built:
        yield built


@pytest.fixture
def served(cluster: Cluster, backend: Backend, tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    env = clico_env(tmp_path / "var", CLICO_DATABASE_URL=cluster.primary_url,
                    CLICO_DATABASE_REPLICA_URL=cluster.replica_url,
                    CLICO_REPLICA_STICKY_SECONDS="60", CLICO_MAIL_WORKER="0",
                    CLICO_SECRET_KEY=SECRET_KEY, CLICO_MODE="development",
                    CLICO_BASE_URL=f"http://127.0.0.1:{port}")
    with serving(env, tmp_path / "server.log", port=port) as running:
        yield running
    cluster.resume_replay()


def _customer(backend: Backend) -> tuple[str, str, str]:
    """A customer (no second factor) and their company; signed in: the session cookie."""
    assert backend.database is not None
    company = b.company(b.new_id("Firma "))
    account = b.account(company.id, two_factor=False,
                        password_hash=hasher_for(backend.settings).hash(PASSWORD))
    with backend.database.uow_factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(account)
        uow.commit()
    step = backend.services.sign_in(SignIn(account.login, PASSWORD, "replica-test"))
    assert step.complete
    return company.id, account.id, step.session_token


def _ticket(backend: Backend, company_id: str, reporter_id: str) -> str:
    """A ticket written by someone else (on the primary, not through the portal)."""
    assert backend.database is not None
    number = f"CSS-{int(time.time() * 1000) % 10**6:06d}"
    with backend.database.uow_factory() as uow:
        uow.tickets.add(b.ticket(company_id, reporter_id, number))
        uow.commit()
    return number


def _caught_up(cluster: Cluster, backend: Backend) -> None:
    assert backend.database is not None
    with backend.database.engine.connect() as connection:
        lsn = connection.exec_driver_sql("SELECT pg_current_wal_insert_lsn()::text").scalar()
    deadline = time.monotonic() + 30
    while not cluster.on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def _list(client: httpx.Client) -> str:
    response = client.get("/tickets")
    assert response.status_code == 200, response.text[:300]
    return response.text


def test_served_reads_follow_the_replica_and_the_sessions_own_writes(
        cluster: Cluster, backend: Backend, served: Served) -> None:
    company_id, reporter_id, token = _customer(backend)
    _caught_up(cluster, backend)
    cluster.pause_replay()
    number = _ticket(backend, company_id, reporter_id)
    with httpx.Client(base_url=served.base, cookies={"clico_session": token}) as reader, \
            httpx.Client(base_url=served.base, cookies={"clico_session": token}) as writer:
        assert number not in _list(reader)  # the replica's page: replay is paused
        page = _list(writer)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        form = {"csrf_token": csrf.group(1), "notify_company_tickets": "1"}  # a change
        saved = writer.post("/account/notifications", data=form,
                            headers={"Origin": served.base})
        assert saved.status_code == 303, saved.text[:300]
        assert COOKIE in saved.cookies  # the write's mark, for any portal process
        assert number in _list(writer)  # after its own write: the primary
        assert number not in _list(reader)  # the session without the mark: the replica
        cluster.stop_replica()
        try:
            assert number in _list(reader)  # no replica: the primary, never an error
            assert number in _list(reader)
        finally:
            cluster.start_replica()
    assert "Traceback" not in served.log_text()
