"""``python -m bench.kb_search``: ``Baza Wiedzy`` search at 10^5 articles (~1 kB each) on
SQLite and (with ``CLICO_BENCH_POSTGRES_URL``) PostgreSQL.

Measures, per engine, in one run:
- search latency through the core (``Services.search_kb``: the engine's query, the policy
  check and the snippets) for two-word queries of common, medium and rare words, and for a
  one-word prefix, as an anonymous reader: p50 and p99 over ``--queries`` queries;
- the suggestion endpoint (``GET /tickets/new/suggestions``, the real app in-process with a
  signed-in customer and their asset's vendor), one request at a time on one core (this
  process pinned to one CPU; PostgreSQL's server runs in its own process): requests/s and
  this process's CPU time per request.

Targets (docs/performance.md): p50 <= 20 ms for two-word queries; >= 200 suggestions/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time
from typing import Any
from urllib.parse import urlencode

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.services import SignIn
from clico_core.values import Language
from clico_web import create_app

from . import asgi
from .databases import BENCH_SECRET_KEY, Databases
from .kb_seed import seed
from .seed import PASSWORD


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _queries(words: list[str], rng: random.Random, count: int) -> dict[str, list[str]]:
    common, medium, rare = words[:50], words[50:2_000], words[2_000:]
    return {
        "two common words": [" ".join(rng.sample(common, 2)) + " " for _ in range(count)],
        "two medium words": [" ".join(rng.sample(medium, 2)) + " " for _ in range(count)],
        "common + rare word": [f"{rng.choice(common)} {rng.choice(rare)} "
                               for _ in range(count)],
        "two words, last a prefix": [f"{rng.choice(medium)} {rng.choice(medium)[:3]}"
                                     for _ in range(count)],
    }


def measure(engine: str, url: str, words: list[str], asset_id: str, queries: int,
            seconds: float, rng: random.Random, log: Any) -> dict[str, Any]:
    settings = Settings(database_url=url, secret_key=BENCH_SECRET_KEY, start_mail_worker=False)
    backend = compose.build(settings)
    services = backend.services
    result: dict[str, Any] = {"engine": engine, "search_ms": {}}
    try:
        for label, typed in _queries(words, rng, queries).items():
            for warm in typed[:10]:
                services.search_kb(None, warm, Language.PL)
            times, hits = [], []
            cpu = time.process_time()
            for query in typed:
                started = time.perf_counter()
                page = services.search_kb(None, query, Language.PL)
                times.append((time.perf_counter() - started) * 1000)
                hits.append(len(page.hits))
            result["search_ms"][label] = {
                "p50": round(statistics.median(times), 2),
                "p99": round(_percentile(times, 0.99), 2),
                # this process's CPU per query: SQLite's whole search (it runs in-process),
                # on PostgreSQL only the client's part; not inflated by waiting for a core
                "cpu_mean": round((time.process_time() - cpu) * 1000 / len(typed), 2),
                "mean_hits": round(statistics.mean(hits), 1)}
            log(f"  {engine} {label}: p50 {result['search_ms'][label]['p50']} ms, "
                f"p99 {result['search_ms'][label]['p99']} ms, "
                f"CPU {result['search_ms'][label]['cpu_mean']} ms per query in this process")
        app = create_app(settings, services)
        cookie = "clico_session=" + services.sign_in(
            SignIn("bench-kb", PASSWORD, "bench-kb")).session_token
        subjects = [" ".join(words[rng.randrange(2_000)] for _ in range(2))
                    for _ in range(500)]

        async def run() -> tuple[int, float]:
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                url_ = "/tickets/new/suggestions?" + urlencode(
                    {"subject": subjects[done % len(subjects)], "asset": asset_id})
                status, _ = await asgi.get(app, url_, cookie)
                assert status == 200, status
                done += 1
            return done, time.perf_counter() - started

        asyncio.run(run())  # warm up the app (templates, connections)
        cpu = time.process_time()
        count, elapsed = asyncio.run(run())
        result["suggestions_per_s"] = round(count / elapsed, 1)
        # this process's CPU only (the PostgreSQL server's work is not in it): on a shared
        # machine the wall-clock rate also counts time waiting for a core
        result["suggestion_cpu_ms"] = round((time.process_time() - cpu) * 1000 / count, 2)
        log(f"  {engine} suggestion endpoint: {result['suggestions_per_s']} req/s, "
            f"{result['suggestion_cpu_ms']} ms CPU per request in this process")
    finally:
        backend.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU this process runs on")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    databases = Databases()
    results = []
    try:
        for engine in databases.engines():
            rng = random.Random(18)
            url = databases.new(engine, "kb")
            print(f"{engine}: seeding", flush=True)
            words, asset_id = seed(url, args.articles, rng, print)
            results.append(measure(engine, url, words, asset_id, args.queries, args.seconds,
                                   rng, print))
    finally:
        databases.close()
    print(json.dumps({"articles": args.articles, "results": results}, indent=2))


if __name__ == "__main__":
    main()
