"""Files and directories the portal creates for itself: readable by its own user only.

The data directory holds the SQLite database, the secret key and the local Maildir; nobody
else on the machine needs to read any of it (docs/security.md).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600
# what a file system says when it takes no more writes for now: no permission (a data
# directory made read-only), a read-only mount, no space, a quota or a file-size limit
REFUSING_WRITES = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC,
                             errno.EDQUOT, errno.EFBIG})


class WriteRefused(OSError):
    """The file system refused to store a file (``REFUSING_WRITES``); the portal answers
    as for a database that cannot write (``clico_adapters.sql.outage``)."""


def refusing_writes(error: OSError) -> OSError:
    """``error`` as a ``WriteRefused`` when it is one of ``REFUSING_WRITES``."""
    if error.errno in REFUSING_WRITES and not isinstance(error, WriteRefused):
        return WriteRefused(error.errno, error.strerror, error.filename)
    return error


def private_directory(path: str | os.PathLike[str]) -> Path:
    """Create the directory (and missing parents) as 0700; one that exists is left alone,
    as an operator may have chosen its mode."""
    directory = Path(path)
    if not directory.is_dir():
        directory.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        os.chmod(directory, PRIVATE_DIRECTORY)  # mkdir's mode passes through the umask
    return directory


def private_file(path: str | os.PathLike[str]) -> bool:
    """Create an empty 0600 file unless one exists; True when this call created it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True
