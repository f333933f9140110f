"""A real ``clico serve`` in a subprocess, for end-to-end tests of the installed CLI.

    env = clico_env(tmp_path / "var", CLICO_DATABASE_URL=url, CLICO_MAIL_URL=smtp_url(smtp))
    run_clico(env, "demo")                       # any other command, same settings
    with serving(env, tmp_path / "server.log") as served:
        httpx.get(served.base + "/signin")       # ready: it answered
    served.stop()                                # idempotent; everything it logged

``served_portal`` is the usual fixture: the server over ``database_url`` (an empty, migrated
SQLite file or PostgreSQL database, each engine in turn), sending its mail over SMTP to the
test's aiosmtpd (``smtp_server``), with a support inbox so customers' replies are mailed too.
The environment starts without the caller's ``CLICO_*`` variables, so only what the test sets
counts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from attrs import define

from .smtp import SmtpServer, free_port

SECRET_KEY = "served-portal-secret-key-0123456789abcdef"
SUPPORT_INBOX = "support@clico.pl"
START_TIMEOUT = 60.0


def clico_command() -> str:
    """The ``clico`` entry point installed beside this interpreter."""
    found = shutil.which("clico", path=str(Path(sys.executable).parent))
    assert found, "the clico entry point is installed with the package"
    return found


def clico_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """The process environment without any ``CLICO_*`` of the caller, then ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLICO_")}
    env["CLICO_DATA_DIR"] = str(data_dir)
    env.update(variables)
    return env


def smtp_url(smtp: SmtpServer) -> str:
    """The test server's URL for ``CLICO_MAIL_URL`` (plain text: it offers no STARTTLS)."""
    return f"{smtp.url}?starttls=off"


def run_clico(env: dict[str, str], *args: str, timeout: float = 120
              ) -> subprocess.CompletedProcess[str]:
    """Run ``clico *args``; fails the test (with its stderr) unless it exits 0."""
    done = subprocess.run([clico_command(), *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"clico {' '.join(args)}: {done.stderr or done.stdout}"
    return done


@define
class Served:
    """A running ``clico serve``: its base URL, environment and log (stdout and stderr)."""

    base: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[str]

    def log_text(self) -> str:
        return self.log.read_text()

    def clico(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Another command with the server's settings (``staff create``, ``demo``…)."""
        return run_clico(self.env, *args)

    def stop(self) -> str:
        """Stop the server (SIGTERM, then SIGKILL after 20 s); everything it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log_text()


def answers(served: Served) -> bool:
    """Ready when the sign-in page answers."""
    try:
        httpx.get(served.base + "/signin", timeout=2)
    except httpx.TransportError:
        return False
    return True


def all_started(count: int) -> Callable[[Served], bool]:
    """Ready when ``count`` server processes have logged their start and the server answers:
    with ``--workers`` the supervisor binds the socket but a worker only listens once its
    application has started, so a request sent on the first log line alone may be refused."""
    def ready(served: Served) -> bool:
        started = set(re.findall(r"Started server process \[(\d+)\]", served.log_text()))
        return len(started) >= count and answers(served)
    return ready


@contextmanager
def serving(env: dict[str, str], log: Path, *args: str, port: int | None = None,
            ready: Callable[[Served], bool] = answers,
            timeout: float = START_TIMEOUT, wrapper: Sequence[str] = ()) -> Iterator[Served]:
    """``clico serve --port <free port> *args`` until ``ready``; stopped on leaving.
    ``wrapper`` runs it through another command (``setpriv …``)."""
    port = port or free_port()
    with log.open("w") as output:
        process = subprocess.Popen([*wrapper, clico_command(), "serve", "--port", str(port),
                                    *args],
                                   env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{port}", env, log, process)
    try:
        deadline = time.monotonic() + timeout
        while not ready(served):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"clico serve did not start: {served.stop()}")
            time.sleep(0.2)
        yield served
    finally:
        served.stop()


@pytest.fixture
def served_portal(database_url: str, smtp_server: SmtpServer, tmp_path: Path
                  ) -> Iterator[Served]:
    """``clico serve`` over ``database_url`` (SQLite, then PostgreSQL), mail to ``smtp_server``."""
    port = free_port()
    env = clico_env(tmp_path / "var", CLICO_DATABASE_URL=database_url,
                    CLICO_MAIL_URL=smtp_url(smtp_server), CLICO_SECRET_KEY=SECRET_KEY,
                    CLICO_MODE="development", CLICO_BASE_URL=f"http://127.0.0.1:{port}",
                    CLICO_SUPPORT_INBOX=SUPPORT_INBOX)
    with serving(env, tmp_path / "server.log", port=port) as served:
        yield served
