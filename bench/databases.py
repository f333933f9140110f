"""The databases a run measures: SQLite files in a scratch folder, PostgreSQL databases
created on the server named by ``CLICO_BENCH_POSTGRES_URL`` and dropped at the end."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

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

    def new(self, engine: str, name: str) -> str:
        """The URL of a new empty database."""
        if engine == "sqlite":
            path = self.scratch / f"{name}.db"
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            return f"sqlite:///{path}"
        assert self.postgres_server is not None
        database = f"{self._prefix}_{name}"
        admin = create_engine(self.postgres_server, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{database}"'))
        finally:
            admin.dispose()
        self._created.append(database)
        url = make_url(self.postgres_server).set(database=database)
        return url.render_as_string(hide_password=False)

    def close(self) -> None:
        if self._created:
            admin = create_engine(self.postgres_server or "", isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as connection:
                    for database in self._created:
                        connection.execute(
                            text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            finally:
                admin.dispose()
            self._created.clear()
        if self._owns_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


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
