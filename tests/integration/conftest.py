"""Integration-test fixtures shared by every engineer: databases first.

``database_url`` runs a test on SQLite (a file, never ``:memory:``) and on PostgreSQL, each
time on an empty database at the newest migration. PostgreSQL comes from
``CLICO_TEST_POSTGRES_URL`` (or the default URL when a server answers there, see
``tests/postgres_probe.py``); each test run (and each xdist worker) gets its own database,
dropped at the end. Without a server the PostgreSQL cases skip, saying why.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import TICKET_NUMBER_SEQUENCE, metadata

from ..postgres_probe import POSTGRES_ENV, SKIP_REASON
from ..support import sealing_box


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The server's URL (a database we may CREATE DATABASE from), or skip."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    return url


class PostgresDatabases:
    """Creates throw-away databases on the test server and drops them all at the end."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.prefix = f"clico_test_{worker}_{uuid.uuid4().hex[:8]}"

    def create(self) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.server_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.engine.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def postgres_databases(postgres_server_url: str) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def _migrated_postgres(postgres_databases: PostgresDatabases) -> str:
    """One migrated database per run and worker; emptied before each test that uses it."""
    url = postgres_databases.create()
    database = SqlDatabase.from_url(url)
    database.upgrade()
    database.dispose()
    return url


def _empty_postgres(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        connection.execute(text(f"ALTER SEQUENCE {TICKET_NUMBER_SEQUENCE} RESTART"))
    engine.dispose()


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "clico.db"
    database = SqlDatabase.from_url(_sqlite_url(path))
    database.upgrade()
    database.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest migration, on each engine in turn."""
    if request.param == "sqlite":
        path = tmp_path / "clico.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
        return _sqlite_url(path)
    url: str = request.getfixturevalue("_migrated_postgres")
    _empty_postgres(url)
    return url


@pytest.fixture
def postgres_url(_migrated_postgres: str) -> str:
    """An empty PostgreSQL database at the newest migration (for PostgreSQL-only tests)."""
    _empty_postgres(_migrated_postgres)
    return _migrated_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all (for migration tests), on each engine in turn."""
    if request.param == "sqlite":
        return _sqlite_url(tmp_path / "empty.db")
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create()


@pytest.fixture
def sql_database(database_url: str) -> Iterator[SqlDatabase]:
    """A ``SqlDatabase`` over ``database_url`` sealing with the test key, disposed after."""
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    yield database
    database.dispose()
