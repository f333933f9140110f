"""Which database errors mean "the database is away" or "it cannot take writes now".

The web layer answers both with a 503 page and ``Retry-After`` instead of a 500: the
request did nothing (its transaction never committed), and the same request will work
once the database is back (PostgreSQL restarted, SQLite's disk has room again).
"""

from __future__ import annotations

import enum

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..files import WriteRefused

# SQLite's words for a database it can read but not write (sqlite3 gives no error codes
# before Python 3.11's ``sqlite_errorname``, and the words are stable across versions)
_SQLITE_CANNOT_WRITE = ("readonly database", "database or disk is full", "disk i/o error",
                        "unable to open database file")
# PostgreSQL's SQLSTATEs for the same: a read-only transaction (a hot standby after a
# failover pointed the portal at it, or ``default_transaction_read_only`` set by an
# operator), a full disk
_POSTGRES_CANNOT_WRITE = frozenset({"25006", "53100"})


# the exception classes an outage arrives as (``outage_of`` tells which of them are one):
# the web registers its 503 answer for each, inside the app. Starlette's outermost handler
# (``Exception``) re-raises after answering, and the server then drops the connection.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout, WriteRefused)


class Outage(enum.Enum):
    UNAVAILABLE = "unavailable"  # no connection, or the server went away mid-request
    CANNOT_WRITE = "cannot_write"  # reads work, writes fail (full disk, read-only files)


def outage_of(error: BaseException) -> Outage | None:
    """The outage behind ``error`` (or one it was raised from), None for anything else."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found = _outage(current)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _outage(error: BaseException) -> Outage | None:
    if isinstance(error, WriteRefused):  # the blob store's files (clico_adapters.files)
        return Outage.CANNOT_WRITE
    if isinstance(error, PoolTimeout):
        return Outage.UNAVAILABLE
    if not isinstance(error, DBAPIError):
        return None
    if error.connection_invalidated:
        return Outage.UNAVAILABLE
    if getattr(error.orig, "sqlstate", None) in _POSTGRES_CANNOT_WRITE:
        return Outage.CANNOT_WRITE
    text = str(error.orig).lower()
    if any(words in text for words in _SQLITE_CANNOT_WRITE):
        return Outage.CANNOT_WRITE
    if isinstance(error, OperationalError | InterfaceError):
        return Outage.UNAVAILABLE  # refused, closed, terminated, locked past busy_timeout
    return None


def cannot_write(error: BaseException) -> bool:
    """Reads work but writes fail just now (``Outage.CANNOT_WRITE``)."""
    return outage_of(error) is Outage.CANNOT_WRITE
