"""The adapter conformance suite against the in-memory adapter."""

from __future__ import annotations

import pytest

from clico_adapters.memory import MemoryMailQueue, MemoryUnitOfWorkFactory, MemoryWebhookQueue
from clico_core.testing.conformance import UnitOfWorkConformance


class TestMemoryAdapter(UnitOfWorkConformance):
    @pytest.fixture
    def uow_factory(self) -> MemoryUnitOfWorkFactory:
        return MemoryUnitOfWorkFactory()

    @pytest.fixture
    def mail_queue(self, uow_factory: MemoryUnitOfWorkFactory) -> MemoryMailQueue:
        return MemoryMailQueue(uow_factory.store)

    @pytest.fixture
    def webhook_queue(self, uow_factory: MemoryUnitOfWorkFactory) -> MemoryWebhookQueue:
        return MemoryWebhookQueue(uow_factory.store)
