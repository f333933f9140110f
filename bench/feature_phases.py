"""The feature benches as phases of ``python -m bench``: the knowledge base search, the reply
and thread costs, the JSON list against the HTML list, and two processes with a replica.
Each measures with its own module's ``measure`` (also runnable alone: ``python -m bench.X``)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pwd
import random
from collections.abc import Callable
from typing import Any

from . import api_list, kb_search, kb_seed, pg_cluster, replica_load, reply_cost
from .databases import Databases
from .http_load import SERVER_CPU
from .seed import Seeded
from .seed_cache import SeedCache

Log = Callable[[str], None]
KB_SEED = 18  # the seeding's random draws (part of the cache key)
KB_QUERIES_SEED = 19
KB_CPU = int(SERVER_CPU)  # the queries' draws: the same whether or not the seeding ran


def kb(cache: SeedCache, engine: str, articles: int, queries: int, seconds: float,
       log: Log) -> dict[str, Any]:
    """``bench/kb_search.py`` on a database of ``articles`` articles of its own."""

    def seeder(url: str) -> dict[str, Any]:
        words, asset_id = kb_seed.seed(url, articles, random.Random(KB_SEED), log)
        return {"words": words, "asset_id": asset_id}

    slot = cache.slot(engine, f"{engine}_kb_{articles}", "kb",
                      {"articles": articles, "seed": KB_SEED})
    provided = cache.provide(slot, seeder)
    log(f"[{engine}] knowledge base of {articles:,} articles: " + _origin(provided.record()))
    # as ``python -m bench.kb_search``: this process on one core (the server's) meanwhile
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {KB_CPU})
    try:
        result = kb_search.measure(engine, provided.url, provided.meta["words"],
                                   provided.meta["asset_id"], queries, seconds,
                                   random.Random(KB_QUERIES_SEED), log)
    finally:
        os.sched_setaffinity(0, cores)
    return {**result, "articles": articles, "database": provided.record()}


def reply(databases: Databases, engine: str, rounds: int) -> dict[str, Any]:
    return reply_cost.measure(databases.new(engine, f"{engine}_replies"), rounds)


def thread(databases: Databases, engine: str, repetitions: int, log: Log
           ) -> dict[str, Any] | None:
    """``bench/thread_cost.py`` when it is there; None (and a line in the log) if not."""
    if importlib.util.find_spec("bench.thread_cost") is None:
        log("thread_cost not available")
        return None
    module = importlib.import_module("bench.thread_cost")
    result: dict[str, Any] = module.measure(databases.new(engine, f"{engine}_thread"),
                                            repetitions)
    return result


def api(seeded: Seeded, seconds: float, connections: int, rounds: int) -> dict[str, Any]:
    return api_list.measure(seeded, seconds, connections, rounds)


def replica_unavailable() -> str | None:
    """Why no cluster of our own can start here, or None."""
    if pg_cluster.installed_bin() is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin) or no runuser"
    try:
        pwd.getpwnam(pg_cluster.OS_USER)
    except KeyError:
        return f"no {pg_cluster.OS_USER!r} OS user to run the cluster as"
    if os.geteuid() != 0:
        return f"not root: cannot run the cluster as the {pg_cluster.OS_USER!r} OS user"
    return None


def replica(size: int, seconds: float, connections: int, rounds: int, log: Log
            ) -> dict[str, Any]:
    """``bench/replica_load.py``, or ``{"skipped": reason}`` when its cluster cannot run."""
    reason = replica_unavailable()
    if reason is None:
        try:
            return replica_load.measure(size, seconds, connections, rounds)
        except (Exception, SystemExit) as error:  # its cluster, its portals: optional here
            reason = f"{type(error).__name__}: {str(error).strip()[:300]}"
    log(f"replica: skipped: {reason}")
    return {"skipped": reason}


def _origin(record: dict[str, Any]) -> str:
    if record["cached"]:
        return f"from the cache (copied in {record['copy_s']} s)"
    return f"seeded in {record['seed_s']} s"
