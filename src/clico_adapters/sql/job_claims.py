"""``SqlJobClaims``: which process runs a scheduled job now, decided in the database.

Every portal process and every ``clico worker`` runs the same housekeeping loop; a job
(auto-close, retention, SLA alerts, the blob sweep) must run once per interval, not once
per process. Each job has one row in ``job_claims`` holding it until a moment: a process
runs the job only if one conditional upsert moves a lapsed hold forward for it. On
PostgreSQL a concurrent claim waits for the first to commit, then re-checks the WHERE on
the newest row and loses; SQLite serialises the writers (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .tables import job_claims


class SqlJobClaims:
    """Claims on scheduled jobs by name, each held until a moment (a lease)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, name: str, now: datetime, until: datetime) -> bool:
        """Hold ``name`` until ``until`` if nobody holds it at ``now``; True when we won."""
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(job_claims).values(name=name, until=until)
        statement = statement.on_conflict_do_update(
            index_elements=[job_claims.c.name], set_={"until": statement.excluded.until},
            where=job_claims.c.until <= now,
        ).returning(job_claims.c.name)
        with self.engine.begin() as connection:
            return connection.execute(statement).first() is not None

    def held_until(self, name: str) -> datetime | None:
        """When the current hold on ``name`` ends (None: never claimed)."""
        with self.engine.connect() as connection:
            value: datetime | None = connection.execute(
                select(job_claims.c.until).where(job_claims.c.name == name)).scalar()
            return value

    def release(self, name: str, now: datetime) -> None:
        """Let the next claim at or after ``now`` win (a job that stopped with more to do)."""
        with self.engine.begin() as connection:
            connection.execute(update(job_claims).where(job_claims.c.name == name)
                               .values(until=now))
