"""A PostgreSQL server of the test's own (initdb into a temporary directory, another port),
for faults that stop the server: the shared test server is never stopped.

    with private_postgres() as server:
        url = server.create_database("clico")
        server.stop(); server.start()        # the outage
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .smtp import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """One ``postgres`` on 127.0.0.1:``port`` over ``root``/data, run as the postgres user
    when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        done = subprocess.run([str(self.bin_dir / args[0]), *args[1:]], capture_output=True,
                              text=True, timeout=120, check=False, user=self.user)
        assert done.returncode == 0, f"{args[0]}: {done.stderr or done.stdout}"

    def init(self) -> None:
        if self.user is not None:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started private server, stopped (immediately) and deleted at the end."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)")
    server = PrivatePostgres(bin_dir, Path(tempfile.mkdtemp(prefix="clico-pg-")))
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.running():
            with suppress(AssertionError):
                server.stop("immediate")
        shutil.rmtree(server.root, ignore_errors=True)
