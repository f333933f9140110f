"""The staff queue's cost vs size and depth, as ``list_cost`` measures the ticket list: each
saved view in the queue's default order (the nearest SLA due time first) through the
repository and the full ``/staff/queue`` handler in-process, p50/p99, statements per request
and EXPLAIN, on the same seeded databases (``seed.py``).

Run alone: ``python -m bench.queue_cost --sizes 1000,1000000`` (SQLite, and PostgreSQL when
``CLICO_BENCH_POSTGRES_URL`` is set); ``python -m bench`` runs it with the rest.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from attrs import evolve

from clico_adapters import compose
from clico_adapters.compose import Backend
from clico_core.queue import DEFAULT_SORT
from clico_core.services import SignIn
from clico_core.ticket_query import encode_cursor
from clico_core.tickets import Cursor, TicketQuery, TicketScope, TicketStatus
from clico_web import Settings, create_app

from . import list_cost, report
from .databases import BENCH_SECRET_KEY, Databases
from .seed import STAFF, Seeded, password_hash, seed_all
from .stats import summary_ms
from .verdict import Check

PAGE = list_cost.PAGE
ME = f"ac-{STAFF}"  # the bench engineer: ``Moje`` is what is assigned to this account
STAFF_SCOPE = TicketScope(frozenset(), everything=True)
# as the queue shows every view unless its link names another sort: nearest due time first
BY_DUE = TicketQuery(page_size=PAGE, sort=DEFAULT_SORT, descending=False)
# name → (query, the view's /staff/queue parameters: no sort, so the queue's default)
VIEWS: dict[str, tuple[TicketQuery, dict[str, str]]] = {
    "queue by due, unassigned": (evolve(BY_DUE, unassigned=True), {"view": "unassigned"}),
    "queue by due, mine": (evolve(BY_DUE, assignee_id=ME), {"view": "mine"}),
    "queue by due, waiting for customer": (evolve(
        BY_DUE, statuses=frozenset({TicketStatus.WAITING_FOR_CUSTOMER})),
        {"view": "waiting"}),
    "queue by due, all open": (BY_DUE, {"view": "open"}),
}


def queue_url(params: dict[str, str], cursor: Cursor | None, query: TicketQuery) -> str:
    items = list(params.items())
    if cursor is not None:
        items.append(("cursor", encode_cursor(cursor, query.sort)))
    return "/staff/queue?" + urlencode(items)


def measure(seeded_by_size: dict[int, Seeded], repetitions: int, log: Any) -> dict[str, Any]:
    """Every view's first page at every size; deep pages and EXPLAIN at the largest."""
    largest = max(seeded_by_size)
    cases: list[list_cost._Case] = []
    backends: list[Backend] = []
    try:
        for size, seeded in sorted(seeded_by_size.items()):
            settings = Settings(database_url=seeded.url, secret_key=BENCH_SECRET_KEY,
                                start_mail_worker=False)
            backend = compose.build(settings)
            backends.append(backend)
            db, services = backend.database, backend.services
            assert db is not None
            app = create_app(settings, services)
            cookie = "clico_session=" + services.sign_in(SignIn(
                seeded.staff_login, seeded.password, "bench-queue")).session_token
            for view, (base, params) in VIEWS.items():
                total = list_cost.matching(db, STAFF_SCOPE, base)
                for label, depth in list_cost.DEPTHS.items():
                    if size != largest and label != "first":
                        continue
                    depth = max(total - PAGE, 0) if depth is None else depth
                    if depth and depth >= total:
                        continue
                    query = evolve(base, cursor=list_cost.cursor_at(db, STAFF_SCOPE, base,
                                                                    depth))
                    cases.append(list_cost._Case(
                        {"size": size, "view": view, "page": label, "depth": depth,
                         "matching": total}, db, STAFF_SCOPE, query, app,
                        queue_url(params, query.cursor, query), cookie))
        log(f"  {len(cases)} queue cases, {repetitions} rounds each, interleaved")
        list_cost._round_robin(cases, repetitions)
        repository: list[dict[str, Any]] = []
        handler: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        for case in cases:
            counted, web = list_cost._counted(case)
            repository.append({**case.key, **counted, **summary_ms(case.samples)})
            if web is not None:
                handler.append({**case.key, **web, **summary_ms(case.web_samples)})
            if case.key["size"] == largest:
                plans += list_cost._explained(case)
            log(f"  {case.key['size']:>8} {case.key['view']:<28} {case.key['page']:>5} "
                f"({case.key['matching']:,} matching): repository p50 "
                f"{repository[-1]['p50_ms']:.2f} ms, handler p50 {handler[-1]['p50_ms']:.2f} ms")
    finally:
        for backend in backends:
            backend.close()
    return {"repository": repository, "handler": handler, "explain": plans}


def checks(engine: str, data: dict[str, Any]) -> list[Check]:
    """The ticket list's targets, every queue view held to the growth target."""
    return report.queue_checks(engine, data)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queue_cost", description=__doc__)
    parser.add_argument("--sizes", default="1000,1000000", help="ticket counts to seed")
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--engines", default="", help="sqlite,postgres (default: both)")
    args = parser.parse_args()
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    sizes = sorted(int(s) for s in args.sizes.split(","))
    databases = Databases()
    engines = [e for e in databases.engines() if not args.engines
               or e in args.engines.split(",")]
    results: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                               "arguments": vars(args), "engines": {}}
    try:
        hashed = password_hash()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(len(engines), mp_context=spawn) as pool:
            jobs = {engine: pool.submit(seed_all, engine, {
                size: databases.new(engine, f"{engine}_queue_{size}") for size in sizes},
                hashed) for engine in engines}
            seeded = {engine: {s.size: s for s in job.result()} for engine, job in jobs.items()}
        for engine in engines:
            for s in seeded[engine].values():
                log(f"[{engine}] seeded {s.size:,} tickets in {s.seconds} s {s.steps}")
            log(f"[{engine}] queue cost, {args.repetitions} repetitions per case")
            data = measure(seeded[engine], args.repetitions, log)
            results["engines"][engine] = {
                "queue": data, "seed": [{"size": s.size, "seconds": s.seconds, **s.steps}
                                        for s in seeded[engine].values()]}
    finally:
        databases.close()
    found = [c for engine, data in results["engines"].items()
             for c in checks(engine, data["queue"])]
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    path = out / f"queue-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=1, default=str))
    for check in found:
        print(f"{check.verdict:>5}  {check.engine:<9} {check.target}: {check.measured} "
              f"({check.limit})")
    print(f"{time.monotonic() - started:.1f} s; raw figures in {path}")


if __name__ == "__main__":
    main()
