"""Reply cost vs thread length: an engineer's public reply posted through the service on a
ticket with a short thread (its description and one reply) and on one with a 500-article
thread, interleaved reply by reply. The use case reads the ticket, writes the article, its
history event and the mails, and never reads the thread, so the ratio should stay near 1×.

Each timed reply on the short side goes to a ticket of its own (the thread stays short);
the long thread grows by the number of rounds (500 → 500 + rounds). Also counted: the
statements of one reply on each side, which must be equal.

    python -m bench.reply_cost [--rounds 200] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from typing import Any

from clico_adapters import compose
from clico_adapters.compose import Schema
from clico_adapters.config import Settings
from clico_core.contracts import Activation
from clico_core.policies import visible_scope
from clico_core.services import OpenTicket, PostReply, Services, Viewer
from clico_core.testing import builders as b
from clico_core.values import Role

from .databases import BENCH_SECRET_KEY, Databases
from .stats import queries_only, statements, summary_ms

LONG_THREAD = 500
WARM_UP = 10
TARGET = 1.5  # long / short p50: flat within noise


def _people(services: Services, url: str) -> tuple[Viewer, Viewer]:
    """A customer holding a contract of Acme, and an engineer, written directly."""
    company = b.company()
    contract = b.contract(company.id, number="C-REPLY", valid_until=date(2100, 1, 1))
    customer = b.account(company.id, "bench-customer")
    engineer = b.account(company.id, "bench-engineer", role=Role.ENGINEER)
    db = compose.open_database(Settings(database_url=url, secret_key=BENCH_SECRET_KEY))
    try:
        with db.uow_factory() as uow:
            uow.companies.add(company)
            uow.contracts.add(contract)
            for account in (customer, engineer):
                uow.accounts.add(account)
            uow.contracts.activate(Activation(contract.id, customer.id, b.T0))
            uow.commit()
    finally:
        db.dispose()
    return (Viewer(customer, "bench", (contract,), visible_scope(customer, (contract,))),
            Viewer(engineer, "bench", (), visible_scope(engineer, ())))


def _open(services: Services, customer: Viewer, engineer: Viewer, subject: str) -> str:
    number = services.open_ticket(customer, OpenTicket(subject, "<p>opening</p>")).number
    services.post_reply(engineer, PostReply(number, "<p>first answer</p>"))  # NEW → OPEN
    return number


def measure(url: str, rounds: int) -> dict[str, Any]:
    backend = compose.build(Settings(database_url=url, secret_key=BENCH_SECRET_KEY),
                            schema=Schema.UPGRADE)
    services, db = backend.services, backend.database
    assert db is not None
    customer, engineer = _people(services, url)
    long_number = _open(services, customer, engineer, "long thread")
    for index in range(LONG_THREAD - 2):
        who = customer if index % 2 else engineer
        services.post_reply(who, PostReply(long_number, f"<p>message {index}</p>"))
    shorts = [_open(services, customer, engineer, f"short {i}")
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
    backend.close()
    short, long = summary_ms(samples["short"]), summary_ms(samples["long"])
    ratio = long["p50_ms"] / short["p50_ms"]
    return {"engine": db.engine.dialect.name, "long_thread_at_start": long_size,
            "short": {**short, **counted["short"]}, "long": {**long, **counted["long"]},
            "ratio_p50": round(ratio, 3), "target": TARGET,
            "verdict": "pass" if ratio <= TARGET and counted["short"] == counted["long"]
            else "FAIL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (CLICO_BENCH_POSTGRES_URL)")
    args = parser.parse_args()
    databases = Databases()
    try:
        engines = databases.engines() if args.postgres else ["sqlite"]
        for engine in engines:
            print(json.dumps(measure(databases.new(engine, "replies"), args.rounds)),
                  flush=True)
    finally:
        databases.close()


if __name__ == "__main__":
    main()
