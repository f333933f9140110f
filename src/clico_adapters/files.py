"""Files and directories the portal creates for itself: readable by its own user only.

The data directory holds the SQLite database, the secret key and the local Maildir; nobody
else on the machine needs to read any of it (docs/security.md).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIRECTORY = 0o700
PRIVATE_FILE = 0o600


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
