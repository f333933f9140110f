"""The bench's seed cache (``bench/seed_cache.py``): what its key depends on, and SQLite
databases stored once, copied out for each run, seeded again when the key changes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.databases import POSTGRES_ENV, Databases
from bench.seed_cache import SOURCES, SeedCache, cache_key


def test_the_key_is_stable_and_ignores_the_order_of_the_parameters() -> None:
    one = cache_key("sqlite:tickets", {"size": 1000, "password_hash": "$argon2id$m=1"}, "0028")
    other = cache_key("sqlite:tickets", {"password_hash": "$argon2id$m=1", "size": 1000}, "0028")
    assert one == other
    assert len(one) == 16
    assert int(one, 16) >= 0


@pytest.mark.parametrize(("kind", "parameters", "head"), [
    ("postgresql:tickets", {"size": 1000}, "0028"),
    ("sqlite:kb", {"size": 1000}, "0028"),
    ("sqlite:tickets", {"size": 100_000}, "0028"),
    ("sqlite:tickets", {"size": 1000, "seed": 9}, "0028"),
    ("sqlite:tickets", {"size": 1000}, "0029"),
])
def test_the_key_changes_with_kind_parameters_and_migration_head(
        kind: str, parameters: dict[str, object], head: str) -> None:
    assert cache_key(kind, parameters, head) != cache_key("sqlite:tickets", {"size": 1000},
                                                          "0028")


def test_the_key_changes_with_the_seeding_code(tmp_path: Path) -> None:
    code = tmp_path / "seed.py"
    code.write_text("ROWS = 1\n")
    before = cache_key("sqlite:tickets", {"size": 1}, "0028", sources=[code])
    code.write_text("ROWS = 2\n")
    assert cache_key("sqlite:tickets", {"size": 1}, "0028", sources=[code]) != before


def test_the_seeding_code_is_part_of_the_default_key() -> None:
    assert {path.name for path in SOURCES} >= {"seed.py", "kb_seed.py"}
    assert all(path.exists() for path in SOURCES)


class Seeding:
    """A seeder writing one row into a WAL-mode SQLite file, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, url: str) -> dict[str, Any]:
        self.calls += 1
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE rows (value TEXT)")
        connection.execute("INSERT INTO rows VALUES ('seeded')")
        connection.commit()  # left open: the row may still be in the WAL only
        self.open = connection
        return {"rows": 1, "call": self.calls}


def _rows(url: str) -> list[str]:
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return [value for (value,) in connection.execute("SELECT value FROM rows")]
    finally:
        connection.close()


def _seeded_once(databases: Databases, tmp_path: Path, seeding: Seeding) -> SeedCache:
    """A cache under ``tmp_path`` holding one seeded SQLite entry (head 0028, size 1)."""
    cache = SeedCache(databases, tmp_path / "cache", "0028")
    cache.provide(cache.slot("sqlite", "a", "tickets", {"size": 1}), seeding)
    seeding.open.close()
    return cache


@pytest.fixture
def databases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Databases]:
    """SQLite only: no PostgreSQL server's cached templates are touched."""
    monkeypatch.delenv(POSTGRES_ENV, raising=False)
    found = Databases(tmp_path / "scratch")
    yield found
    found.close()


def test_a_seeded_sqlite_file_is_stored_then_copied_out(tmp_path: Path,
                                                        databases: Databases) -> None:
    seeding = Seeding()
    cache = SeedCache(databases, tmp_path / "cache", "0028")
    first = cache.provide(cache.slot("sqlite", "sqlite_1", "tickets", {"size": 1}), seeding)
    seeding.open.close()
    assert (first.cached, first.meta, first.store_s is not None) == (False, {"rows": 1,
                                                                            "call": 1}, True)
    again = SeedCache(databases, tmp_path / "cache", "0028")
    slot = again.slot("sqlite", "sqlite_1_again", "tickets", {"size": 1})
    second = again.provide(slot, seeding)
    assert slot.hit
    assert (second.cached, second.meta, seeding.calls) == (True, {"rows": 1, "call": 1}, 1)
    assert second.url != first.url
    assert _rows(second.url) == ["seeded"]


def test_a_run_writes_to_its_own_copy(tmp_path: Path, databases: Databases) -> None:
    seeding = Seeding()
    cache = _seeded_once(databases, tmp_path, seeding)
    copy = cache.provide(cache.slot("sqlite", "b", "tickets", {"size": 1}), seeding)
    connection = sqlite3.connect(copy.url.removeprefix("sqlite:///"))
    connection.execute("INSERT INTO rows VALUES ('written by a run')")
    connection.commit()
    connection.close()
    later = cache.provide(cache.slot("sqlite", "c", "tickets", {"size": 1}), seeding)
    assert _rows(later.url) == ["seeded"]
    assert seeding.calls == 1


def test_another_key_or_an_unfinished_entry_is_seeded_again(tmp_path: Path,
                                                             databases: Databases) -> None:
    seeding = Seeding()
    cache = _seeded_once(databases, tmp_path, seeding)
    newer = SeedCache(databases, tmp_path / "cache", "0029")
    assert not newer.slot("sqlite", "b", "tickets", {"size": 1}).hit
    for meta in (tmp_path / "cache").glob("*.json"):
        meta.unlink()  # as if the seeding had been cut short
    assert not cache.slot("sqlite", "c", "tickets", {"size": 1}).hit


def test_without_a_cache_every_slot_is_seeded_and_nothing_kept(tmp_path: Path,
                                                               databases: Databases) -> None:
    seeding = Seeding()
    cache = SeedCache(databases, None, "0028")
    for name in ("a", "b"):
        provided = cache.provide(cache.slot("sqlite", name, "tickets", {"size": 1}), seeding)
        seeding.open.close()
        assert (provided.cached, provided.store_s) == (False, None)
    assert seeding.calls == 2
    assert not (tmp_path / "cache").exists()


def test_clearing_removes_the_entries(tmp_path: Path, databases: Databases) -> None:
    seeding = Seeding()
    cache = _seeded_once(databases, tmp_path, seeding)
    assert len(cache.clear()) == 2
    assert list((tmp_path / "cache").iterdir()) == []


def test_storing_an_entry_removes_those_of_earlier_days(tmp_path: Path,
                                                        databases: Databases) -> None:
    seeding = Seeding()
    _seeded_once(databases, tmp_path, seeding)
    (old_meta,) = (tmp_path / "cache").glob("*.json")
    old_meta.write_text(json.dumps({**json.loads(old_meta.read_text()), "day": "2026-01-01"}))
    newer = SeedCache(databases, tmp_path / "cache", "0029")
    newer.provide(newer.slot("sqlite", "b", "tickets", {"size": 1}), seeding)
    seeding.open.close()
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert old_meta.name not in kept and f"{old_meta.stem}.db" not in kept
    assert len(kept) == 2  # the new entry's file and meta
