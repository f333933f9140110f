"""``python -m bench.kb_search``: ``Baza Wiedzy`` search at 10^5 articles (~1 kB each) on
SQLite and (with ``CLICO_BENCH_POSTGRES_URL``) PostgreSQL.

Measures, per engine, in one run:
- search latency through the core (``Services.search_kb``: the engine's query, the policy
  check and the snippets) for two-word queries of common, medium and rare words, and for a
  one-word prefix, as an anonymous reader: p50 and p99 over ``--queries`` queries;
- the suggestion endpoint (``GET /tickets/new/suggestions``, the real app in-process with a
  signed-in customer and their asset's vendor), one request at a time on one core (this
  process pinned to one CPU; PostgreSQL's server runs in its own process): requests/s.

Targets (docs/performance.md): p50 <= 20 ms for two-word queries; >= 200 suggestions/s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import insert, text

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables_kb import kb_articles, kb_texts
from clico_core.accounts import Account, AccountState
from clico_core.assets import Asset
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract, hash_contract_key
from clico_core.services import SignIn
from clico_core.values import Language
from clico_web import create_app

from . import asgi
from .databases import BENCH_SECRET_KEY, Databases, bench_box
from .seed import PASSWORD, password_hash

ANCHOR = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DOMAIN = (
    "vpn", "tunel", "ipsec", "ike", "ha", "nat", "licencja", "aktywacja", "aktualizacja",
    "firmware", "pan-os", "fortigate", "fortios", "klaster", "sesja", "routing", "bgp", "ospf",
    "dns", "dhcp", "certyfikat", "ssl", "globalprotect", "panorama", "log", "syslog", "snmp",
    "interfejs", "vlan", "zapora", "reguła", "polityka", "zrywa", "się", "restart", "pamięć",
    "cpu", "dysk", "kopia", "konfiguracja",
)
VENDORS = ("PALO_ALTO", "FORTINET", "CISCO", "CHECKPOINT")


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ka", "ro", "ta", "mi", "ne", "lo", "wy", "prze", "sta", "dzi", "ko", "na",
                 "po", "za", "ru", "te", "si", "gra", "fo", "bel", "ser", "wer", "ip", "ow"]
    words = set(DOMAIN)
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Zipf:
    """Word frequencies as in natural text: the k-th word is drawn ~1/k as often."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = words
        self.rng = rng
        self.weights = [1 / (k + 1) for k in range(len(words))]
        self.cumulative = list(itertools.accumulate(self.weights))

    def draw(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)


def seed(url: str, size: int, rng: random.Random, log: Any) -> tuple[list[str], str]:
    """The articles (published, public, Polish), a customer with a covered PALO_ALTO asset;
    returns the vocabulary (by frequency rank) and the asset id."""
    db = SqlDatabase.from_url(url, box=bench_box())
    db.upgrade()
    words = _vocabulary(rng)
    rng.shuffle(words)
    zipf = Zipf(words, rng)
    with db.uow_factory() as uow:
        uow.companies.add(Company("co-bench", "Bench Sp. z o.o."))
        uow.accounts.add(Account(
            "ac-bench", "bench-kb", "bench-kb@example.com", "Jan", "Kowalski",
            "+48 600 100 200", "co-bench", password_hash(), ANCHOR - timedelta(days=30),
            state=AccountState.ACTIVE, two_factor=False))
        uow.assets.add(Asset("as-bench", "PAN-PA-450", "PALO_ALTO", "SN-1", "co-bench",
                             "PALO_ALTO"))
        uow.contracts.add(Contract("ct-bench", "C-BENCH", hash_contract_key("KEY"),
                                   "co-bench", "standard", date(2025, 1, 1),
                                   date(2030, 1, 1), ["as-bench"]))
        uow.contracts.activate(Activation("ct-bench", "ac-bench", ANCHOR))
        uow.commit()
    started = time.perf_counter()
    batch = 2_000
    with db.engine.begin() as connection:
        for first in range(0, size, batch):
            articles, texts = [], []
            for n in range(first, min(first + batch, size)):
                article_id = f"{n:032x}"
                title = " ".join(zipf.draw(rng.randint(4, 8))).capitalize()
                body = " ".join(zipf.draw(140))  # ~1 kB
                vendor = rng.choice(VENDORS)
                at = ANCHOR - timedelta(minutes=n)
                articles.append({
                    "id": article_id, "category": rng.choice(["VPN", "HA", "Licencje", "NAT"]),
                    "vendors": f" {vendor} ", "visibility": "publiczny", "status": "published",
                    "texts": [["pl", title, f"<p>{body}</p>"]], "author_id": "ac-bench",
                    "created_at": at, "updated_at": at, "version": 1, "source_ticket": None})
                texts.append({
                    "article_id": article_id, "language": "pl", "serves": "pl en",
                    "title": title, "plain": body, "visibility": "publiczny",
                    "category": articles[-1]["category"], "vendors": f" {vendor} ",
                    "updated_at": at})
            connection.execute(insert(kb_articles), articles)
            connection.execute(insert(kb_texts), texts)
        connection.execute(text("ANALYZE"))
    log(f"  seeded {size} articles in {time.perf_counter() - started:.0f} s")
    db.dispose()
    return words, "as-bench"


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
            for query in typed:
                started = time.perf_counter()
                page = services.search_kb(None, query, Language.PL)
                times.append((time.perf_counter() - started) * 1000)
                hits.append(len(page.hits))
            result["search_ms"][label] = {
                "p50": round(statistics.median(times), 2),
                "p99": round(_percentile(times, 0.99), 2),
                "mean_hits": round(statistics.mean(hits), 1)}
            log(f"  {engine} {label}: p50 {result['search_ms'][label]['p50']} ms, "
                f"p99 {result['search_ms'][label]['p99']} ms")
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
        count, elapsed = asyncio.run(run())
        result["suggestions_per_s"] = round(count / elapsed, 1)
        log(f"  {engine} suggestion endpoint: {result['suggestions_per_s']} req/s")
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
