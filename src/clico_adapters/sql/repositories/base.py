"""What every SQL repository shares: the unit of work it runs in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..uow import SqlUnitOfWork


class SqlRepository:
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow
