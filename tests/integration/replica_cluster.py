"""The replica tests' servers: ``bench/pg_cluster.py``'s primary and streaming replica,
or a skip without the PostgreSQL binaries, which is a failure under CI=true."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from bench.pg_cluster import Cluster, installed_bin
from bench.pg_cluster import primary_and_replica as _started

__all__ = ["Cluster", "primary_and_replica"]


@contextmanager
def primary_and_replica() -> Iterator[Cluster]:
    binaries = installed_bin()
    if binaries is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true: the PostgreSQL server binaries must be installed "
                        "(/usr/lib/postgresql/*/bin, and runuser) for the replica tests")
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin) to start "
                    "a primary and a replica")
    with _started(binaries) as cluster:
        yield cluster
