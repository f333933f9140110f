"""Two portal processes and a streaming replica against one process on the primary.

``python -m bench.replica_load [--size N] [--seconds S] [--connections C]`` starts its own
PostgreSQL primary and replica (``pg_cluster.py``, as the ``postgres`` OS user), seeds the
primary with ``N`` tickets (``seed.py``), signs the bench customer in, then measures the
signed-in list page (``/tickets``) with ``wrk``, ``S`` seconds per round, the two setups
interleaved for ``--rounds`` rounds (the medians are reported):

- ``one``: one ``clico serve`` process, ``CLICO_DATABASE_URL`` only (everything on the
  primary), ``C`` connections;
- ``two``: two ``clico serve`` processes with ``CLICO_DATABASE_REPLICA_URL`` as well, each
  behind its own ``wrk`` with ``C/2`` connections (what a round-robin proxy would hand
  them).

It reports each setup's pages per second, the ratio two/one, and the share of
transactions each server committed while measured (``pg_stat_database``): the replica
should carry the reads. All of it on this machine: the portals, both PostgreSQL servers and
``wrk`` share its cores, so the ratio is what one host gains, not what two hosts would.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.services import SignIn

from .databases import BENCH_SECRET_KEY
from .http_load import ROOT, child_env, fetch, finish_wrk, require_wrk, start_wrk
from .machine import describe as describe_machine
from .machine import load as load_average
from .pg_cluster import Cluster, free_port, installed_bin, primary_and_replica
from .seed import password_hash, seed

LIST = "/tickets"
RESULTS = Path(__file__).resolve().parent / "results"


def _commits(url: str) -> int:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(
                "SELECT sum(xact_commit) FROM pg_stat_database")).scalar() or 0)
    finally:
        engine.dispose()


def _caught_up(cluster: Cluster) -> None:
    engine = create_engine(cluster.primary_url)
    with engine.connect() as connection:
        lsn = connection.execute(text("SELECT pg_current_wal_insert_lsn()::text")).scalar()
    engine.dispose()
    deadline = time.monotonic() + 300
    while not cluster.on_replica(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"):
        if time.monotonic() > deadline:
            raise RuntimeError("the replica did not catch up")
        time.sleep(0.2)


@contextmanager
def _portal(cluster: Cluster, scratch: Path, *, replica: bool) -> Iterator[int]:
    """``clico serve`` (one process, no mail worker) on a free port, until it answers."""
    port = free_port()
    env = {k: v for k, v in child_env().items() if not k.startswith("CLICO_")}
    env.update(CLICO_DATABASE_URL=cluster.primary_url, CLICO_SECRET_KEY=BENCH_SECRET_KEY,
               CLICO_DATA_DIR=str(scratch / f"portal-{port}"), CLICO_MODE="development")
    if replica:
        env["CLICO_DATABASE_REPLICA_URL"] = cluster.replica_url
    clico = str(Path(ROOT) / ".venv" / "bin" / "clico")
    process = subprocess.Popen([clico, "serve", "--port", str(port), "--no-mail-worker"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(port, "/signin")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("clico serve did not start")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _load(cluster: Cluster, ports: list[int], cookie: str, seconds: float,
          connections: int) -> dict[str, Any]:
    """``wrk`` on every port at once, the connections split between them."""
    for port in ports:  # warm: pools, templates, the replica's first connection
        for _ in range(20):
            status, body = fetch(port, LIST, cookie)
            assert status == 200 and b"CSS-" in body, status
    time.sleep(1.5)  # the statistics of the warm-up flushed
    before = {"primary": _commits(cluster.primary_url), "replica": _commits(cluster.replica_url)}
    share = max(1, connections // len(ports))
    runs = [start_wrk(f"http://127.0.0.1:{port}{LIST}", seconds, share, cookie)
            for port in ports]
    results = [finish_wrk(run) for run in runs]
    time.sleep(1.5)
    after = {"primary": _commits(cluster.primary_url), "replica": _commits(cluster.replica_url)}
    commits = {name: after[name] - before[name] for name in after}
    total = sum(commits.values()) or 1
    return {"processes": len(ports), "connections": share * len(ports),
            "rps": round(sum(r["rps"] for r in results), 1),
            "errors": sum(r["errors"] for r in results),
            "p50_ms": max(r["p50_ms"] for r in results),
            "p99_ms": max(r["p99_ms"] for r in results),
            "commits": commits,
            "replica_share": round(commits["replica"] / total, 3)}


def measure(size: int, seconds: float, connections: int, rounds: int
            ) -> dict[str, Any]:
    binaries = installed_bin()
    if binaries is None:
        raise SystemExit("needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
    with primary_and_replica(binaries) as cluster, \
            tempfile.TemporaryDirectory(prefix="clico-replica-load-") as folder:
        scratch = Path(folder)
        seeded = seed("postgres", cluster.primary_url, size, password_hash())
        _caught_up(cluster)
        settings = Settings(database_url=cluster.primary_url, secret_key=BENCH_SECRET_KEY,
                            data_dir=scratch / "signin", start_mail_worker=False)
        with compose.build(settings) as backend:
            token = backend.services.sign_in(SignIn(
                seeded.viewer_login, seeded.password, "bench-replica")).session_token
        cookie = f"clico_session={token}"
        _caught_up(cluster)
        machine = {**describe_machine(cluster.primary_url), "load_before": load_average()}
        runs: dict[str, list[dict[str, Any]]] = {"one": [], "two": []}
        with _portal(cluster, scratch, replica=False) as alone, \
                _portal(cluster, scratch, replica=True) as first, \
                _portal(cluster, scratch, replica=True) as second:
            for _ in range(rounds):  # interleaved: a shared machine's load drifts
                runs["one"].append(_load(cluster, [alone], cookie, seconds, connections))
                runs["two"].append(_load(cluster, [first, second], cookie, seconds,
                                         connections))
        machine["load_after"] = load_average()
    one, two = (_median(runs[name]) for name in ("one", "two"))
    return {"machine": machine, "size": size, "seconds": seconds, "rounds": rounds,
            "one": one, "two": two, "runs": runs,
            "ratio": round(two["rps"] / one["rps"], 2) if one["rps"] else None,
            "ratios": [round(b["rps"] / a["rps"], 2) for a, b in zip(runs["one"], runs["two"],
                                                                        strict=True)]}


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median pages per second."""
    return sorted(runs, key=lambda run: float(run["rps"]))[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=50_000, help="tickets seeded")
    parser.add_argument("--seconds", type=float, default=10.0, help="per setup")
    parser.add_argument("--connections", type=int, default=8, help="in all, per setup")
    parser.add_argument("--rounds", type=int, default=3, help="of each setup, interleaved")
    args = parser.parse_args()
    require_wrk()
    result = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
              **measure(args.size, args.seconds, args.connections, args.rounds)}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"replica-{result['when'].replace(':', '')}.json"
    out.write_text(json.dumps(result, indent=2))
    one, two = result["one"], result["two"]
    print(f"list page, {args.size} tickets, {args.rounds} interleaved rounds of "
          f"{args.seconds:.0f} s per setup (medians), load {result['machine']['load_before']}:")
    print(f"  one process, primary only:     {one['rps']:8.1f} pages/s "
          f"(p50 {one['p50_ms']} ms, p99 {one['p99_ms']} ms)")
    print(f"  two processes and the replica: {two['rps']:8.1f} pages/s "
          f"(p50 {two['p50_ms']} ms, p99 {two['p99_ms']} ms), "
          f"{two['replica_share']:.0%} of commits on the replica")
    print(f"  ratio two/one: {result['ratio']} (per round {result['ratios']}; {out})")


if __name__ == "__main__":
    main()
