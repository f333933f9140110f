"""Unit-test fixtures: the core over in-memory adapters, deterministic clock and secrets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.services import Services

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


@pytest.fixture
def world(hasher: Argon2Hasher) -> World:
    store = MemoryStore()
    clock = SteppingClock(START)
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher)
    return World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))


@pytest.fixture
def services(world: World) -> Services:
    return world.services
