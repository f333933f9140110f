"""A write through the service against a raw SQLAlchemy Core loop inserting the same rows,
one transaction each, timed in alternating blocks: what the use case's reads, checks and
mapping cost over the bare inserts. ``writes`` compares ticket creation, ``reply_cost``
reply posting."""

from __future__ import annotations

import time
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Table, select

from clico_adapters.sql import SqlDatabase

Before = TypeVar("Before")
Written = TypeVar("Written")
Copy = TypeVar("Copy")


class Comparison(Protocol[Before, Written, Copy]):
    """One kind of write, both ways."""

    def before_block(self) -> Before:
        """What ``copies`` needs to tell this block's rows from older ones (untimed)."""

    def through_service(self, block: int, index: int) -> Written:
        """One write through the service (timed)."""

    def copies(self, before: Before, written: list[Written]) -> list[Copy]:
        """The rows the service wrote in the block, given fresh keys (untimed)."""

    def insert_raw(self, connection: Connection, copy: Copy) -> None:
        """One write's rows as plain Core statements, inside its transaction (timed)."""


def compare(db: SqlDatabase, comparison: Comparison[Any, Any, Any], blocks: int,
            block_size: int) -> dict[str, Any]:
    """``blocks`` × (``block_size`` writes through the service, then as many raw): the
    rates and the time of one write each way."""
    service_seconds = raw_seconds = 0.0
    count = 0
    for block in range(blocks):
        before = comparison.before_block()
        started = time.perf_counter()
        written = [comparison.through_service(block, i) for i in range(block_size)]
        service_seconds += time.perf_counter() - started
        copies = comparison.copies(before, written)
        started = time.perf_counter()
        for copy in copies:
            with db.engine.begin() as connection:  # BEGIN IMMEDIATE, as the service's
                comparison.insert_raw(connection, copy)
        raw_seconds += time.perf_counter() - started
        count += block_size
    return {"service_per_s": round(count / service_seconds, 1),
            "raw_per_s": round(count / raw_seconds, 1),
            "service_ms": round(service_seconds / count * 1000, 3),
            "raw_ms": round(raw_seconds / count * 1000, 3)}


def last_seq(db: SqlDatabase, table: Table) -> int:
    """The highest ``seq`` of an append-only table (0 when empty)."""
    with db.engine.connect() as connection:
        return int(connection.execute(select(table.c.seq).order_by(table.c.seq.desc())
                                      .limit(1)).scalar() or 0)


def rows_after(db: SqlDatabase, table: Table, after: int) -> list[dict[str, Any]]:
    """The rows of an append-only table written after ``seq`` ``after``, oldest first,
    without their ``seq`` (an insert numbers them anew)."""
    with db.engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(
            select(table).where(table.c.seq > after).order_by(table.c.seq)).mappings()]
    for row in rows:
        row.pop("seq")
    return rows
