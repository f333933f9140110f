"""Writes: ticket creation through the service (one transaction each) against a raw
SQLAlchemy Core loop inserting the same rows (one transaction each), interleaved in blocks.

Run in its own process (``python -m bench.writes URL``, pinned to the server's core) so its
peak memory is its own; prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects import sqlite

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import articles, audit_log, outbox, ticket_counter, tickets
from clico_core.services import OpenTicket, Services, SignIn, Viewer

from .databases import BENCH_SECRET_KEY
from .seed import PASSWORD, VIEWER
from .service_vs_raw import compare, last_seq, rows_after

DESCRIPTION = ("<p>The <b>HA pair</b> fails over every night at 02:00; the passive unit "
               "reports <i>link down</i> on ethernet1/3.</p><ul><li>PAN-OS 11.1</li>"
               "<li>logs attached</li></ul>")


_NEXT_NUMBER = sqlite.insert(ticket_counter).values(name="raw", value=1).on_conflict_do_update(
    index_elements=["name"], set_={"value": ticket_counter.c.value + 1})


@frozen
class Written:
    """The rows one ticket's creation wrote, under fresh keys."""

    ticket: dict[str, Any]
    articles: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    mail: dict[str, Any]


@frozen
class TicketCreation:
    """An administrative ticket (its number, row, description article, audit rows and the
    staff inbox's mail), both ways."""

    db: SqlDatabase
    services: Services
    viewer: Viewer

    def before_block(self) -> int:
        return last_seq(self.db, outbox)

    def through_service(self, block: int, index: int) -> str:
        return self.services.open_administrative_ticket(self.viewer, OpenTicket(
            subject=f"Nightly failover, block {block} #{index}", description=DESCRIPTION,
            priority="high", idempotency_key=uuid.uuid4().hex)).id

    def copies(self, outbox_after: int, ticket_ids: list[str]) -> list[Written]:
        with self.db.engine.connect() as connection:
            ticket_rows = {r["id"]: dict(r) for r in connection.execute(
                select(tickets).where(tickets.c.id.in_(ticket_ids))).mappings()}
            article_rows = [dict(r) for r in connection.execute(
                select(articles).where(articles.c.ticket_id.in_(ticket_ids))).mappings()]
            audit_rows = [dict(r) for r in connection.execute(
                select(audit_log).where(audit_log.c.ticket_id.in_(ticket_ids))).mappings()]
        mails = rows_after(self.db, outbox, outbox_after)
        copies = []
        for ticket_id, mail in zip(ticket_ids, mails, strict=True):
            row = dict(ticket_rows[ticket_id])
            fresh = uuid.uuid4().hex
            row.update(id=fresh, number=f"RAW-{fresh[:12]}", idempotency_key=f"raw-{fresh}")
            mail.update(id=uuid.uuid4().hex)
            mine = [{**a, "id": uuid.uuid4().hex, "ticket_id": fresh,
                     "idempotency_key": a["idempotency_key"] and f"raw-{uuid.uuid4().hex}"}
                    for a in article_rows if a["ticket_id"] == ticket_id]
            audit = [{**{k: v for k, v in a.items() if k != "seq"}, "ticket_id": fresh}
                     for a in audit_rows if a["ticket_id"] == ticket_id]
            copies.append(Written(row, mine, audit, mail))
        return copies

    def insert_raw(self, connection: Connection, copy: Written) -> None:
        """The number step, the ticket, its description article, its audit rows and its
        mail. The service takes the number in a transaction of its own (numbers are never
        reused); here it shares the one transaction, which only flatters the raw side."""
        connection.execute(_NEXT_NUMBER)
        connection.execute(insert(tickets), copy.ticket)
        for article in copy.articles:
            connection.execute(insert(articles), article)
        for row in copy.audit:
            connection.execute(insert(audit_log), row)
        connection.execute(insert(outbox), copy.mail)


def measure(url: str, blocks: int, block_size: int) -> dict[str, Any]:
    backend = compose.build(Settings(database_url=url, secret_key=BENCH_SECRET_KEY))
    db, services = backend.database, backend.services
    assert db is not None
    token = services.sign_in(SignIn(VIEWER, PASSWORD, "bench-writer")).session_token
    viewer = services.authenticate(token)
    assert viewer is not None
    rates = compare(db, TicketCreation(db, services, viewer), blocks, block_size)
    backend.close()
    status = Path("/proc/self/status").read_text()
    peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1])
    return {"tickets": blocks * block_size, **rates, "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--block-size", type=int, default=100)
    args = parser.parse_args()
    print(json.dumps(measure(args.database_url, args.blocks, args.block_size)))


if __name__ == "__main__":
    main()
