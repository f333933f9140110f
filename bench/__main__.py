"""``python -m bench``: seed (or copy from the seed cache), measure every phase on SQLite (and
PostgreSQL when ``CLICO_BENCH_POSTGRES_URL`` is set), write ``bench/results/<timestamp>.json``,
print the table of figures and targets. See docs/performance.md."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attrs import asdict, evolve

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.services import SignIn

from . import (
    feature_phases,
    forgot_timing,
    http_load,
    list_cost,
    machine,
    queue_cost,
    report,
    signin_flood,
    upload,
)
from .databases import BENCH_SECRET_KEY, POSTGRES_ENV, Databases
from .http_load import require_wrk
from .seed import Seeded, migration_head, password_hash, seed_all, seeded_from, seeded_meta
from .seed_cache import DEFAULT_ROOT, SeedCache

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "performance.md"
SECRET_KEY = "bench-secret-key-" + "x" * 32  # the bench server's; makes CSRF tokens computable


_STARTED = time.monotonic()


def _log(message: str) -> None:
    print(f"[{time.monotonic() - _STARTED:5.0f} s] {message}", flush=True)


def _session_cookie(seeded: Seeded, login: str) -> str:
    with compose.build(Settings(database_url=seeded.url, secret_key=BENCH_SECRET_KEY)) as backend:
        step = backend.services.sign_in(SignIn(login, seeded.password, "127.0.0.1"))
    assert step.complete
    return f"clico_session={step.session_token}"


def _deep_path(seeded: Seeded) -> str | None:
    """The list 100k rows deep (the customer's view with closed tickets) or its last page."""
    staff, base, params = list_cost.VIEWS["customer, with closed"]
    db = compose.open_database(Settings(database_url=seeded.url, secret_key=BENCH_SECRET_KEY))
    try:
        scope = list_cost.scope_of(seeded, staff)
        total = list_cost.matching(db, scope, base)
        depth = min(100_000, max(total - list_cost.PAGE, 0))
        cursor = list_cost.cursor_at(db, scope, base, depth)
    finally:
        db.dispose()
    return list_cost.page_url(params, cursor, evolve(base, cursor=cursor))


def _load_phases(seeded: Seeded, args: argparse.Namespace) -> dict[str, Any]:
    cookie = _session_cookie(seeded, seeded.viewer_login)
    deep = _deep_path(seeded)
    server = http_load.Server(seeded.url, SECRET_KEY)
    try:
        _log(f"[{seeded.engine}] HTTP, one uvicorn worker, {seeded.size:,} tickets")
        http = http_load.measure(server, cookie, deep, args.seconds, args.connections, _log)
        _log(f"[{seeded.engine}] sign-in flood")
        flood = signin_flood.measure(server, cookie, SECRET_KEY, seeded.flooder_login,
                                     seeded.password, args.flood_seconds, _log,
                                     tuple(int(n) for n in args.compare_nice.split(",") if n))
    finally:
        server.stop()
    return {"http": http, "flood": flood}


def _writes(seeded: Seeded, args: argparse.Namespace) -> dict[str, Any]:
    done = subprocess.run(http_load.pinned(http_load.SERVER_CPU, [
        sys.executable, "-m", "bench.writes", seeded.url, "--blocks", str(args.write_blocks)]),
        capture_output=True, text=True, env=http_load.child_env(), cwd=HERE.parent)
    if done.returncode != 0:
        raise RuntimeError(f"bench.writes failed:\n{done.stderr}")
    return dict(json.loads(done.stdout))


# what --skip names; "http" is the HTTP load and the sign-in flood
PHASES = ("list", "queue", "forgot", "http", "writes", "upload", "kb", "reply", "thread", "api",
          "replica")
# the phases that read the seeded ticket databases
ON_TICKETS = {"list", "queue", "http", "writes", "api"}


def _seed_tickets(cache: SeedCache, engines: list[str], sizes: list[int],
                  results: dict[str, Any]) -> dict[str, dict[int, Seeded]]:
    """Every size on every engine: from the cache, or seeded (and stored there)."""
    hashed = password_hash()
    # the cached accounts' hash is verified with its own parameters: they are part of the key
    parameters = hashed.rsplit("$", 2)[0]
    slots = {engine: {size: cache.slot(engine, f"{engine}_{size}", "tickets",
                                       {"size": size, "password_hash": parameters})
                      for size in sizes} for engine in engines}
    missing = {engine: {size: slot.seed_url for size, slot in by_size.items()
                        if not slot.hit and slot.seed_url} for engine, by_size in slots.items()}
    fresh: dict[str, dict[int, Seeded]] = {engine: {} for engine in engines}
    if any(missing.values()):
        _log("seeding " + "; ".join(f"{engine}: {', '.join(f'{s:,}' for s in by_size)}"
                                    for engine, by_size in missing.items() if by_size)
             + " tickets")
        # Seeding is not measured: the engines load side by side, each in its own process.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(len(engines), mp_context=spawn) as pool:
            jobs = {engine: pool.submit(seed_all, engine, by_size, hashed)
                    for engine, by_size in missing.items() if by_size}
            for engine, job in jobs.items():
                fresh[engine] = {s.size: s for s in job.result()}
    seeded: dict[str, dict[int, Seeded]] = {}
    for engine in engines:
        seeded[engine] = {}
        results["engines"][engine]["seed"] = []
        for size, slot in slots[engine].items():
            if slot.hit:
                provided = cache.take(slot)
            else:
                done = fresh[engine][size]
                provided = cache.store(slot, seeded_meta(done), done.seconds)
            s = seeded_from(engine, provided.url, provided.meta)
            seeded[engine][size] = s
            _log(f"[{engine}] {size:,} tickets: " + (
                f"from the cache, copied in {provided.copy_s} s (seeded in {s.seconds} s)"
                if provided.cached else f"seeded in {s.seconds} s {s.steps}"
                + (f", stored in the cache in {provided.store_s} s" if slot.key else "")))
            results["engines"][engine]["seed"].append(
                {"size": size, "seconds": s.seconds, **s.steps, **provided.record()})
    return seeded


def _features(cache: SeedCache, databases: Databases, engines: list[str],
              seeded: dict[str, dict[int, Seeded]], args: argparse.Namespace,
              results: dict[str, Any]) -> None:
    """The feature benches: knowledge base, replies, threads, JSON list, replica."""
    for engine in engines:
        found = results["engines"][engine]
        if "kb" in args.run:
            _log(f"[{engine}] knowledge base search, {args.kb_queries} queries per kind, "
                 f"suggestions for {args.kb_seconds} s")
            found["kb"] = feature_phases.kb(cache, engine, args.kb_articles, args.kb_queries,
                                            args.kb_seconds, _log)
        if "reply" in args.run:
            _log(f"[{engine}] reply cost vs thread length, {args.reply_rounds} rounds")
            found["reply"] = feature_phases.reply(databases, engine, args.reply_rounds)
            _log(f"  long / short p50 {found['reply']['ratio_p50']}×")
        if "thread" in args.run:
            _log(f"[{engine}] thread cost, {args.repetitions} repetitions")
            thread = feature_phases.thread(databases, engine, args.repetitions, _log)
            found["thread"] = thread if thread is not None else {
                "skipped": "thread_cost not available"}
        if "api" in args.run:
            largest = max(seeded[engine])
            _log(f"[{engine}] JSON list vs HTML list at {largest:,} tickets, "
                 f"{args.api_seconds} s per route")
            found["api"] = feature_phases.api(seeded[engine][largest], args.api_seconds,
                                              args.api_connections, args.api_rounds)
            _log(f"  JSON / HTML {found['api']['json_over_html']}")
    if "replica" in args.run:
        if "postgresql" not in engines:
            results["replica"] = {"skipped": "PostgreSQL is not measured in this run"}
            _log("replica: skipped: PostgreSQL is not measured in this run")
        else:
            _log(f"replica: two processes and a streaming replica, {args.replica_size:,} "
                 f"tickets, {args.replica_rounds} rounds of {args.replica_seconds} s")
            results["replica"] = feature_phases.replica(
                args.replica_size, args.replica_seconds, args.api_connections,
                args.replica_rounds, _log)


# the feature benches' options: flag, type, full-size default, help
FEATURE_OPTIONS: tuple[tuple[str, type, float, str], ...] = (
    ("--kb-articles", int, 100_000, "knowledge base articles"),
    ("--kb-queries", int, 200, "timed searches per query kind"),
    ("--kb-seconds", float, 5, "suggestion requests, after as long a warm-up"),
    ("--reply-rounds", int, 200, "timed replies per thread length"),
    ("--api-seconds", float, 8, "per route, JSON list and HTML list"),
    ("--api-rounds", int, 4, "interleaved slices per route"),
    ("--api-connections", int, 8, "wrk connections of the JSON/HTML and replica runs"),
    ("--replica-size", int, 20_000, "tickets seeded into the replica's own cluster"),
    ("--replica-seconds", float, 5, "per setup and round"),
    ("--replica-rounds", int, 2, "of each setup, interleaved"),
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000",
                        help="ticket counts to seed (default: %(default)s)")
    parser.add_argument("--repetitions", type=int, default=200,
                        help="timed requests per list case (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=4,
                        help="per HTTP route, in 2 interleaved slices (default: %(default)s)")
    parser.add_argument("--flood-seconds", type=float, default=5)
    parser.add_argument("--compare-nice", default="0",
                        help="hashing priorities to flood again with, besides the product's "
                             "CLICO_HASHING_NICE (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections per route")
    parser.add_argument("--write-blocks", type=int, default=6, help="blocks of 100 tickets")
    parser.add_argument("--forgot-requests", type=int, default=400,
                        help="forgot-password requests, half for known accounts "
                             "(default: %(default)s)")
    parser.add_argument("--upload-repetitions", type=int, default=3,
                        help="50 MB uploads per route, interleaved (default: %(default)s)")
    for flag, kind, default, what in FEATURE_OPTIONS:
        parser.add_argument(flag, type=kind, default=default,
                            help=f"{what} (default: %(default)s)")
    parser.add_argument("--engines", default="",
                        help="comma-separated subset of sqlite,postgresql (default: all set up)")
    parser.add_argument("--skip", default="",
                        help=f"comma-separated phases to leave out, of: {', '.join(PHASES)}")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_ROOT,
                        help="where seeded databases are kept between runs "
                             f"(default: {DEFAULT_ROOT.relative_to(HERE.parent)})")
    parser.add_argument("--no-cache", action="store_true",
                        help="seed every database for this run, neither reading nor filling "
                             "the cache")
    parser.add_argument("--clear-cache", action="store_true",
                        help="remove the cached databases (files and PostgreSQL templates) "
                             "and exit")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: small sizes, few repetitions (figures not valid)")
    parser.add_argument("--update-doc", action="store_true",
                        help=f"write the table into {DOC.relative_to(HERE.parent)}")
    args = parser.parse_args()
    skipped = {name for name in args.skip.split(",") if name}
    if skipped - set(PHASES):
        parser.error(f"--skip: unknown {', '.join(sorted(skipped - set(PHASES)))} "
                     f"(phases: {', '.join(PHASES)})")
    args.run = [name for name in PHASES if name not in skipped]
    if args.quick:
        args.sizes, args.repetitions, args.seconds, args.flood_seconds = "1000,20000", 30, 2, 2
        args.write_blocks, args.forgot_requests = 2, 100
        args.kb_articles, args.kb_queries, args.kb_seconds = 5_000, 30, 1
        args.reply_rounds, args.api_seconds, args.api_rounds = 20, 1, 2
        args.replica_size, args.replica_seconds, args.replica_rounds = 2_000, 1, 1
    return args


def main() -> None:
    args = _arguments()
    databases = Databases()
    cache = SeedCache(databases, None if args.no_cache else args.cache_dir, migration_head())
    if args.clear_cache:
        try:
            for removed in cache.clear():
                print(f"removed {removed}")
        finally:
            databases.close()
        return
    require_wrk()
    started = time.monotonic()
    stamp = datetime.now(UTC)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    engines = databases.engines()
    if args.engines:
        engines = [e for e in engines if e in args.engines.split(",")]
    results: dict[str, Any] = {
        "started": stamp.isoformat(timespec="seconds"), "quick": args.quick,
        "arguments": {**vars(args), "cache_dir": None if args.no_cache else str(args.cache_dir)},
        "machine": {**machine.describe(databases.postgres_server), "load_before": machine.load()},
        "engines": {engine: {} for engine in engines},
    }
    if POSTGRES_ENV not in os.environ:
        _log(f"{POSTGRES_ENV} is not set: measuring SQLite only")
    _log(f"phases: {', '.join(args.run)}")
    try:
        seeded: dict[str, dict[int, Seeded]] = {engine: {} for engine in engines}
        if ON_TICKETS & set(args.run):
            mark = time.monotonic()
            seeded = _seed_tickets(cache, engines, sizes, results)
            results["seeding_s"] = round(time.monotonic() - mark, 1)
        for engine in engines:
            if "list" in args.run:
                _log(f"[{engine}] list cost, {args.repetitions} repetitions per case")
                results["engines"][engine]["list"] = list_cost.measure(
                    seeded[engine], args.repetitions, _log)
            if "queue" in args.run:
                _log(f"[{engine}] staff queue cost, {args.repetitions} repetitions per case")
                results["engines"][engine]["queue"] = queue_cost.measure(
                    seeded[engine], args.repetitions, _log)
        if "forgot" in args.run:
            for engine in engines:
                _log(f"[{engine}] forgot password, {args.forgot_requests} requests, interleaved")
                results["engines"][engine]["forgot"] = forgot_timing.measure(
                    databases.new(engine, f"{engine}_forgot"), args.forgot_requests, _log)
        if "http" in args.run:
            for engine in engines:
                results["engines"][engine].update(_load_phases(seeded[engine][sizes[-1]], args))
        if "writes" in args.run and "sqlite" in engines:
            middle = sizes[len(sizes) // 2]
            _log(f"[sqlite] writes on {middle:,} tickets")
            results["writes"] = _writes(seeded["sqlite"][middle], args)
            _log(f"  service {results['writes']['service_per_s']}/s, "
                 f"raw {results['writes']['raw_per_s']}/s")
        if "upload" in args.run:
            _log("upload: a 50 MB form through the streaming reader vs a raw copy")
            results["upload"] = upload.measure(_log, args.upload_repetitions)
        _features(cache, databases, engines, seeded, args, results)
    finally:
        databases.close()
    results["machine"]["load_after"] = machine.load()
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"{stamp:%Y%m%dT%H%M%SZ}{'-quick' if args.quick else ''}.json"
    results["file"] = str(path.relative_to(HERE.parent))
    results["checks"] = [asdict(c) for c in report.checks(results)]
    path.write_text(json.dumps(results, indent=1, default=str))
    print()
    print(report.text(results))
    print(f"\n{results['elapsed_s']} s (load average {results['machine']['load_before']} "
          f"before, {results['machine']['load_after']} after); raw figures in {results['file']}")
    if args.update_doc and not args.quick and report.update_doc(DOC, results):
        print(f"table written into {DOC.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
