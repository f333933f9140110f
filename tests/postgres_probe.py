"""Which PostgreSQL the tests use: ``CLICO_TEST_POSTGRES_URL``, else the default if it answers.

A newcomer with PostgreSQL running at the documented default address gets the PostgreSQL
cases without setting anything; without a server they skip, and the skip summary says how to
enable them.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

POSTGRES_ENV = "CLICO_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SKIP_REASON = (f"PostgreSQL tests need a server: none answers at {DEFAULT_POSTGRES_URL} "
               f"and {POSTGRES_ENV} is not set")


def postgres_answers(url: str, timeout: float = 1.0) -> bool:
    """True when a PostgreSQL server at ``url`` (a SQLAlchemy URL) accepts us and runs a query."""
    parts = urlsplit(url)
    try:
        # a closed port fails here at once, before libpq's own (coarser) connect timeout
        socket.create_connection((parts.hostname or "localhost", parts.port or 5432),
                                 timeout=timeout).close()
        import psycopg
        from sqlalchemy.engine import make_url
    except (OSError, ImportError):
        return False
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, connect_timeout=max(2, round(timeout))) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True
