"""Column types that behave the same on SQLite and PostgreSQL.

Migrations import these, so change them only together with a migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator, TypeEngine

# Fixed width, always with microseconds and offset: on SQLite the text sorts chronologically,
# so ORDER BY and keyset comparisons on the stored string are correct.
_SQLITE_FORMAT = "%Y-%m-%dT%H:%M:%S.%f+00:00"


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime: ``timestamptz`` on PostgreSQL, fixed-width ISO text on SQLite."""

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
        return value.strftime(_SQLITE_FORMAT) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def SortableText(length: int | None = None) -> TypeEngine[str]:
    """Text ordered by code point on both engines, as Python sorts ``str`` (memory adapter).

    SQLite's default BINARY collation already compares UTF-8 bytes; PostgreSQL needs "C".
    """
    base: TypeEngine[str] = String(length) if length else Text()
    collated: TypeEngine[str] = String(length, collation="C") if length else Text(collation="C")
    return base.with_variant(collated, "postgresql")
