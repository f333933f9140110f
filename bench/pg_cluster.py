"""A PostgreSQL primary and its streaming replica of our own, started and stopped around a
test or a benchmark (``tests/integration/replica_cluster.py``, ``bench/replica_load.py``).

Our own servers, never the shared one's configuration: ``initdb`` into a temporary folder
(owned by the ``postgres`` OS user, as PostgreSQL refuses to run as root), ``wal_level =
replica`` on a free port, ``pg_basebackup -R`` into another folder, the second server on
another port; every step with a timeout, both stopped (``pg_ctl stop -m fast``) and their
folders removed on leaving. ``installed_bin()`` is None without the binaries.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from attrs import define
from sqlalchemy import create_engine, text

STEP_TIMEOUT = 120  # seconds for any one command (initdb, a base backup, a start)
OS_USER = "postgres"


def installed_bin() -> Path | None:
    """The newest installed server's binaries (and ``runuser`` to run them), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found or shutil.which("runuser") is None:
        return None
    return Path(found[-1]).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@define
class Cluster:
    bin: Path
    root: Path
    primary_port: int
    replica_port: int

    @property
    def primary_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.primary_port}/postgres"

    @property
    def replica_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.replica_port}/postgres"

    def run(self, *command: str) -> str:
        """A command as the ``postgres`` user (from the cluster's folder)."""
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        done = subprocess.run([runuser, "-u", OS_USER, "--", *command], cwd=self.root,
                              capture_output=True, text=True, timeout=STEP_TIMEOUT,
                              check=False)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stderr or done.stdout}"
        return done.stdout

    def pg_ctl(self, name: str, action: str) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.root / name), "-l",
                 str(self.root / f"{name}.log"), "-w", "-t", "60", "-m", "fast", action)

    def stop_replica(self) -> None:
        self.pg_ctl("replica", "stop")

    def start_replica(self) -> None:
        self.pg_ctl("replica", "start")

    def on_replica(self, sql: str) -> object:
        engine = create_engine(self.replica_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                return connection.execute(text(sql)).scalar()
        finally:
            engine.dispose()

    def pause_replay(self) -> None:
        self.on_replica("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.on_replica("SELECT pg_wal_replay_resume()")


def _conf(data: Path, port: int, socket_dir: Path) -> str:
    return (f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{socket_dir}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "shared_buffers = 16MB\nmax_connections = 40\n")


@contextmanager
def primary_and_replica(binaries: Path) -> Iterator[Cluster]:
    """Both servers running; the replica streaming from the primary."""
    root = Path(tempfile.mkdtemp(prefix="clico-replica-"))
    shutil.chown(root, OS_USER, OS_USER)
    os.chmod(root, 0o700)
    cluster = Cluster(binaries, root, free_port(), free_port())
    started: list[str] = []
    try:
        primary = root / "primary"
        cluster.run(str(binaries / "initdb"), "-D", str(primary), "-U", "postgres",
                    "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8")
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(_conf(primary, cluster.primary_port, root))
        cluster.pg_ctl("primary", "start")
        started.append("primary")
        cluster.run(str(binaries / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                    str(cluster.primary_port), "-U", "postgres", "-D", str(root / "replica"),
                    "-R", "-X", "stream", "-c", "fast", "--no-sync")
        with (root / "replica" / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {cluster.replica_port}\n")
        cluster.start_replica()
        started.append("replica")
        assert cluster.on_replica("SELECT pg_is_in_recovery()") is True
        yield cluster
    finally:
        for name in reversed(started):
            with contextlib.suppress(AssertionError):  # the replica a test stopped
                cluster.pg_ctl(name, "stop")
        shutil.rmtree(root, ignore_errors=True)
