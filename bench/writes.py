"""Writes: ticket creation through the service against a raw SQLAlchemy Core loop writing
the same rows (the ticket-number step, the ticket, its description as the first article,
its audit rows and its mail, one transaction each), interleaved in blocks.

Run in its own process (``python -m bench.writes URL``, pinned to the server's core) so its
peak memory is its own; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import insert, select
from sqlalchemy.dialects import sqlite

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import articles, audit_log, outbox, ticket_counter, tickets
from clico_core.services import OpenTicket, SignIn

from .databases import BENCH_SECRET_KEY
from .seed import PASSWORD, VIEWER

DESCRIPTION = ("<p>The <b>HA pair</b> fails over every night at 02:00; the passive unit "
               "reports <i>link down</i> on ethernet1/3.</p><ul><li>PAN-OS 11.1</li>"
               "<li>logs attached</li></ul>")


@frozen
class Written:
    """The rows one ticket's creation wrote, under fresh keys."""

    ticket: dict[str, Any]
    articles: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    mail: dict[str, Any]


def _copy_rows(db: SqlDatabase, ticket_ids: list[str], outbox_after: int) -> list[Written]:
    """The rows the service wrote, given fresh keys so they can be inserted again."""
    with db.engine.connect() as connection:
        ticket_rows = {r["id"]: dict(r) for r in connection.execute(
            select(tickets).where(tickets.c.id.in_(ticket_ids))).mappings()}
        article_rows = [dict(r) for r in connection.execute(
            select(articles).where(articles.c.ticket_id.in_(ticket_ids))).mappings()]
        audit_rows = [dict(r) for r in connection.execute(
            select(audit_log).where(audit_log.c.ticket_id.in_(ticket_ids))).mappings()]
        mails = [dict(r) for r in connection.execute(
            select(outbox).where(outbox.c.seq > outbox_after).order_by(outbox.c.seq)
        ).mappings()]
    copies = []
    for ticket_id, mail in zip(ticket_ids, mails, strict=True):
        row = dict(ticket_rows[ticket_id])
        fresh = uuid.uuid4().hex
        row.update(id=fresh, number=f"RAW-{fresh[:12]}", idempotency_key=f"raw-{fresh}")
        mail.pop("seq")
        mail.update(id=uuid.uuid4().hex)
        mine = [{**a, "id": uuid.uuid4().hex, "ticket_id": fresh,
                 "idempotency_key": a["idempotency_key"] and f"raw-{uuid.uuid4().hex}"}
                for a in article_rows if a["ticket_id"] == ticket_id]
        audit = [{**{k: v for k, v in a.items() if k != "seq"}, "ticket_id": fresh}
                 for a in audit_rows if a["ticket_id"] == ticket_id]
        copies.append(Written(row, mine, audit, mail))
    return copies


def _write_raw(db: SqlDatabase, written: Written) -> None:
    """One ticket's rows as the service writes them: the number in a transaction of its
    own (numbers are never reused), then the rest in one."""
    increment = sqlite.insert(ticket_counter).values(name="raw", value=1)
    with db.engine.begin() as connection:  # BEGIN IMMEDIATE, as the service's
        connection.execute(increment.on_conflict_do_update(
            index_elements=["name"], set_={"value": ticket_counter.c.value + 1}))
    with db.engine.begin() as connection:
        connection.execute(insert(tickets), written.ticket)
        for article in written.articles:
            connection.execute(insert(articles), article)
        for row in written.audit:
            connection.execute(insert(audit_log), row)
        connection.execute(insert(outbox), written.mail)


def _last_outbox_seq(db: SqlDatabase) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(select(outbox.c.seq).order_by(outbox.c.seq.desc())
                                      .limit(1)).scalar() or 0)


def measure(url: str, blocks: int, block_size: int) -> dict[str, Any]:
    backend = compose.build(Settings(database_url=url, secret_key=BENCH_SECRET_KEY))
    db, services = backend.database, backend.services
    assert db is not None
    token = services.sign_in(SignIn(VIEWER, PASSWORD, "bench-writer")).session_token
    viewer = services.authenticate(token)
    assert viewer is not None
    service_seconds = raw_seconds = 0.0
    count = 0
    for block in range(blocks):
        outbox_after = _last_outbox_seq(db)
        ids = []
        started = time.perf_counter()
        for i in range(block_size):
            ticket = services.open_administrative_ticket(viewer, OpenTicket(
                subject=f"Nightly failover, block {block} #{i}", description=DESCRIPTION,
                priority="high", idempotency_key=uuid.uuid4().hex))
            ids.append(ticket.id)
        service_seconds += time.perf_counter() - started
        copies = _copy_rows(db, ids, outbox_after)
        started = time.perf_counter()
        for written in copies:
            _write_raw(db, written)
        raw_seconds += time.perf_counter() - started
        count += block_size
    backend.close()
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1])
    return {"tickets": count, "service_per_s": round(count / service_seconds, 1),
            "raw_per_s": round(count / raw_seconds, 1),
            "service_ms": round(service_seconds / count * 1000, 3),
            "raw_ms": round(raw_seconds / count * 1000, 3),
            "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--block-size", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(measure(args.database_url, args.blocks, args.block_size)))


if __name__ == "__main__":
    main()
