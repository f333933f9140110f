"""Ticket page cost vs thread length: ``GET /tickets/<number>`` through the real app
in-process, for a ticket with a 5-article thread and one with a 200-article thread (the
description and the engineer's and the customer's replies, posted through the services).
The thread comes in keyset pages (``?after=<cursor>``, 50 articles a page), so the long
thread's first page and its last page (reached by following the ``rel="next"`` links)
should both cost about what the short thread's one page costs.

Measured for the engineer (whose page also holds the history, the presence and the reply
templates) and for the customer: p50/p99 over ``--repetitions`` requests of each case,
taken in turn after a warm-up, and the statements of one request of each, which must be
equal within a viewer. Target: long first / short and long last / short ≤ 1.5 (p50).

    python -m bench.thread_cost [--repetitions 200] [--postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import time
from typing import Any

from starlette.types import ASGIApp

from clico_adapters import compose
from clico_adapters.compose import Schema
from clico_adapters.config import Settings
from clico_core.services import SignIn
from clico_web import create_app

from . import asgi
from .databases import BENCH_SECRET_KEY, print_per_engine
from .seed import PASSWORD, password_hash
from .stats import queries_only, statements, summary_ms
from .thread_seed import CUSTOMER, ENGINEER, people, thread

SHORT_THREAD = 5
LONG_THREAD = 200
WARM_UP = 10
TARGET = 1.5  # long thread's page / short thread's page, p50
ARTICLE = b'<article class="reply'
HISTORY = re.compile(rb'<table class="table history">.*?</table>', re.DOTALL)


def _next_page(body: bytes, number: str) -> str | None:
    """The thread pager's ``rel="next"`` link (the newer articles), without its anchor."""
    found = re.search(rf'href="(/tickets/{re.escape(number)}\?after=[^"#]*)[^"]*" rel="next"'
                      .encode(), body)
    return html.unescape(found.group(1).decode()) if found else None


def _history_rows(body: bytes) -> int:
    """The rows of the staff's history table on the page (0 for a customer)."""
    table = HISTORY.search(body)
    return table.group(0).count(b"<tr><td>") if table else 0


async def _last_page(app: ASGIApp, cookie: str, number: str) -> tuple[str, int]:
    """The URL of the thread's last page and how many pages it has."""
    url, pages = f"/tickets/{number}", 1
    while True:
        status, body = await asgi.get(app, url, cookie)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}")
        following = _next_page(body, number)
        if following is None:
            return url, pages
        url, pages = following, pages + 1


async def _timed(app: ASGIApp, urls: dict[tuple[str, str], str], cookies: dict[str, str],
                 repetitions: int) -> dict[tuple[str, str], list[float]]:
    """Every case requested once a round, in turn; the rounds after the warm-up kept."""
    samples: dict[tuple[str, str], list[float]] = {case: [] for case in urls}
    for round_number in range(WARM_UP + repetitions):
        for (viewer, case), url in urls.items():
            started = time.perf_counter()
            status, _ = await asgi.get(app, url, cookies[viewer])
            if round_number >= WARM_UP:
                samples[viewer, case].append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"GET {url} answered {status}")
    return samples


def _viewer_result(cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    short = cases["short"]["p50_ms"]
    counts = {(c["statements"], c["queries"]) for c in cases.values()}
    first = cases["long_first"]["p50_ms"] / short
    last = cases["long_last"]["p50_ms"] / short
    return {**cases, "ratio_first": round(first, 3), "ratio_last": round(last, 3),
            "equal_statements": len(counts) == 1,
            "verdict": "pass" if max(first, last) <= TARGET and len(counts) == 1 else "FAIL"}


def measure(url: str, repetitions: int) -> dict[str, Any]:
    settings = Settings(database_url=url, secret_key=BENCH_SECRET_KEY, start_mail_worker=False)
    backend = compose.build(settings, schema=Schema.UPGRADE)
    services, db = backend.services, backend.database
    assert db is not None
    try:
        customer, engineer = people(url, password_hash())
        numbers = {"short": thread(services, customer, engineer, "short thread", SHORT_THREAD),
                   "long": thread(services, customer, engineer, "long thread", LONG_THREAD)}
        cookies = {}
        for viewer, login in (("engineer", ENGINEER), ("customer", CUSTOMER)):
            step = services.sign_in(SignIn(login, PASSWORD, "bench-thread"))
            assert step.complete, login
            cookies[viewer] = f"clico_session={step.session_token}"
        app = create_app(settings, services)
        urls: dict[tuple[str, str], str] = {}
        pages = {}
        for viewer, cookie in cookies.items():
            last, pages[viewer] = asyncio.run(_last_page(app, cookie, numbers["long"]))
            urls.update({(viewer, "short"): f"/tickets/{numbers['short']}",
                         (viewer, "long_first"): f"/tickets/{numbers['long']}",
                         (viewer, "long_last"): last})
        samples = asyncio.run(_timed(app, urls, cookies, repetitions))
        viewers: dict[str, dict[str, Any]] = {viewer: {} for viewer in cookies}
        for (viewer, case), case_url in urls.items():
            with statements(db.engine) as seen:
                _, body = asyncio.run(asgi.get(app, case_url, cookies[viewer]))
            viewers[viewer][case] = {
                "url": case_url, **summary_ms(samples[viewer, case]), "statements": len(seen),
                "queries": len(queries_only(seen)), "articles": body.count(ARTICLE),
                "history_rows": _history_rows(body), "bytes": len(body)}
    finally:
        backend.close()
    results = {viewer: _viewer_result(cases) for viewer, cases in viewers.items()}
    passed = all(r["verdict"] == "pass" for r in results.values())
    return {"engine": db.engine.dialect.name, "short_thread": SHORT_THREAD,
            "long_thread": LONG_THREAD, "long_pages": pages, **results,
            # the worse viewer's
            "ratio_first": max(r["ratio_first"] for r in results.values()),
            "ratio_last": max(r["ratio_last"] for r in results.values()),
            "target": TARGET, "verdict": "pass" if passed else "FAIL"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--postgres", action="store_true",
                        help="also on PostgreSQL (CLICO_BENCH_POSTGRES_URL)")
    args = parser.parse_args()
    print_per_engine(args.postgres, "threads", lambda url: measure(url, args.repetitions))


if __name__ == "__main__":
    main()
