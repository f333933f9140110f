"""``python -m bench``: seed, measure every phase on SQLite (and PostgreSQL when
``CLICO_BENCH_POSTGRES_URL`` is set), write ``bench/results/<timestamp>.json``, print the
table of figures and targets. See docs/performance.md."""

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
from .seed import Seeded, password_hash, seed_all

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
    parser.add_argument("--engines", default="",
                        help="comma-separated subset of sqlite,postgresql (default: all set up)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: small sizes, few repetitions (figures not valid)")
    parser.add_argument("--update-doc", action="store_true",
                        help=f"write the table into {DOC.relative_to(HERE.parent)}")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.repetitions, args.seconds, args.flood_seconds = "1000,20000", 30, 2, 2
        args.write_blocks, args.forgot_requests = 2, 100
    return args


def main() -> None:
    args = _arguments()
    require_wrk()
    started = time.monotonic()
    stamp = datetime.now(UTC)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    databases = Databases()
    engines = databases.engines()
    if args.engines:
        engines = [e for e in engines if e in args.engines.split(",")]
    results: dict[str, Any] = {
        "started": stamp.isoformat(timespec="seconds"), "quick": args.quick,
        "arguments": vars(args),
        "machine": {**machine.describe(databases.postgres_server), "load_before": machine.load()},
        "engines": {engine: {} for engine in engines},
    }
    if POSTGRES_ENV not in os.environ:
        _log(f"{POSTGRES_ENV} is not set: measuring SQLite only")
    try:
        hashed = password_hash()
        seeded: dict[str, dict[int, Seeded]] = {}
        _log(f"seeding {', '.join(f'{s:,}' for s in sizes)} tickets on {', '.join(engines)}")
        # Seeding is not measured: the engines load side by side, each in its own process.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(len(engines), mp_context=spawn) as pool:
            jobs = {engine: pool.submit(seed_all, engine, {
                size: databases.new(engine, f"{engine}_{size}") for size in sizes}, hashed)
                for engine in engines}
            for engine, job in jobs.items():
                seeded[engine] = {s.size: s for s in job.result()}
                for s in seeded[engine].values():
                    _log(f"[{engine}] seeded {s.size:,} tickets in {s.seconds} s {s.steps}")
                results["engines"][engine]["seed"] = [
                    {"size": s.size, "seconds": s.seconds, **s.steps}
                    for s in seeded[engine].values()]
        for engine in engines:
            _log(f"[{engine}] list cost, {args.repetitions} repetitions per case")
            results["engines"][engine]["list"] = list_cost.measure(
                seeded[engine], args.repetitions, _log)
            _log(f"[{engine}] staff queue cost, {args.repetitions} repetitions per case")
            results["engines"][engine]["queue"] = queue_cost.measure(
                seeded[engine], args.repetitions, _log)
        for engine in engines:
            _log(f"[{engine}] forgot password, {args.forgot_requests} requests, interleaved")
            results["engines"][engine]["forgot"] = forgot_timing.measure(
                databases.new(engine, f"{engine}_forgot"), args.forgot_requests, _log)
        for engine in engines:
            results["engines"][engine].update(_load_phases(seeded[engine][sizes[-1]], args))
        if "sqlite" in engines:
            middle = sizes[len(sizes) // 2]
            _log(f"[sqlite] writes on {middle:,} tickets")
            results["writes"] = _writes(seeded["sqlite"][middle], args)
            _log(f"  service {results['writes']['service_per_s']}/s, "
                 f"raw {results['writes']['raw_per_s']}/s")
        _log("upload: a 50 MB form through the streaming reader vs a raw copy")
        results["upload"] = upload.measure(_log, args.upload_repetitions)
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
