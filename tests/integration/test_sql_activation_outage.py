"""A contract's activation, its audit event and its mail are written together or not at all
when the database goes away between two of their statements, on both engines.

PostgreSQL: the transaction's own backend is terminated (``pg_terminate_backend`` from
another connection, waiting until it is gone) right after the statement named, so the next
one (or the COMMIT) meets a dead connection, as in an outage. SQLite has no server to lose:
the next statement fails with the I/O error a failing disk gives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.pool import NullPool

from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql.outage import Outage, outage_of
from clico_adapters.sql.tables import activations, audit_log, outbox
from clico_core.audit import AuditKind
from clico_core.mail import MailTemplate
from clico_core.services import RegisterAccount

from ..support import PASSWORD
from .sql_support import sql_world

# the statements of an activation, in order: the connection dies right after each
AFTER = ["INSERT INTO activations", "INSERT INTO outbox", "INSERT INTO audit_log"]


@contextmanager
def connection_dies_after(engine: Engine, url: str, statement_start: str) -> Iterator[list[str]]:
    """The connection that runs ``statement_start`` is lost right after it; the statements
    it then tried (the list yielded) fail."""
    tried: list[str] = []
    lost = {"done": False}
    killer = create_engine(url, poolclass=NullPool) if engine.dialect.name == "postgresql" \
        else None

    def after(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if lost["done"] or not statement.lstrip().upper().startswith(statement_start.upper()):
            return
        lost["done"] = True
        if killer is not None:
            pid = conn.connection.dbapi_connection.info.backend_pid
            with killer.connect() as other:
                gone = other.execute(text("SELECT pg_terminate_backend(:pid, 10000)"),
                                     {"pid": pid}).scalar_one()
            assert gone, "the backend was not terminated"

    def before(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if lost["done"]:
            tried.append(statement)
            if killer is None:
                raise sqlite3.OperationalError("disk I/O error")

    commit = engine.dialect.do_commit

    def do_commit(dbapi_connection: Any) -> None:
        if lost["done"]:
            tried.append("COMMIT")
            if killer is None:
                raise sqlite3.OperationalError("disk I/O error")
        commit(dbapi_connection)

    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "before_cursor_execute", before)
    engine.dialect.do_commit = do_commit  # type: ignore[method-assign]
    try:
        yield tried
    finally:
        event.remove(engine, "after_cursor_execute", after)
        event.remove(engine, "before_cursor_execute", before)
        del engine.dialect.do_commit
        if killer is not None:
            killer.dispose()


def written(engine: Engine) -> tuple[int, int, int]:
    """Activations, ``contract_activated`` audit events and activation mails stored."""
    with engine.connect() as connection:
        def count(table: Any, *where: Any) -> int:
            query = select(func.count()).select_from(table).where(*where)
            return int(connection.execute(query).scalar_one())
        return (count(activations),
                count(audit_log, audit_log.c.kind == AuditKind.CONTRACT_ACTIVATED.value),
                count(outbox, outbox.c.template == MailTemplate.CONTRACT_ACTIVATED.value))


def expected_outage(engine: Engine) -> Outage:
    """What the portal makes of it: the database away (PostgreSQL), or unable to write."""
    return Outage.UNAVAILABLE if engine.dialect.name == "postgresql" else Outage.CANNOT_WRITE


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.mark.parametrize("statement", AFTER)
def test_an_activation_is_written_whole_or_not_at_all(database_url: str, hasher: Argon2Hasher,
                                                      statement: str) -> None:
    with sql_world(database_url, hasher) as (world, db):
        world.register("jan", contract=world.issue("C-1"))
        second = world.issue("C-2")
        viewer = world.viewer()
        before = written(db.engine)
        with connection_dies_after(db.engine, database_url, statement) as tried, \
                pytest.raises(Exception) as refused:
            world.services.activate_contract(viewer, "C-2", second.activation_key, "10.0.0.9")
        assert tried, f"nothing ran after {statement}"
        assert outage_of(refused.value) is expected_outage(db.engine), refused.value  # a 503
        assert written(db.engine) == before  # neither the activation, nor its event or mail
        # the database is back: the same request activates it, with its event and mail
        world.services.activate_contract(viewer, "C-2", second.activation_key, "10.0.0.9")
        assert written(db.engine) == tuple(n + 1 for n in before)


@pytest.mark.parametrize("statement", ["INSERT INTO activations", "INSERT INTO audit_log"])
def test_a_registration_is_written_whole_or_not_at_all(database_url: str, hasher: Argon2Hasher,
                                                       statement: str) -> None:
    """Registering activates the contract too, with the same event."""
    with sql_world(database_url, hasher) as (world, db):
        issued = world.issue("C-1")
        command = RegisterAccount("jan", "jan@example.com", "Jan", "Kowalski", PASSWORD,
                                  PASSWORD, "+48 600 100 200", issued.contract.number,
                                  issued.activation_key, "Acme")
        with connection_dies_after(db.engine, database_url, statement), \
                pytest.raises(Exception) as refused:
            world.services.register_account(command)
        assert outage_of(refused.value) is expected_outage(db.engine), refused.value
        assert written(db.engine) == (0, 0, 0)
        world.services.register_account(command)
        assert written(db.engine) == (1, 1, 0)
