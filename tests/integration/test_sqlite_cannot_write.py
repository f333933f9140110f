"""SQLite when the disk is full (the file-size limit of the ``clico serve`` process cut to one
byte: every write() past the start of a file fails, as on a full disk): writes get a clear
503 page, reads keep working, and writes work again once there is room, without a restart."""

from __future__ import annotations

import resource
from pathlib import Path

from .cannot_write import assert_writes_again, assert_writes_refused_reads_kept, customer_portal
from .smtp import SmtpServer


def test_a_full_disk_refuses_writes_and_keeps_reads(smtp_server: SmtpServer,
                                                    tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'clico.db'}"
    with customer_portal(url, smtp_server, tmp_path) as portal:
        pid = portal.served.process.pid
        limits = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (1, limits[1]))
        try:
            assert_writes_refused_reads_kept(portal)
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, limits)
        assert_writes_again(portal)  # room again
