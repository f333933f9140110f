"""What the portal creates on disk is readable by its own user only: the data directory
0700; the SQLite database, its -wal and -shm files and the secret key 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from clico_adapters.compose import open_database
from clico_adapters.sql import SqlDatabase
from clico_core.testing import builders as b
from clico_web.settings import Settings

from ..support import sealing_box


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems start services with (files 0644 unless asked otherwise)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_something(db: SqlDatabase) -> None:
    db.upgrade()
    with db.uow_factory() as uow:
        uow.companies.add(b.company())
        uow.commit()


def test_the_portal_creates_a_private_data_directory_database_and_key(tmp_path: Path) -> None:
    data = tmp_path / "var"
    db = open_database(Settings(data_dir=data))
    try:
        _write_something(db)
        with db.engine.connect():  # the -wal and -shm files exist while a connection is open
            files = {p.name: _mode(p) for p in data.iterdir()}
    finally:
        db.dispose()
    assert _mode(data) == 0o700
    assert files == {"clico.db": 0o600, "clico.db-wal": 0o600, "clico.db-shm": 0o600,
                     "secret_key": 0o600}


def test_a_database_url_in_a_new_directory_is_private_too(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "clico.db"
    db = SqlDatabase.from_url(f"sqlite:///{path}", box=sealing_box())
    try:
        _write_something(db)
        with db.engine.connect():
            modes = {p.name: _mode(p) for p in path.parent.iterdir()}
    finally:
        db.dispose()
    assert _mode(path.parent) == 0o700
    assert modes == {"clico.db": 0o600, "clico.db-wal": 0o600, "clico.db-shm": 0o600}


def test_an_existing_directory_keeps_the_mode_its_operator_chose(tmp_path: Path) -> None:
    data = tmp_path / "shared"
    data.mkdir(mode=0o750)
    db = open_database(Settings(data_dir=data))
    try:
        _write_something(db)
    finally:
        db.dispose()
    assert _mode(data) == 0o750 and _mode(data / "clico.db") == 0o600
