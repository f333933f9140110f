"""`clico serve --workers 2`: every process's metrics reach a scrape of any one of them
through PROMETHEUS_MULTIPROC_DIR, and serve refuses to start without it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest

from .served import all_started, clico_command, clico_env, run_clico, serving

TOKEN = "metrics-token-0123456789abcdef"
REQUESTS = 20


@pytest.mark.slow
def test_a_scrape_counts_the_requests_every_process_answered(tmp_path: Path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_999999.db").write_bytes(b"a previous run's")
    env = clico_env(tmp_path / "var", CLICO_MODE="demo", CLICO_METRICS_TOKEN=TOKEN,
                    PROMETHEUS_MULTIPROC_DIR=str(shared))
    run_clico(env, "db", "upgrade")
    with serving(env, tmp_path / "server.log", "--workers", "2", ready=all_started(2),
                 timeout=90) as running:
        for _ in range(REQUESTS):  # a new connection each: either process may take it
            assert httpx.get(running.base + "/healthz", timeout=10).text == "ok"
        scrape = httpx.get(running.base + "/metrics", timeout=10,
                           headers={"Authorization": f"Bearer {TOKEN}"}).text
        answered = re.findall(r"^clico_http_requests_total\{[^}]*route=\"/healthz\"[^}]*\} "
                              r"([0-9.]+)$", scrape, re.MULTILINE)
        assert sum(float(n) for n in answered) == REQUESTS, scrape
        writers = {m.group(1) for f in shared.iterdir()
                   if (m := re.fullmatch(r"\w+_(\d+)\.db", f.name))}
        servers = set(re.findall(r"Started server process \[(\d+)\]", running.log_text()))
    assert not (shared / "counter_999999.db").exists()  # emptied at start
    assert len(writers - {"999999"}) >= 2  # the server processes (and the supervisor)
    # stopped, each server process dropped its live gauge (the argon2 queue): no stale value
    live = {m.group(1) for f in shared.iterdir()
            if (m := re.fullmatch(r"gauge_live\w*_(\d+)\.db", f.name))}
    assert len(servers) >= 2 and not live & servers, (servers, sorted(shared.iterdir()))


def test_serve_refuses_several_workers_with_metrics_but_no_shared_directory(
        tmp_path: Path) -> None:
    env = clico_env(tmp_path / "var", CLICO_MODE="demo", CLICO_METRICS_TOKEN=TOKEN)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    run_clico(env, "db", "upgrade")
    done = subprocess.run([clico_command(), "serve", "--workers", "2"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "PROMETHEUS_MULTIPROC_DIR" in done.stderr
