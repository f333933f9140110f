"""The databases a run measures: SQLite files in a scratch folder, PostgreSQL databases
created on the server named by ``CLICO_BENCH_POSTGRES_URL`` and dropped at the end."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.ports import SecretBox

POSTGRES_ENV = "CLICO_BENCH_POSTGRES_URL"
# the key the bench's databases seal their secrets with (codes, links in queued mail)
BENCH_SECRET_KEY = "b" * 40


def bench_box() -> SecretBox:
    """The box the seeding writes with (the services get theirs from ``compose.build``)."""
    return compose.secret_box(Settings(secret_key=BENCH_SECRET_KEY))


class Databases:
    """Hands out one empty database per (engine, size) and removes them all on ``close``."""

    def __init__(self, scratch: Path | None = None) -> None:
        self.scratch = Path(scratch or tempfile.mkdtemp(prefix="clico-bench-"))
        self.scratch.mkdir(parents=True, exist_ok=True)
        self._owns_scratch = scratch is None
        self.postgres_server = os.environ.get(POSTGRES_ENV, "").strip() or None
        self._prefix = f"clico_bench_{uuid.uuid4().hex[:8]}"
        self._created: list[str] = []

    def engines(self) -> list[str]:
        return ["sqlite", "postgresql"] if self.postgres_server else ["sqlite"]

    def new(self, engine: str, name: str, template: str | None = None) -> str:
        """The URL of a new empty database (PostgreSQL: or a copy of ``template``, a
        database nobody is connected to)."""
        if engine == "sqlite":
            path = self.scratch / f"{name}.db"
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        database = f"{self._prefix}_{name}"
        with self.admin() as connection:
            if template is None:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
            else:
                _copy_database(connection, template, database)
        self._created.append(database)
        return self.postgres_url(database)

    def postgres_url(self, database: str) -> str:
        """The URL of ``database`` on the bench's PostgreSQL server."""
        assert self.postgres_server is not None
        url = make_url(self.postgres_server).set(database=database)
        return url.render_as_string(hide_password=False)

    @contextmanager
    def admin(self) -> Iterator[Connection]:
        """An autocommit connection to the database the bench's URL names."""
        assert self.postgres_server is not None
        admin = create_engine(self.postgres_server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                yield connection
        finally:
            admin.dispose()

    def close(self) -> None:
        if self._created:
            with self.admin() as connection:
                for database in self._created:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            self._created.clear()
        if self._owns_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _copy_database(connection: Connection, template: str, database: str) -> None:
    """``CREATE DATABASE … TEMPLATE``, a file copy (PostgreSQL 15+ would otherwise write every
    block to the WAL); retried while a connection to the template lingers (autovacuum)."""
    version = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
    for attempt in range(10):
        try:
            connection.execute(text(
                f'CREATE DATABASE "{database}" TEMPLATE "{template}"{strategy}'))
            return
        except OperationalError as error:
            if "being accessed by other users" not in str(error) or attempt == 9:
                raise
            time.sleep(1)


def print_per_engine(postgres: bool, name: str, measure: Callable[[str], dict[str, Any]]
                     ) -> None:
    """``measure`` on a new database named ``name`` on SQLite, and on PostgreSQL too when
    ``postgres`` and the server is configured: one JSON line each, as it comes."""
    databases = Databases()
    try:
        for engine in databases.engines() if postgres else ["sqlite"]:
            print(json.dumps(measure(databases.new(engine, name))), flush=True)
    finally:
        databases.close()
