"""Read-only work on a streaming replica, with read-your-writes and a fallback to the primary.

A primary and a replica of our own (``replica_cluster.py``); the backend is what the
composition root builds from ``CLICO_DATABASE_REPLICA_URL``. Replay paused on the replica
makes staleness certain rather than a race: a row written on the primary is then on the
replica only once replay resumes, so whoever sees it read the primary.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import evolve
from sqlalchemy import text

from clico_adapters.compose import Backend, Schema, build
from clico_adapters.config import Settings
from clico_adapters.consistency import marks_for_request
from clico_adapters.sql.replica import RoutedReadUnitOfWork
from clico_core.testing import builders as b

from .replica_cluster import Cluster, primary_and_replica
from .sql_support import recorded

STICKY = 2


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with primary_and_replica() as started:
        yield started


@pytest.fixture
def backend(cluster: Cluster, tmp_path: Path) -> Iterator[Backend]:
    settings = Settings(database_url=cluster.primary_url, data_dir=tmp_path,
                        database_replica_url=cluster.replica_url,
                        replica_sticky_seconds=STICKY, secret_key="r" * 40,
                        start_mail_worker=False)
    with build(settings, schema=Schema.UPGRADE) as built:
        assert built.replica is not None
        _caught_up(cluster, built)  # the migration too
        yield built
    cluster.resume_replay()


def _in_recovery(backend: Backend) -> bool:
    """Where a read-only unit of work of this session runs: True on the replica."""
    assert backend.replica is not None
    with backend.replica(readonly=True) as uow:
        return bool(uow.connection.execute(text("SELECT pg_is_in_recovery()")).scalar())


def _add_account(backend: Backend) -> str:
    """A company and an account written through the router (a write: the primary)."""
    assert backend.replica is not None
    company = b.company(b.new_id("Firma "))
    account = b.account(company.id)
    with backend.replica() as uow:
        uow.companies.add(company)
        uow.accounts.add(account)
        uow.commit()
    return account.login


def _caught_up(cluster: Cluster, backend: Backend) -> None:
    """Wait until the replica has replayed everything the primary wrote so far: up to the
    insert position, as the router's marks (the write position may be behind it until the
    WAL writer catches up, and a mark above it would send the read to the primary)."""
    assert backend.database is not None
    with backend.database.engine.connect() as connection:
        lsn = connection.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar()
    deadline = time.monotonic() + 30
    while not cluster.on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def test_reads_go_to_the_replica_and_writes_to_the_primary(cluster: Cluster,
                                                           backend: Backend) -> None:
    assert backend.replica is not None and backend.database is not None
    with marks_for_request(None):  # a session that has not written
        assert _in_recovery(backend) is True
        with recorded(backend.replica.replica) as on_replica, \
                recorded(backend.database.engine) as on_primary:
            backend.services.list_accounts()
        assert any("accounts" in s for s in on_replica), on_replica
        assert not any("accounts" in s for s in on_primary), on_primary


def test_a_session_reads_its_own_write_at_once_others_read_the_replica(
        cluster: Cluster, backend: Backend) -> None:
    _caught_up(cluster, backend)
    cluster.pause_replay()
    with marks_for_request(None) as writer:
        login = _add_account(backend)
        assert writer.changed and writer.mark is not None
        # the replica does not have it: this session reads the primary, and sees it
        assert _in_recovery(backend) is False
        assert login in {s.account.login for s in backend.services.list_accounts()}
    with marks_for_request(None):  # another session: the (stale) replica
        assert _in_recovery(backend) is True
        assert login not in {s.account.login for s in backend.services.list_accounts()}
    # the mark travels (the portal's cookie): another process's request carrying it
    with marks_for_request(evolve(writer.mark)):
        assert _in_recovery(backend) is False
    cluster.resume_replay()
    _caught_up(cluster, backend)
    with marks_for_request(writer.mark):  # replayed: back on the replica before the window
        assert _in_recovery(backend) is True
        assert login in {s.account.login for s in backend.services.list_accounts()}


def test_the_sticky_window_ends_even_if_the_replica_has_not_replayed(
        cluster: Cluster, backend: Backend) -> None:
    _caught_up(cluster, backend)
    cluster.pause_replay()
    with marks_for_request(None):
        _add_account(backend)
        assert _in_recovery(backend) is False
        time.sleep(STICKY + 0.2)
        assert _in_recovery(backend) is True


def test_a_replica_lagging_beyond_the_bound_is_not_read(cluster: Cluster,
                                                        backend: Backend) -> None:
    assert backend.replica is not None and backend.database is not None
    _caught_up(cluster, backend)
    cluster.pause_replay()
    backend.replica.max_lag_bytes = 1024 * 1024
    with backend.database.engine.begin() as connection:  # 2 MB of WAL behind the replica
        connection.execute(text("CREATE TEMP TABLE filler AS SELECT repeat('x', 1000) AS v "
                                "FROM generate_series(1, 2000)"))
        connection.execute(text("CREATE TABLE lag_filler AS SELECT repeat(md5(i::text), 40) "
                                "AS v FROM generate_series(1, 20000) AS i"))
        connection.execute(text("DROP TABLE lag_filler"))
    time.sleep(1.1)  # the next read probes the lag again
    with marks_for_request(None):
        assert _in_recovery(backend) is False
        cluster.resume_replay()
        _caught_up(cluster, backend)
        time.sleep(1.1)
        assert _in_recovery(backend) is True


def test_a_stopped_replica_sends_reads_to_the_primary_without_an_error(
        cluster: Cluster, backend: Backend) -> None:
    with marks_for_request(None):
        login = _add_account(backend)
    _caught_up(cluster, backend)
    with marks_for_request(None):
        assert _in_recovery(backend) is True  # a pooled replica connection, now in use
        cluster.stop_replica()
        try:
            # the pooled connection dies mid-read, the next ones cannot connect at all
            assert login in {s.account.login for s in backend.services.list_accounts()}
            assert _in_recovery(backend) is False
            assert login in {s.account.login for s in backend.services.list_accounts()}
        finally:
            cluster.start_replica()


def test_a_replica_url_naming_a_server_not_in_recovery_is_not_read(
        cluster: Cluster, tmp_path: Path) -> None:
    """A promoted replica, or a primary named by mistake: nothing says it follows ours."""
    settings = Settings(database_url=cluster.primary_url, data_dir=tmp_path,
                        database_replica_url=cluster.primary_url, secret_key="r" * 40,
                        start_mail_worker=False)
    with build(settings, schema=Schema.UPGRADE) as built, marks_for_request(None):
        assert built.replica is not None
        with built.replica(readonly=True) as uow:
            assert isinstance(uow, RoutedReadUnitOfWork) and not uow.on_replica
