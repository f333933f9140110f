"""``python -m bench.api_list``: the JSON list (``GET /api/v1/tickets``) against the HTML
list (``GET /tickets``) at 10⁶ tickets, the same viewer and view, req/s and latency over
loopback (``http_load``: one uvicorn worker on one core, wrk on the other), on SQLite and on
PostgreSQL when ``CLICO_BENCH_POSTGRES_URL`` is set. The two routes take turns in slices,
so load from elsewhere on the machine lands on both alike. Prints one JSON document."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from clico_adapters import compose
from clico_adapters.config import Settings
from clico_core.services import CreateApiToken, SignIn

from .databases import BENCH_SECRET_KEY, Databases
from .http_load import Server, fetch, merge, require_wrk, wrk
from .seed import Seeded, password_hash, seed

SECRET_KEY = "bench-secret-key-" + "x" * 32


def _credentials(seeded: Seeded) -> tuple[str, str]:
    """The viewer's session cookie (for the page) and a read token (for the API)."""
    settings = Settings(database_url=seeded.url, secret_key=BENCH_SECRET_KEY)
    with compose.build(settings) as backend:
        step = backend.services.sign_in(SignIn(seeded.viewer_login, seeded.password,
                                               "127.0.0.1"))
        token = backend.services.issue_api_token(
            seeded.viewer_login, CreateApiToken("bench", "read", None)).secret
    assert step.complete
    return f"clico_session={step.session_token}", token


def measure(seeded: Seeded, seconds: float, connections: int, rounds: int) -> dict[str, Any]:
    cookie, token = _credentials(seeded)
    server = Server(seeded.url, SECRET_KEY)
    try:
        routes = {"html /tickets": ("/tickets", cookie, ""),
                  "json /api/v1/tickets": ("/api/v1/tickets", "",
                                           f"Authorization: Bearer {token}")}
        status, body = fetch(server.port, "/tickets", cookie)
        assert status == 200 and b"CSS-" in body, status
        slices: dict[str, list[dict[str, Any]]] = {name: [] for name in routes}
        for _ in range(rounds):
            for name, (path, route_cookie, header) in routes.items():
                slices[name].append(wrk(server.url(path), seconds / rounds, connections,
                                        route_cookie, header=header))
        results = {name: {k: v for k, v in merge(runs).items() if k != "histogram"}
                   for name, runs in slices.items()}
    finally:
        server.stop()
    html, api = results["html /tickets"]["rps"], results["json /api/v1/tickets"]["rps"]
    return {"engine": seeded.engine, "tickets": seeded.size, "routes": results,
            "json_over_html": round(api / html, 2) if html else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="per route")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--engine", action="append", help="only these (default: all)")
    args = parser.parse_args()
    require_wrk()
    databases = Databases()
    hashed = password_hash()
    out = []
    try:
        for engine in databases.engines():
            if args.engine and engine not in args.engine:
                continue
            seeded = seed(engine, databases.new(engine, f"api_{args.size}"), args.size, hashed)
            print(f"{engine}: seeded {args.size} tickets in {seeded.seconds} s",
                  file=sys.stderr, flush=True)
            result = measure(seeded, args.seconds, args.connections, args.rounds)
            print(json.dumps(result), file=sys.stderr, flush=True)
            out.append(result)
    finally:
        databases.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
