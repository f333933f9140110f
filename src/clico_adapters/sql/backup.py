"""``clico db backup`` / ``clico db restore``: SQLite's online backup API, pg_dump advice.

SQLite's backup API copies the database page by page from a read transaction, so the copy
is one consistent state however many processes write meanwhile (with WAL, writers are not
even held up). It is done in one step: a stepped copy restarts whenever a writer changes a
page, and under steady writes it might never finish. PostgreSQL has its own tools, which
know its types, permissions and large objects better than anything we could write: the
command refuses and prints their invocation (docs/operations.md).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import make_url

from ..files import private_directory, private_file


class BackupRefused(ValueError):
    """The backup or restore cannot be done here; the message says what to do instead."""


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def libpq_url(url: str) -> str:
    """The URL as pg_dump reads it (no ``+psycopg``), its password masked as ``****``:
    pg_dump takes the password from ``PGPASSWORD`` or ``~/.pgpass``, never a command line
    others may read in the process list."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    if parts.password is not None:
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{parts.username or ''}@{host}")
    return urlunsplit(parts)


def pg_dump_advice(url: str, path: Path) -> str:
    target = libpq_url(url)
    return (f"PostgreSQL is backed up with its own tools:\n"
            f"  pg_dump --format=custom --no-owner --file={path} '{target}'\n"
            f"and restored into an empty database with:\n"
            f"  pg_restore --no-owner --exit-on-error --dbname='{target}' {path}\n"
            f"(the password from PGPASSWORD or ~/.pgpass; docs/operations.md)")


def backup(url: str, destination: Path) -> int:
    """Copy the SQLite database at ``url`` to a new file ``destination`` (0600) while the
    portal keeps serving; return its size in bytes. ``BackupRefused`` for PostgreSQL or an
    existing destination."""
    source = sqlite_path(url)
    if source is None:
        raise BackupRefused(pg_dump_advice(url, destination))
    if not source.is_file():
        raise BackupRefused(f"there is no database at {source}")
    _fresh(destination)
    try:
        _copy(source, destination)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination.stat().st_size


def restore(url: str, origin: Path, *, replace: bool = False) -> None:
    """Copy the backup ``origin`` into the SQLite database at ``url``.

    The backup is checked first (SQLite's integrity check, a schema revision). An existing
    database with tables is replaced only with ``replace``; stop every portal and worker
    process first, as they would keep the old database open.
    """
    target = sqlite_path(url)
    if target is None:
        raise BackupRefused(pg_dump_advice(url, origin))
    _check_backup(origin)
    if target.exists() and _has_tables(target) and not replace:
        raise BackupRefused(f"{target} already holds a database: restore into an empty data "
                            f"directory, or pass --replace with every portal process stopped")
    private_directory(target.parent)
    private_file(target)
    _copy(origin, target)  # through SQLite, so the target's own WAL stays consistent


def _fresh(destination: Path) -> None:
    if destination.exists():
        raise BackupRefused(f"{destination} exists: choose a new file name")
    if not destination.parent.is_dir():
        raise BackupRefused(f"the directory {destination.parent} does not exist")
    descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)


def _copy(source: Path, destination: Path) -> None:
    # not mode=ro: a read-only connection cannot open a WAL database whose -shm is missing
    origin = sqlite3.connect(source, timeout=10)
    try:
        target = sqlite3.connect(destination, timeout=10)
        try:
            origin.backup(target)  # pages=-1: everything from one read transaction
            target.commit()
        finally:
            target.close()
    finally:
        origin.close()


def _check_backup(origin: Path) -> None:
    if not origin.is_file():
        raise BackupRefused(f"there is no backup at {origin}")
    try:
        connection = sqlite3.connect(origin)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{origin} is not a CLICO database backup: {error}") from None
    if verdict != "ok" or revision is None:
        raise BackupRefused(f"{origin} is damaged or not a CLICO database backup ({verdict})")


def _has_tables(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        tables: int = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        return tables > 0
    finally:
        connection.close()
