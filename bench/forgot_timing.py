"""Forgot-password timing: does the answer come sooner for an unknown identifier?

A fresh database gets a few hundred accounts; then ``Forgot my password`` is asked for
known and unknown identifiers (half logins, half e-mails, of one length, each once, from a
new address each time so that no rate limit cuts the work short), all in one random order,
straight to the portal's ASGI app in-process. Each request is timed to the
last byte of its answer. A two-sided Mann–Whitney U test then says whether the two samples
could come from one distribution: the verdict passes when p ≥ ``ALPHA``.

    python -m bench.forgot_timing [--requests 400] [--url sqlite:///…]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from clico_adapters.compose import Schema, build
from clico_core.accounts import Account, AccountState
from clico_core.companies import Company
from clico_web import Settings, create_app
from clico_web.security.csrf import csrf_token

from .asgi import post_timed
from .stats import hodges_lehmann, mann_whitney_u, summary_ms

ALPHA = 0.01
WARM_UP = 20  # requests before the timed ones (first renders, connection set-up)
SECRET_KEY = "forgot-timing-secret-key-" + "x" * 32
ANON_ID = "bench-forgot-browser-0001"
COMPANY = "co-forgot"


def _identifier(kind: str, index: int, email: bool) -> str:
    """``known``/``nobod`` share a length, so that the forms parsed are the same size."""
    name = f"{kind}-{index:05d}"
    return f"{name}@forgot.example.com" if email else name


def prepare(url: str, accounts: int) -> None:
    """Migrate an empty database and add ``accounts`` confirmed, active accounts."""
    backend = build(_settings(url), schema=Schema.UPGRADE)
    assert backend.database is not None
    try:
        now = datetime.now(UTC)
        with backend.database.uow_factory() as uow:
            uow.companies.add(Company(COMPANY, "Forgot Timing Sp. z o.o."))
            for i in range(accounts):
                login = _identifier("known", i, email=False)
                uow.accounts.add(Account(
                    f"ac-forgot-{i}", login, _identifier("known", i, email=True), "Jan",
                    "Kowalski", "+48 600 100 200", COMPANY, "$argon2id$not-used-here", now,
                    state=AccountState.ACTIVE))
            uow.commit()
    finally:
        backend.close()


def _settings(url: str) -> Settings:
    return Settings(secret_key=SECRET_KEY, database_url=url, start_mail_worker=False,
                    data_dir=Path(tempfile.gettempdir()) / "clico-bench-forgot")


async def _run(url: str, pairs: int, seed: int) -> dict[str, list[float]]:
    app = create_app(_settings(url))  # the product's app, built from settings as `clico serve` does
    cookie = f"clico_anon={ANON_ID}"
    token = csrf_token(SECRET_KEY.encode(), ANON_ID, "")
    rng = random.Random(seed)
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    # One random order over all the requests, not pairs: a request's timing depends on the
    # one before it (a known account's mail and token, done after that answer, leave the
    # next answer ~25 µs slower on PostgreSQL), and within shuffled pairs each kind is
    # preceded by the other kind three times in four, which shows as a difference between
    # the kinds. Shuffled whole, a request's predecessor does not depend on its own kind.
    requests = [(label, kind, i) for i in range(pairs + WARM_UP // 2)
                for label, kind in (("known", "known"), ("unknown", "nobod"))]
    rng.shuffle(requests)
    for position, (label, kind, i) in enumerate(requests):
        body = urlencode({"csrf_token": token,
                          "login_or_email": _identifier(kind, i, i % 2 == 1)}).encode()
        client = f"10.{i // 250 % 250}.{i % 250}.{1 if label == 'known' else 2}"
        status, seconds = await post_timed(app, "/password/forgot", body, cookie, client)
        if status != 200:
            raise RuntimeError(f"forgot password answered {status}")
        if position >= WARM_UP:
            times[label].append(seconds)
    return times


def measure(url: str, requests: int, log: Any, seed: int = 5) -> dict[str, Any]:
    """Time ``requests`` forgot-password answers (half known) on the database at ``url``."""
    pairs = max(requests // 2, 10)
    prepare(url, pairs + WARM_UP // 2)
    times = asyncio.run(_run(url, pairs, seed))
    known, unknown = times["known"], times["unknown"]
    _, p = mann_whitney_u(known, unknown)
    known_ms, unknown_ms = summary_ms(known), summary_ms(unknown)
    result: dict[str, Any] = {
        "known": known_ms, "unknown": unknown_ms,
        "median_difference_ms": round(
            (statistics.median(known) - statistics.median(unknown)) * 1000, 3),
        "shift_ms": round(hodges_lehmann(known, unknown) * 1000, 3),
        "p_value": round(p, 4), "alpha": ALPHA, "same": p >= ALPHA,
    }
    log(f"  forgot password: known p50 {known_ms['p50_ms']} ms, unknown p50 "
        f"{unknown_ms['p50_ms']} ms, shift {result['shift_ms']} ms, p = {p:.4f} "
        f"({'no difference found' if result['same'] else 'THEY DIFFER'})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.forgot_timing", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--url", default="", help="an empty database (default: a temporary "
                                                  "SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="clico-forgot-") as scratch:
        url = args.url or f"sqlite:///{scratch}/forgot.db"
        print(json.dumps(measure(url, args.requests, print), indent=1))


if __name__ == "__main__":
    main()
