"""The core's adapter conformance suite on SQLite (a file) and PostgreSQL."""

from __future__ import annotations

import pytest

from clico_adapters.sql import SqlDatabase, SqlMailQueue, SqlUnitOfWorkFactory
from clico_adapters.sql.webhook_queue import SqlWebhookQueue
from clico_core.testing.conformance import UnitOfWorkConformance


class TestSqlConformance(UnitOfWorkConformance):
    @pytest.fixture
    def uow_factory(self, sql_database: SqlDatabase) -> SqlUnitOfWorkFactory:
        return sql_database.uow_factory

    @pytest.fixture
    def mail_queue(self, sql_database: SqlDatabase) -> SqlMailQueue:
        return sql_database.mail_queue

    @pytest.fixture
    def webhook_queue(self, sql_database: SqlDatabase) -> SqlWebhookQueue:
        return sql_database.webhook_queue
