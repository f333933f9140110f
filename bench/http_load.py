"""HTTP over loopback: one uvicorn worker pinned to one core, ``wrk`` pinned to the other.

Routes: the bare ``hello``, the list page rendered from memory (the ceiling), the real
signed-in list page, a deep page, and the sign-in page. All traffic goes to 127.0.0.1 and
every run is bounded in time (``wrk -d``).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk" / "report.lua"
HOST = "127.0.0.1"
SERVER_CPU, CLIENT_CPU = "0", "1"
ROUNDS = 2  # each route's time is split into this many interleaved slices
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")  # the unit of /proc/<pid>/stat's CPU times


def pinned(cpu: str, command: list[str]) -> list[str]:
    """``command`` bound to one CPU with taskset (unpinned on a one-CPU machine)."""
    if (os.cpu_count() or 1) < 2 or shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", cpu, *command]


def fetch(port: int, path: str, cookie: str = "", body: str | None = None
          ) -> tuple[int, bytes]:
    """One request, redirects not followed (a 303 to /signin must not pass for a page)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request("POST" if body is not None else "GET", path, body=body,
                           headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def child_env() -> dict[str, str]:
    """The environment for ``python -m bench.…`` children: this checkout's ``bench`` first."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """``python -m bench.server`` in a child process, pinned to ``SERVER_CPU``."""

    def __init__(self, database_url: str, secret_key: str) -> None:
        self.port = _free_port()
        self.data_dir = tempfile.mkdtemp(prefix="clico-bench-server-")
        self.process = subprocess.Popen(pinned(SERVER_CPU, [
            sys.executable, "-m", "bench.server", "--database-url", database_url,
            "--port", str(self.port), "--secret-key", secret_key,
            "--data-dir", self.data_dir]), cwd=ROOT, env=child_env())
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(self.port, "/_bench/hello")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the bench server did not start")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def peak_rss_mb(self) -> float:
        """VmHWM: the most resident memory the server process has had so far."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return round(int(line.split()[1]) / 1024, 1)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process (all its threads) has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def hasher(self) -> dict[str, Any]:
        """The server's hasher: calls, nice, cpus, budget_percent, within_budget."""
        return dict(json.loads(fetch(self.port, "/_bench/hasher")[1]))

    def hasher_calls(self) -> int:
        return int(json.loads(fetch(self.port, "/_bench/hasher")[1])["calls"])

    def hashing_nice(self) -> int:
        return int(json.loads(fetch(self.port, "/_bench/hasher")[1])["nice"])

    def set_hashing_nice(self, nice: int) -> None:
        fetch(self.port, f"/_bench/hasher?nice={nice}")

    def set_hashing_cpus(self, cpus: str) -> None:
        """Hash on ``cpus`` (e.g. ``CLIENT_CPU``) instead of the server's; "" to go back."""
        fetch(self.port, f"/_bench/hasher?cpus={cpus}")

    def stats(self) -> dict[str, int]:
        return dict(json.loads(fetch(self.port, "/_bench/stats")[1]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def require_wrk() -> None:
    """Stop at once, before any seeding, when ``wrk`` is not installed."""
    if shutil.which("wrk") is None:
        sys.exit("the HTTP phases need wrk: apt-get install wrk (see docs/performance.md)")


def start_wrk(url: str, seconds: float, connections: int, cookie: str = "",
              body: str | None = None, expect: int = 200, header: str = ""
              ) -> subprocess.Popen[str]:
    # wrk takes whole seconds
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if header:  # e.g. the API's "Authorization: Bearer …"
        command += ["-H", header]
    env = {**os.environ, "BENCH_EXPECT": str(expect), "BENCH_BODY": body or ""}
    return subprocess.Popen(pinned(CLIENT_CPU, [*command, url]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def finish_wrk(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=600)
    line = next((x for x in out.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {err or out}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    histogram = [(int(v), int(c)) for v, c in raw.pop("histogram")]
    seconds = raw["duration_us"] / 1e6
    errors = (raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
              + raw["unexpected_status"])
    return {"requests": raw["requests"], "seconds": round(seconds, 2),
            "rps": round(raw["requests"] / seconds, 1), "errors": errors,
            "p50_ms": raw["p50_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "raw": raw, "histogram": histogram}


def wrk(url: str, seconds: float, connections: int, cookie: str = "",
        body: str | None = None, expect: int = 200, header: str = "") -> dict[str, Any]:
    return finish_wrk(start_wrk(url, seconds, connections, cookie, body, expect, header))


def percentile_us(histogram: list[tuple[int, int]], fraction: float) -> int:
    """The smallest latency at or below which ``fraction`` of the requests answered."""
    ordered = sorted(histogram)
    wanted = fraction * sum(count for _, count in ordered)
    seen = 0
    for value, count in ordered:
        seen += count
        if seen >= wanted:
            return value
    return ordered[-1][0] if ordered else 0


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several slices of one route as one run: summed counts, and the percentiles of every
    slice's requests pooled (wrk's histograms added up), as if it had been one long run."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["seconds"] for r in runs)
    pooled = [pair for r in runs for pair in r["histogram"]]
    return {"requests": requests, "seconds": round(seconds, 2),
            "rps": round(requests / seconds, 1), "errors": sum(r["errors"] for r in runs),
            "p50_ms": percentile_us(pooled, 0.50) / 1000,
            "p99_ms": percentile_us(pooled, 0.99) / 1000,
            "max_ms": max(r["max_ms"] for r in runs), "slices": [r["rps"] for r in runs],
            "slice_p99_ms": [r["p99_ms"] for r in runs]}


def _check(server: Server, path: str, cookie: str, marker: bytes) -> None:
    status, body = fetch(server.port, path, cookie)
    if status != 200 or marker not in body:
        raise RuntimeError(f"GET {path} answered {status} without {marker!r}")


def measure(server: Server, viewer_cookie: str, deep_path: str | None, seconds: float,
            connections: int, log: Any) -> dict[str, Any]:
    """Throughput and latency of each route, one after another, the same way."""
    routes: list[tuple[str, str, str, bytes]] = [
        ("hello", "/_bench/hello", "", b"hello"),
        ("list, in-memory", "/_bench/memory/tickets", viewer_cookie, b"CSS-"),
        ("list", "/tickets", viewer_cookie, b"CSS-"),
        ("sign-in page", "/signin", "", b"csrf_token"),
    ]
    if deep_path is not None:
        routes.insert(3, ("list, deep", deep_path, viewer_cookie, b"CSS-"))
    for _name, path, cookie, marker in routes:
        _check(server, path, cookie, marker)  # also the first, untimed request of each
    before = server.stats()
    # The routes take turns in short slices, so a burst of load from elsewhere on the
    # machine lands on all of them alike rather than on whichever ran at that moment.
    slices: dict[str, list[dict[str, Any]]] = {name: [] for name, *_ in routes}
    # The server's CPU time per slice: on a shared machine its wall-clock rate depends on
    # what else runs on its core, its CPU time per request much less.
    cpu: dict[str, float] = {name: 0.0 for name, *_ in routes}
    for _ in range(ROUNDS):
        for name, path, cookie, _marker in routes:
            started = server.cpu_seconds()
            slices[name].append(wrk(server.url(path), seconds / ROUNDS, connections, cookie))
            cpu[name] += server.cpu_seconds() - started
    results: dict[str, Any] = {}
    for name, path, *_ in routes:
        merged = merge(slices[name])
        per_request = cpu[name] / merged["requests"] if merged["requests"] else 0.0
        results[name] = {"path": path, "connections": connections, **merged,
                         "cpu_s": round(cpu[name], 2),
                         "cpu_ms_per_request": round(per_request * 1000, 3),
                         "rps_one_core": round(1 / per_request, 1) if per_request else 0.0}
        log(f"  {name:<21} {results[name]['rps']:>8.1f} req/s  "
            f"{results[name]['cpu_ms_per_request']:.3f} ms CPU each "
            f"({results[name]['rps_one_core']:.0f}/s on one core)  "
            f"p50 {results[name]['p50_ms']:.1f} ms  p99 {results[name]['p99_ms']:.1f} ms  "
            f"errors {results[name]['errors']}")
    after = server.stats()
    # the ceiling is one only if its timed requests never reached the database
    results["list, in-memory"]["statements"] = (after["memory_statements"]
                                                - before["memory_statements"])
    results["peak_rss_mb"] = server.peak_rss_mb()
    return results
