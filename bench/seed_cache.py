"""Seeded databases kept between runs, so a repeated ``python -m bench`` does not seed again.

An entry is keyed by a hash of the seeding code (``SOURCES``), the schema's migration head,
the seeding's parameters (kind, size, …) and the day: change any of them and it is not found,
the run seeds anew and stores the new one. Each entry is ``<root>/<key>.json`` (what the
seeding returned, and how long it took) and the database itself:

- SQLite: the file ``<root>/<key>.db``, copied out for each run (a run may write to its copy);
- PostgreSQL: the database ``clico_bench_cache_<key>`` on the bench's server, marked a
  template that takes no connections; each run's database is ``CREATE DATABASE … TEMPLATE``
  of it. The copy carries the planner statistics and the visibility map of the seeding's
  ``VACUUM ANALYZE``, so it needs no ``ANALYZE`` of its own.

The JSON file is written last: an entry without it (a seeding cut short) is seeded again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, make_url, text

from .databases import Databases

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = HERE / ".cache"
SOURCES = (HERE / "seed.py", HERE / "kb_seed.py", HERE / "databases.py")
TEMPLATE_PREFIX = "clico_bench_cache_"

Seeder = Callable[[str], dict[str, Any]]  # fills the empty database at a URL; returns its meta


def cache_key(kind: str, parameters: Mapping[str, object], head: str,
              sources: Sequence[Path] = SOURCES) -> str:
    """16 hex digits of a SHA-256 over the seeding code, the migration head, the parameters
    (order of the mapping does not matter) and today's UTC date: a seeding dates its data
    from its own "now" (ages, SLA due times, contract validity), so an entry serves the
    day it was made and no other."""
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    described = {"kind": kind, "head": head, "parameters": dict(parameters), "day": _today()}
    digest.update(json.dumps(described, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


@frozen
class Slot:
    """One database a run needs: found in the cache (``meta``) or to be seeded at
    ``seed_url`` (``meta`` None)."""

    engine: str
    name: str  # the run's own name for it, e.g. ``sqlite_1000000``
    key: str | None  # None: the cache is off
    seed_url: str | None
    meta: dict[str, Any] | None

    @property
    def hit(self) -> bool:
        return self.meta is not None


@frozen
class Provided:
    """A database ready for a run, and where it came from."""

    url: str
    meta: dict[str, Any]
    cached: bool
    seed_s: float  # the seeding's own time (for an entry from the cache: when it was stored)
    copy_s: float  # copying it out of the cache (0 when seeded for this run)
    store_s: float | None  # copying it into the cache (0 when it came from there; None: no cache)

    def record(self) -> dict[str, Any]:
        return {"cached": self.cached, "seed_s": self.seed_s, "copy_s": self.copy_s,
                "store_s": self.store_s}


class SeedCache:
    """Hands out seeded databases through ``databases``; ``root`` None turns the cache off
    (every slot is seeded into a database of the run's own)."""

    def __init__(self, databases: Databases, root: Path | None, head: str) -> None:
        self.databases = databases
        self.root = root
        self.head = head
        if root is not None:
            root.mkdir(parents=True, exist_ok=True)

    def slot(self, engine: str, name: str, kind: str, parameters: Mapping[str, object]
             ) -> Slot:
        if self.root is None:
            return Slot(engine, name, None, self.databases.new(engine, name), None)
        key = cache_key(f"{engine}:{kind}", parameters, self.head)
        meta = self._meta(key)
        stored = self._file(key).exists() if engine == "sqlite" else self._template_exists(key)
        if meta is not None and stored:
            return Slot(engine, name, key, None, meta)
        self._meta_path(key).unlink(missing_ok=True)
        if engine == "sqlite":
            return Slot(engine, name, key, self.databases.new(engine, name), None)
        with self.databases.admin() as connection:  # a seeding cut short: start afresh
            self._drop_template(connection, key)
            connection.execute(text(f'CREATE DATABASE "{TEMPLATE_PREFIX}{key}"'))
        return Slot(engine, name, key, self.databases.postgres_url(TEMPLATE_PREFIX + key),
                    None)

    def provide(self, slot: Slot, seeder: Seeder) -> Provided:
        """The slot's database: copied out of the cache, or seeded (and stored) now."""
        if slot.hit:
            return self.take(slot)
        assert slot.seed_url is not None
        started = time.perf_counter()
        meta = seeder(slot.seed_url)
        return self.store(slot, meta, time.perf_counter() - started)

    def take(self, slot: Slot) -> Provided:
        """A copy of a cached database for this run."""
        assert slot.key is not None and slot.meta is not None
        started = time.perf_counter()
        if slot.engine == "sqlite":
            url = self.databases.new(slot.engine, slot.name)
            shutil.copyfile(self._file(slot.key), _sqlite_path(url))
        else:
            url = self.databases.new(slot.engine, slot.name, template=TEMPLATE_PREFIX + slot.key)
        return Provided(url, slot.meta["seeded"], True, float(slot.meta["seed_s"]),
                        round(time.perf_counter() - started, 2), 0.0)

    def store(self, slot: Slot, meta: dict[str, Any], seed_s: float) -> Provided:
        """Keep what was just seeded at ``slot.seed_url``; the run's database: the seeded
        file itself (SQLite), a copy of the new template (PostgreSQL)."""
        assert slot.seed_url is not None
        seed_s = round(seed_s, 2)
        if slot.key is None:
            return Provided(slot.seed_url, meta, False, seed_s, 0.0, None)
        started = time.perf_counter()
        if slot.engine == "sqlite":
            _copy_sqlite(_sqlite_path(slot.seed_url), self._file(slot.key))
        else:
            with self.databases.admin() as connection:
                connection.execute(text(f'ALTER DATABASE "{TEMPLATE_PREFIX}{slot.key}" '
                                        "WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"))
        self._write_meta(slot.key, {"seeded": meta, "seed_s": seed_s, "day": _today()})
        self._prune_other_days()
        store_s = round(time.perf_counter() - started, 2)
        if slot.engine == "sqlite":
            return Provided(slot.seed_url, meta, False, seed_s, 0.0, store_s)
        taken = self.take(Slot(slot.engine, slot.name, slot.key, None,
                               {"seeded": meta, "seed_s": seed_s}))
        return Provided(taken.url, meta, False, seed_s, taken.copy_s, store_s)

    def clear(self) -> list[str]:
        """Remove every entry (files, and the templates on the bench's PostgreSQL server)."""
        removed: list[str] = []
        if self.root is not None and self.root.exists():
            for path in sorted(self.root.iterdir()):
                path.unlink()
                removed.append(str(path))
        if self.databases.postgres_server:
            with self.databases.admin() as connection:
                names = connection.execute(text(
                    "SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                    {"prefix": TEMPLATE_PREFIX.replace("_", r"\_") + "%"}).scalars().all()
                for name in names:
                    self._drop_template(connection, name.removeprefix(TEMPLATE_PREFIX))
                    removed.append(f"postgresql database {name}")
        return removed

    def _prune_other_days(self) -> None:
        """Remove the entries an earlier day stored: their keys can no longer be found."""
        assert self.root is not None
        for path in sorted(self.root.glob("*.json")):
            meta = json.loads(path.read_text())
            if meta.get("day") == _today():
                continue
            key = path.stem
            self._file(key).unlink(missing_ok=True)
            if self.databases.postgres_server:
                with self.databases.admin() as connection:
                    self._drop_template(connection, key)
            path.unlink()

    def _file(self, key: str) -> Path:
        assert self.root is not None
        return self.root / f"{key}.db"

    def _meta_path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / f"{key}.json"

    def _meta(self, key: str) -> dict[str, Any] | None:
        path = self._meta_path(key)
        if not path.exists():
            return None
        found: dict[str, Any] = json.loads(path.read_text())
        return found

    def _write_meta(self, key: str, meta: dict[str, Any]) -> None:
        path = self._meta_path(key)
        partial = path.with_suffix(".json.part")
        partial.write_text(json.dumps(meta))
        partial.replace(path)

    def _template_exists(self, key: str) -> bool:
        if not self.databases.postgres_server:
            return False
        with self.databases.admin() as connection:
            return connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": TEMPLATE_PREFIX + key}).first() is not None

    @staticmethod
    def _drop_template(connection: Connection, key: str) -> None:
        name = TEMPLATE_PREFIX + key
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": name}).first() is None:
            return
        connection.execute(text(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false'))
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


def _copy_sqlite(source: Path, destination: Path) -> None:
    """The database in one file (its WAL checkpointed into it), written under another name
    and renamed: a reader never sees half a copy."""
    connection = sqlite3.connect(source)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    partial = destination.with_suffix(".db.part")
    shutil.copyfile(source, partial)
    partial.replace(destination)
