"""Database errors the adapter understands: constraint violations and retryable conflicts."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError

from clico_core.errors import TransientConflict

from .tables import metadata

T = TypeVar("T")

# serialization_failure, deadlock_detected
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 4


class RetryableConflict(TransientConflict):
    """The database aborted this transaction to resolve a conflict (deadlock, serialization
    failure, lock timeout): running the whole use case again may well succeed."""


def _sqlite_constraint_names() -> dict[str, str]:
    """SQLite names the columns, not the constraint: map "table.col, table.col" to a name."""
    names = {}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
                columns = ", ".join(f"{table.name}.{c.name}" for c in constraint.columns)
                names[columns] = str(constraint.name)
    return names


_SQLITE_NAMES = _sqlite_constraint_names()
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the unique or primary-key constraint behind ``error``, if known."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    match = _SQLITE_UNIQUE.search(str(error.orig))
    return _SQLITE_NAMES.get(match.group(1).strip()) if match else None


def is_retryable(error: DBAPIError) -> bool:
    """A conflict the database resolved by aborting us: running again may well succeed."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES:
        return True
    # SQLite gives up after busy_timeout; another attempt is worth it
    return "database is locked" in str(error.orig)


def retrying(action: Callable[[], T], attempts: int = MAX_ATTEMPTS) -> T:
    """Run a whole transaction again (a bounded number of times) on a retryable conflict."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (DBAPIError, RetryableConflict) as error:
            retryable = isinstance(error, RetryableConflict) or is_retryable(error)
            if attempt == attempts or not retryable:
                raise
            # jitter so the transactions that collided do not collide again in lockstep
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))  # noqa: S311
    raise AssertionError("unreachable")
