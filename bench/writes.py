"""Writes: ticket creation through the service (one transaction each) against a raw
SQLAlchemy Core loop inserting the same rows (one transaction each), interleaved in blocks.

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

from sqlalchemy import insert, select

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import outbox, tickets
from clico_core.services import OpenTicket, SignIn

from .databases import BENCH_SECRET_KEY
from .seed import PASSWORD, VIEWER

DESCRIPTION = ("<p>The <b>HA pair</b> fails over every night at 02:00; the passive unit "
               "reports <i>link down</i> on ethernet1/3.</p><ul><li>PAN-OS 11.1</li>"
               "<li>logs attached</li></ul>")


def _copy_rows(db: SqlDatabase, ticket_ids: list[str], outbox_after: int
               ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The rows the service wrote, given fresh keys so they can be inserted again."""
    with db.engine.connect() as connection:
        ticket_rows = {r["id"]: dict(r) for r in connection.execute(
            select(tickets).where(tickets.c.id.in_(ticket_ids))).mappings()}
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
        copies.append((row, mail))
    return copies


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
        for ticket_row, mail_row in copies:
            with db.engine.begin() as connection:  # BEGIN IMMEDIATE, as the service's
                connection.execute(insert(tickets).values(ticket_row))
                connection.execute(insert(outbox).values(mail_row))
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
