"""What every SQL repository shares: the unit of work it runs in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Select

if TYPE_CHECKING:
    from ..uow import SqlUnitOfWork


class SqlRepository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def for_change(self, query: Select[Any]) -> Select[Any]:
        """Lock the rows a write unit of work reads, on PostgreSQL (``FOR UPDATE``).

        Entities are written back whole; without the lock a concurrent change (an account
        disabled, a session revoked) read before ours committed would be overwritten by
        our stale copy. SQLite needs nothing: its write transactions begin IMMEDIATE.
        """
        if self.uow.readonly or self.uow.dialect != "postgresql":
            return query
        return query.with_for_update()
