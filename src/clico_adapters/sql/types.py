"""Column types that behave the same on SQLite and PostgreSQL.

Migrations import these, so change them only together with a migration.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

# On SQLite a datetime is fixed-width text, always with microseconds and the offset
# ("2026-12-03T21:00:00.000000+00:00"): the text sorts chronologically, so ORDER BY and
# keyset comparisons on the stored string are correct.


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, fixed-width ISO text on SQLite.

    A page of tickets reads about a hundred of these: the result processor is one plain
    function per value (no decorator chain), and a value already in UTC is returned as read.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; the core works in aware UTC")
        value = value.astimezone(UTC)
        # isoformat with microseconds is the fixed-width text, zero-padded years included
        return value.isoformat(timespec="microseconds") if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return _to_utc(value)

    def result_processor(self, dialect: Dialect, coltype: object
                         ) -> Callable[[Any], datetime | None]:
        inner = self.load_dialect_impl(dialect).result_processor(dialect, coltype)
        if inner is None:
            return _to_utc
        return lambda value: _to_utc(inner(value))


def _to_utc(value: Any) -> datetime | None:
    """What a driver returns (ISO text from SQLite, an aware datetime from psycopg) as an
    aware UTC datetime; naive values are taken as UTC."""
    if value is None:
        return None
    if value.__class__ is str:
        read: datetime = _from_iso(value)
    elif isinstance(value, datetime):
        read = value
    else:
        raise TypeError(f"not a datetime: {value!r}")
    if read.tzinfo is UTC:
        return read
    return read.astimezone(UTC) if read.tzinfo else read.replace(tzinfo=UTC)


_from_iso = datetime.fromisoformat


def SortableText(length: int | None = None) -> TypeEngine[str]:
    """Text ordered by code point on both engines, as Python sorts ``str`` (memory adapter).

    SQLite's default BINARY collation already compares UTF-8 bytes; PostgreSQL needs "C".
    """
    base: TypeEngine[str] = String(length) if length else Text()
    collated: TypeEngine[str] = String(length, collation="C") if length else Text(collation="C")
    return base.with_variant(collated, "postgresql")
