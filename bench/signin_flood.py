"""A sign-in flood: 16 connections posting correct sign-ins while one client reads the list.

Compared in the same run with the list read alone, and with what argon2 (the product's
parameters) verifies per second on the server's core. Then the same flood with hashing at
other priorities, and once with hashing moved to the load generator's core (a server with
a core to spare: not the issue's setup, information only). Last, wrong passwords from one
client until the limiter refuses them, counting the server's argon2 calls while it refuses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any
from urllib.parse import urlencode

from clico_core.services import Limits
from clico_web import Settings
from clico_web.security.csrf import csrf_token

from .http_load import (
    CLIENT_CPU,
    ROOT,
    SERVER_CPU,
    Server,
    child_env,
    fetch,
    finish_wrk,
    merge,
    pinned,
    start_wrk,
    wrk,
)
from .stats import percentile

FLOOD_CONNECTIONS = 16
ANON_ID = "bench-anonymous-browser-0001"  # the anonymous cookie every flood request carries


def sign_in_form(secret_key: str, login: str, password: str) -> tuple[str, str]:
    """(cookie, body) of a sign-in POST exactly as a browser holding the form sends it."""
    token = csrf_token(secret_key.encode(), ANON_ID, "")
    body = urlencode({"csrf_token": token, "login": login, "password": password})
    return f"clico_anon={ANON_ID}", body


def argon2_rate(seconds: float) -> dict[str, Any]:
    """Verifications per second on the server's core with the portal's hashing concurrency."""
    threads = Settings().argon2_concurrency
    out = subprocess.run(pinned(SERVER_CPU, [
        sys.executable, "-m", "bench.argon2_rate", "--seconds", str(seconds),
        "--threads", str(threads)]), capture_output=True, text=True, check=True, env=child_env(),
        cwd=ROOT).stdout
    return dict(json.loads(out))


def rate_limit_check(server: Server, secret_key: str, extra: int = 30) -> dict[str, Any]:
    """Wrong passwords from one client past its limit: refusals must not reach argon2."""
    limit = Limits().sign_in_per_identifier_client.limit  # one login from one address
    cookie, body = sign_in_form(secret_key, "nobody-from-the-bench", "wrong password")
    attempts = []
    for _ in range(limit + extra):
        before = server.hasher_calls()
        started = time.perf_counter()
        status, _ = fetch(server.port, "/signin", cookie, body)
        elapsed = time.perf_counter() - started
        attempts.append((status, elapsed, server.hasher_calls() - before))
    refused = [a for a in attempts if a[0] == 429]
    answered = [a for a in attempts if a[0] != 429]
    return {
        "attempts": len(attempts), "limit": limit, "refused": len(refused),
        "answered_before_refusal": len(answered),
        "hashes_while_refusing": sum(a[2] for a in refused),
        "hashes_while_answering": sum(a[2] for a in answered),
        "refused_p50_ms": round(percentile([a[1] for a in refused], 0.5) * 1000, 2)
        if refused else None,
        "answered_p50_ms": round(percentile([a[1] for a in answered], 0.5) * 1000, 2)
        if answered else None,
    }


def _drain(server: Server, quiet: float = 1.5, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    calls = server.hasher_calls()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = server.hasher_calls()
        if now == calls:
            return
        calls = now


def measure(server: Server, viewer_cookie: str, secret_key: str, flooder: str, password: str,
            seconds: float, log: Any, compare_nice: tuple[int, ...] = (0,),
            spare_core: bool = True) -> dict[str, Any]:
    argon2 = argon2_rate(min(seconds, 4.0))
    log(f"  argon2 verify on the server's core: {argon2['verifies_per_s']}/s "
        f"({argon2['threads']} threads)")
    list_url = server.url("/tickets")
    wrk(list_url, 1, 1, viewer_cookie)  # warm-up
    before = wrk(list_url, seconds / 2, 1, viewer_cookie)
    hashes_before, within_before = server.hasher_calls(), server.hasher()["within_budget"]
    reader, flood = _flood(server, viewer_cookie, secret_key, flooder, password, seconds)
    hashes = server.hasher_calls() - hashes_before
    within = server.hasher()["within_budget"] - within_before
    # the list alone is read half before and half after the flood (load elsewhere drifts)
    solo = merge([before, wrk(list_url, seconds / 2, 1, viewer_cookie)])
    log(f"  list alone: {solo['rps']} req/s, p99 {solo['p99_ms']:.1f} ms")
    log(f"  during the flood (hashing at nice {server.hashing_nice()}): list "
        f"{reader['rps']} req/s, p99 {reader['p99_ms']:.1f} ms; "
        f"sign-ins {flood['rps']}/s, errors {flood['errors']}")
    # the same flood with hashing at other priorities: nice 0 is the portal before
    # CLICO_HASHING_NICE; the others show the trade-off the setting makes
    product_nice = server.hashing_nice()
    compared: list[dict[str, Any]] = []
    for nice in compare_nice:
        if nice == product_nice:
            continue
        server.set_hashing_nice(nice)
        other_reader, other_flood = _flood(server, viewer_cookie, secret_key, flooder,
                                           password, seconds)
        compared.append({"nice": nice, "list_during_flood": other_reader,
                         "sign_ins": other_flood})
        log(f"  hashing at nice {nice}: list {other_reader['rps']} req/s, "
            f"p99 {other_reader['p99_ms']:.1f} ms; sign-ins {other_flood['rps']}/s")
    server.set_hashing_nice(product_nice)
    if spare_core and (os.cpu_count() or 1) >= 2:
        # The list needs the server's core, argon2 a core of its own: on two cores, with
        # the generator on the second, only this shows what the design does with a core
        # to spare. Hashing keeps its priority there, under the generator's.
        server.set_hashing_cpus(CLIENT_CPU)
        try:
            other_reader, other_flood = _flood(server, viewer_cookie, secret_key, flooder,
                                               password, seconds)
        finally:
            server.set_hashing_cpus("")
        compared.append({"nice": product_nice, "cpus": CLIENT_CPU,
                         "list_during_flood": other_reader, "sign_ins": other_flood})
        log(f"  hashing at nice {product_nice} on CPU {CLIENT_CPU} (the generator's): list "
            f"{other_reader['rps']} req/s, p99 {other_reader['p99_ms']:.1f} ms; "
            f"sign-ins {other_flood['rps']}/s")
    peak = server.peak_rss_mb()
    limited = rate_limit_check(server, secret_key)
    log(f"  rate limit: {limited['refused']} refused with {limited['hashes_while_refusing']} "
        f"argon2 calls (p50 {limited['refused_p50_ms']} ms vs {limited['answered_p50_ms']} ms)")
    return {"argon2": argon2, "list_solo": solo, "list_during_flood": reader,
            "sign_ins": flood, "argon2_calls_during_flood": hashes, "rate_limit": limited,
            "within_budget": within, "budget_percent": server.hasher()["budget_percent"],
            "peak_rss_mb": peak, "hashing_nice": product_nice, "compared": compared}


def _flood(server: Server, viewer_cookie: str, secret_key: str, flooder: str, password: str,
           seconds: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """The list read by one client while 16 connections post sign-ins; (list, sign-ins)."""
    cookie, body = sign_in_form(secret_key, flooder, password)
    flood_process = start_wrk(server.url("/signin"), seconds, FLOOD_CONNECTIONS, cookie, body,
                              expect=303)
    reader_process = start_wrk(server.url("/tickets"), seconds, 1, viewer_cookie)
    reader = finish_wrk(reader_process)
    flood = finish_wrk(flood_process)
    _drain(server)  # sign-ins still queued in the server when wrk stopped
    return reader, flood
