"""``UtcDateTime`` on both engines: any aware datetime is stored as its instant and read back
as the same instant in UTC; on SQLite the stored text is fixed-width and sorts as the
instants do (the keyset pagers compare it as text)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from clico_adapters.sql.types import UtcDateTime

_table = Table("utc_datetime_probe", MetaData(), Column("id", Integer, primary_key=True),
               Column("at", UtcDateTime, nullable=True))
_offsets = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)),
                     st.integers(-14 * 60, 14 * 60))
_instants = st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30),
                         timezones=st.just(UTC) | _offsets)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_instants | st.none(), min_size=1, max_size=8))
def test_an_instant_reads_back_as_itself_in_utc(database_url: str,
                                                values: list[datetime | None]) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # the driver then hands out +01:00 values
                connection.execute(text("SET TIME ZONE 'Europe/Warsaw'"))
            _table.create(connection, checkfirst=True)
            connection.execute(_table.delete())
            connection.execute(insert(_table), [{"id": i, "at": v} for i, v in enumerate(values)])
            read = connection.execute(select(_table.c.at).order_by(_table.c.id)).scalars().all()
            by_text = connection.execute(select(_table.c.id).where(_table.c.at.is_not(None))
                                         .order_by(_table.c.at, _table.c.id)).scalars().all()
            _table.drop(connection)
    finally:
        engine.dispose()
    assert read == values
    assert all(v is None or v.tzinfo is UTC for v in read)
    stored = [(v, i) for i, v in enumerate(values) if v is not None]
    assert by_text == [i for _, i in sorted(stored, key=lambda pair: (pair[0], pair[1]))]


def test_a_naive_datetime_is_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            _table.create(connection, checkfirst=True)
            with pytest.raises(Exception, match="naive datetimes are not stored"):
                connection.execute(insert(_table), {"id": 1, "at": datetime(2026, 12, 3)})
    finally:
        engine.dispose()


def test_sqlite_stores_fixed_width_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path / 'probe.db'}")
    with engine.begin() as connection:
        _table.create(connection)
        connection.execute(insert(_table), [
            {"id": 1, "at": datetime(2026, 12, 3, 21, 0, tzinfo=UTC)},
            {"id": 2, "at": datetime(2026, 12, 3, 22, 30, 1, 5,
                                     tzinfo=timezone(timedelta(hours=1)))}])
        raw = connection.execute(text("SELECT at FROM utc_datetime_probe ORDER BY id")
                                 ).scalars().all()
    engine.dispose()
    assert raw == ["2026-12-03T21:00:00.000000+00:00", "2026-12-03T21:30:01.000005+00:00"]
