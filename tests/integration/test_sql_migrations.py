"""Alembic owns the schema: upgrade from empty to head, the schema matches, downgrade keeps data."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func, inspect, select, text

from clico_adapters.config import Settings
from clico_adapters.sql import SqlDatabase, default_database_url
from clico_adapters.sql.tables import accounts, metadata, tickets
from clico_adapters.sql.tables_kb import include_object
from clico_core.testing import builders as b


def test_an_empty_database_is_upgraded_to_a_schema_matching_the_tables(
        empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url)
    try:
        assert db.current_revision() is None
        assert db.pending_migrations()
        db.upgrade()
        assert db.current_revision() == SqlDatabase.head_revision()
        assert not db.pending_migrations()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}),
                metadata)
        assert differences == []
        db.upgrade()  # at head already: nothing to do, no error
    finally:
        db.dispose()


def _seed(db: SqlDatabase) -> tuple[str, list[str]]:
    company = b.company()
    account = b.account(company.id)
    numbers = [f"CSS-{i:06d}" for i in range(1, 6)]
    with db.uow_factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(account)
        for number in numbers:
            uow.tickets.add(b.ticket(company.id, account.id, number, answers={"q": "a"}))
        uow.commit()
    return account.id, numbers


def test_downgrade_keeps_the_rows_that_survive_and_upgrade_again_works(
        empty_database_url: str) -> None:
    db = SqlDatabase.from_url(empty_database_url)
    try:
        db.upgrade()
        account_id, numbers = _seed(db)
        db.downgrade("0002")  # drops the TOTP columns only
        columns = {c["name"] for c in inspect(db.engine).get_columns("accounts")}
        assert "totp_secret" not in columns and "login" in columns
        db.downgrade("0001")  # drops the ticket-list indexes only
        assert db.current_revision() == "0001" and db.pending_migrations()
        index_names = {i["name"] for i in inspect(db.engine).get_indexes("tickets")}
        assert "ix_tickets_company_modified" not in index_names
        with db.engine.connect() as connection:  # the old schema: raw SQL, not today's mapping
            assert connection.execute(select(accounts.c.id).where(
                accounts.c.id == account_id)).scalar() == account_id
            assert connection.execute(select(func.count()).select_from(tickets).where(
                tickets.c.number.in_(numbers))).scalar() == 5
        db.upgrade()
        with db.uow_factory(readonly=True) as uow:
            loaded = uow.tickets.get_by_number(numbers[0])
            assert loaded is not None and loaded.answers == {"q": "a"}
        with db.engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(tickets)).scalar() == 5
        db.downgrade("base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        db.dispose()


def test_sqlite_connections_are_set_up_for_concurrency(tmp_path: Path) -> None:
    db = SqlDatabase.from_url(default_database_url(tmp_path / "new" / "data"))
    try:
        with db.engine.connect() as connection:
            pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                      for name in ("journal_mode", "foreign_keys", "busy_timeout")}
        assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000}
    finally:
        db.dispose()


def test_write_units_of_work_begin_immediate_and_readonly_ones_deferred(tmp_path: Path) -> None:
    db = SqlDatabase.from_url(f"sqlite:///{tmp_path / 'clico.db'}")
    db.upgrade()
    seen: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    try:
        with db.uow_factory() as uow:
            uow.companies.get("x")
        with db.uow_factory(readonly=True) as uow:
            uow.companies.get("x")
        assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE", "BEGIN"]
    finally:
        db.dispose()


def test_urls(tmp_path: Path) -> None:
    assert default_database_url(tmp_path) == f"sqlite:///{tmp_path.resolve() / 'clico.db'}"
    settings = Settings.from_env({"CLICO_DATA_DIR": str(tmp_path)})
    assert settings.effective_database_url() == default_database_url(tmp_path)
    settings = Settings.from_env({"CLICO_DATA_DIR": str(tmp_path),
                                  "CLICO_DATABASE_URL": " postgresql+psycopg://u@h/db\n"})
    assert settings.effective_database_url() == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValueError, match="SQLite file"):
        SqlDatabase.from_url("sqlite://")
    with pytest.raises(ValueError, match="psycopg"):
        SqlDatabase.from_url("postgresql+psycopg2://u@h/db")


def test_ticket_numbers_come_from_a_sequence_on_postgres(database_url: str) -> None:
    db = SqlDatabase.from_url(database_url)
    try:
        with db.uow_factory() as uow:
            first = uow.tickets.next_number()
        with db.uow_factory() as uow:
            second = uow.tickets.next_number()
        if db.dialect == "postgresql":
            assert second == first + 1  # a sequence is never rolled back
            with db.engine.connect() as connection:
                assert connection.execute(text(
                    "SELECT count(*) FROM pg_class WHERE relkind = 'S' "
                    "AND relname = 'ticket_number_seq'")).scalar() == 1
        else:
            assert second == first  # the SQLite counter rolled back with its transaction
    finally:
        db.dispose()
