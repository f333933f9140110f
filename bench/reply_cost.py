"""Reply cost vs thread length: an engineer's public reply posted through the service on a
ticket with a short thread (its description and one reply) and on one with a 500-article
thread, interleaved reply by reply. The use case reads the ticket, writes the article, its
history event and the mails, and never reads the thread, so the ratio should stay near 1×.

Each timed reply on the short side goes to a ticket of its own (the thread stays short);
the long thread grows by the number of rounds (500 → 500 + rounds). Also counted: the
statements of one reply on each side, which must be equal.

Then the same number of replies through the service against a raw SQLAlchemy Core loop
writing the rows each reply wrote (the article, the ticket's state update on its version,
the history event, the customer's mail), one transaction per reply both ways, alternating
in ``--blocks`` blocks (``service_vs_raw``, service rate / raw rate, target ≥ 0.40).

    python -m bench.reply_cost [--rounds 200] [--blocks 10] [--postgres]
"""

from __future__ import annotations

import argparse
import time
import uuid
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, insert, select, update

from clico_adapters import compose
from clico_adapters.compose import Schema
from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.mapping import ticket_from, ticket_state_values
from clico_adapters.sql.tables import articles, audit_log, outbox, tickets
from clico_core.services import PostReply, Services, Viewer

from .databases import BENCH_SECRET_KEY, print_per_engine
from .service_vs_raw import compare, last_seq, rows_after
from .stats import queries_only, statements, summary_ms
from .thread_seed import open_answered, people, thread

LONG_THREAD = 500
WARM_UP = 10
TARGET = 1.5  # long / short p50: flat within noise
RAW_TARGET = 0.40  # service rate / raw Core rate
RAW_BLOCKS = 10


@frozen
class ReplyRows:
    """One reply's rows as the raw loop writes them."""

    article: dict[str, Any]
    ticket_id: str
    version: int  # the ticket's version the update expects (and moves on by one)
    state: dict[str, Any]  # the ticket's columns a reply updates
    events: list[dict[str, Any]]
    mails: list[dict[str, Any]]


@frozen
class ReplyPosting:
    """An engineer's public reply on one ticket, both ways."""

    db: SqlDatabase
    services: Services
    engineer: Viewer
    number: str

    def before_block(self) -> tuple[int, int]:
        return last_seq(self.db, audit_log), last_seq(self.db, outbox)

    def through_service(self, block: int, index: int) -> str:
        return self.services.post_reply(self.engineer, PostReply(
            self.number, f"<p>compared {block}.{index}</p>")).article.id

    def copies(self, before: tuple[int, int], article_ids: list[str]) -> list[ReplyRows]:
        with self.db.engine.connect() as connection:
            written = {r["id"]: dict(r) for r in connection.execute(
                select(articles).where(articles.c.id.in_(article_ids))).mappings()}
            ticket = ticket_from(connection.execute(select(tickets).where(
                tickets.c.number == self.number)).mappings().one(), [], {})
        events, mails = (rows_after(self.db, audit_log, before[0]),
                         rows_after(self.db, outbox, before[1]))
        count = len(article_ids)
        if len(events) % count or len(mails) % count:
            raise RuntimeError(f"{len(events)} events, {len(mails)} mails for {count} replies")
        each_event, each_mail = len(events) // count, len(mails) // count
        copies = []
        for index, article_id in enumerate(article_ids):
            version = ticket.version + index
            state = {**ticket_state_values(ticket), "version": version + 1}
            copies.append(ReplyRows(
                {**written[article_id], "id": uuid.uuid4().hex}, ticket.id, version, state,
                [{**e, "ticket_version": version + 1}
                 for e in events[index * each_event:(index + 1) * each_event]],
                [{**m, "id": uuid.uuid4().hex}
                 for m in mails[index * each_mail:(index + 1) * each_mail]]))
        return copies

    def insert_raw(self, connection: Connection, copy: ReplyRows) -> None:
        connection.execute(insert(articles), copy.article)
        updated = connection.execute(update(tickets).where(
            tickets.c.id == copy.ticket_id, tickets.c.version == copy.version
        ).values(copy.state))
        if updated.rowcount != 1:
            raise RuntimeError("the ticket moved under the raw loop")
        for event in copy.events:
            connection.execute(insert(audit_log), event)
        for mail in copy.mails:
            connection.execute(insert(outbox), mail)


def measure(url: str, rounds: int, blocks: int = RAW_BLOCKS) -> dict[str, Any]:
    backend = compose.build(Settings(database_url=url, secret_key=BENCH_SECRET_KEY,
                                     start_mail_worker=False), schema=Schema.UPGRADE)
    services, db = backend.services, backend.database
    assert db is not None
    customer, engineer = people(url)
    long_number = thread(services, customer, engineer, "long thread", LONG_THREAD)
    shorts = [open_answered(services, customer, engineer, f"short {i}")
              for i in range(WARM_UP + rounds + 1)]
    long_size = services.conversation(engineer, long_number).total
    samples: dict[str, list[float]] = {"short": [], "long": []}
    for index in range(WARM_UP + rounds):
        for side, number in (("short", shorts[index]), ("long", long_number)):
            started = time.perf_counter()
            services.post_reply(engineer, PostReply(number, f"<p>reply {index}</p>"))
            if index >= WARM_UP:
                samples[side].append(time.perf_counter() - started)
    counted = {}
    for side, number in (("short", shorts[-1]), ("long", long_number)):
        with statements(db.engine) as seen:
            services.post_reply(engineer, PostReply(number, "<p>counted</p>"))
        counted[side] = {"statements": len(seen), "queries": len(queries_only(seen))}
    compared = open_answered(services, customer, engineer, "raw comparison")
    rates = compare(db, ReplyPosting(db, services, engineer, compared), blocks,
                    max(1, rounds // blocks))
    backend.close()
    short, long = summary_ms(samples["short"]), summary_ms(samples["long"])
    ratio = long["p50_ms"] / short["p50_ms"]
    share = rates["service_per_s"] / rates["raw_per_s"]
    return {"engine": db.engine.dialect.name, "long_thread_at_start": long_size,
            "short": {**short, **counted["short"]}, "long": {**long, **counted["long"]},
            "ratio_p50": round(ratio, 3), "target": TARGET,
            "verdict": "pass" if ratio <= TARGET and counted["short"] == counted["long"]
            else "FAIL",
            "raw_replies": blocks * max(1, rounds // blocks), **rates,
            "service_vs_raw": round(share, 3), "raw_target": RAW_TARGET,
            "raw_verdict": "pass" if share >= RAW_TARGET else "FAIL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=RAW_BLOCKS,
                        help="blocks the raw comparison's rounds are split into")
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (CLICO_BENCH_POSTGRES_URL)")
    args = parser.parse_args()
    print_per_engine(args.postgres, "replies", lambda url: measure(url, args.rounds, args.blocks))


if __name__ == "__main__":
    main()
