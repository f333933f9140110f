"""What every SQL repository shares: the unit of work it runs in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, Table, delete, select

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

    def delete_batch(self, table: Table, condition: ColumnElement[bool], limit: int) -> int:
        """Delete at most ``limit`` rows matching ``condition``, chosen by primary key in a
        subquery (neither engine takes ``DELETE … LIMIT`` as standard). PostgreSQL skips rows
        another transaction holds, so two pruning workers never wait on each other."""
        (key,) = table.primary_key.columns
        chosen = select(key).where(condition).limit(limit)
        if self.uow.dialect == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True)
        statement = delete(table).where(key.in_(chosen.scalar_subquery()))
        return int(self.uow.execute(statement).rowcount)
