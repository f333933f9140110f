"""Integration-test fixtures shared by every engineer: databases first, then the fixture
modules of the web, ticket, mail, SMTP and browser tests, registered here once.

``database_url`` runs a test on SQLite (a file, never ``:memory:``) and on PostgreSQL, each
time on an empty database at the newest migration. PostgreSQL comes from
``CLICO_TEST_POSTGRES_URL`` (or the default URL when a server answers there, see
``tests/postgres_probe.py``); each test run (and each xdist worker) gets its own database,
dropped at the end. Without a server the PostgreSQL cases skip, saying why.

The other fixtures live beside their helpers (``web_fixtures.py``, ``ticket_fixtures.py``,
``mail_fixtures.py``, ``smtp.py``, ``served.py``, ``browser.py``) and are imported below, so
every test under ``tests/integration`` can ask for them by name. Test modules import only
plain helpers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from clico_adapters.sql import SqlDatabase

from ..postgres_probe import POSTGRES_ENV, SKIP_REASON
from ..support import sealing_box
from .browser import browser_page, chromium, live_server
from .conversation_support import cast
from .mail_fixtures import mail_hasher, mail_rig
from .served import served_portal
from .smtp import smtp_server
from .sql_support import PostgresDatabases, empty_postgres, sqlite_url
from .ticket_fixtures import tclient, ticket_world
from .web_fixtures import client, issued, web_hasher, web_settings, web_world

# pytest finds fixtures by the names a conftest module holds, imported ones included
__all__ = [
    "browser_page", "cast", "chromium", "client", "issued", "live_server", "mail_hasher",
    "mail_rig", "served_portal", "smtp_server", "tclient", "ticket_world", "web_hasher",
    "web_settings", "web_world",
]


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The server's URL (a database we may CREATE DATABASE from), or skip."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        pytest.skip(SKIP_REASON)
    return url


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


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "clico.db"
    database = SqlDatabase.from_url(sqlite_url(path))
    database.upgrade()
    database.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database at the newest migration, on each engine in turn."""
    if request.param == "sqlite":
        path = tmp_path / "clico.db"
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"), path)
        return sqlite_url(path)
    url: str = request.getfixturevalue("_migrated_postgres")
    empty_postgres(url)
    return url


@pytest.fixture
def postgres_url(_migrated_postgres: str) -> str:
    """An empty PostgreSQL database at the newest migration (for PostgreSQL-only tests)."""
    empty_postgres(_migrated_postgres)
    return _migrated_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all (for migration tests), on each engine in turn."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "empty.db")
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return databases.create()


@pytest.fixture
def sql_database(database_url: str) -> Iterator[SqlDatabase]:
    """A ``SqlDatabase`` over ``database_url`` sealing with the test key, disposed after."""
    database = SqlDatabase.from_url(database_url, box=sealing_box())
    yield database
    database.dispose()
