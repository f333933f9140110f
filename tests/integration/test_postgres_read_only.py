"""PostgreSQL refusing writes (a hot standby the portal was pointed at after a failover, or
``default_transaction_read_only`` set by an operator: SQLSTATE 25006): writes get the same
clear 503 page as a full SQLite disk, reads and signed-in pages keep working, and writes
work again without a restart once the database takes them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from .cannot_write import assert_writes_again, assert_writes_refused_reads_kept, customer_portal
from .served import run_clico
from .served_pages import CUSTOMER
from .smtp import SmtpServer
from .sql_support import PostgresDatabases

pytestmark = pytest.mark.postgres


def _read_only(url: str, on: bool) -> None:
    """Make the database refuse (or take) writes for every new session, and end the
    portal's sessions so its pool reconnects under the new setting (from the server's
    ``postgres`` database: a session in the read-only one could not undo it)."""
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            setting = "SET default_transaction_read_only = on" if on \
                else "RESET default_transaction_read_only"
            connection.execute(text(f'ALTER DATABASE "{name}" {setting}'))
            connection.execute(text(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                "WHERE datname = :name"), {"name": name})
    finally:
        admin.dispose()


def _settled(client: httpx.Client, base: str) -> None:
    """Wait until the portal reads again: the first request after its connections were
    ended meets a dead one and is a 503 (the pool then drops the rest, docs/operations.md)."""
    for _ in range(20):
        if client.get(base + "/tickets").status_code == 200:
            return
        time.sleep(0.2)
    raise AssertionError("the portal did not read again")


def test_a_read_only_postgresql_refuses_writes_and_keeps_reads(
        smtp_server: SmtpServer, tmp_path: Path, postgres_databases: PostgresDatabases) -> None:
    url = postgres_databases.create()
    with customer_portal(url, smtp_server, tmp_path) as portal:
        token = run_clico(portal.served.env, "tokens", "create", "--login", CUSTOMER,
                          "--scope", "write", "--expires", "1d").stdout.strip().splitlines()[-1]
        _read_only(url, True)
        try:
            _settled(portal.client, portal.base)
            assert_writes_refused_reads_kept(portal)
            api = httpx.Client(base_url=portal.base + "/api/v1", timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
            with api:  # a program gets problem details, never the HTML page
                refused = api.post("/tickets", headers={"Idempotency-Key": "ro-1"}, json={
                    "kind": "administrative", "subject": "Faktura", "description": "Kopia."})
                assert refused.status_code == 503, refused.text
                assert refused.headers["content-type"] == "application/problem+json"
                assert refused.json()["code"] == "database_cannot_write"
                assert refused.headers["Retry-After"].isdigit()
                assert api.get("/tickets").status_code == 200  # reads keep working
        finally:
            _read_only(url, False)
        _settled(portal.client, portal.base)
        assert_writes_again(portal)
