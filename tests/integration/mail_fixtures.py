"""Fixtures of the mail tests, registered in ``conftest.py``; their helpers are in
``mail_support.py``. ``smtp_server`` (a real aiosmtpd server) is defined in ``smtp.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clico_adapters.passwords import Argon2Hasher

from .mail_support import BACKENDS, MailRig, make_rig, open_backend


@pytest.fixture(scope="session")
def mail_hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.fixture(params=BACKENDS)
def mail_rig(request: pytest.FixtureRequest, tmp_path: Path,
             mail_hasher: Argon2Hasher) -> Iterator[MailRig]:
    """The core's services over memory, SQLite and PostgreSQL (a fresh database each),
    with a stepping clock and a worker factory."""
    with open_backend(request.param, tmp_path) as backend:
        yield make_rig(backend, mail_hasher)
