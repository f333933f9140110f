"""Bookkeeping writes of a read (a session's last activity) are skipped while the store
cannot take writes, so the page still renders; any other failure still fails it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWork,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class DiskFull(Exception):
    """What the adapter's ``cannot_write`` recognises."""


class RefusingWrites(MemoryUnitOfWorkFactory):
    """Write units of work fail at commit with ``failure`` while it is set."""

    failure: Exception | None = None

    def __call__(self, *, readonly: bool = False) -> MemoryUnitOfWork:
        uow = super().__call__(readonly=readonly)
        if readonly or self.failure is None:
            return uow
        failure = self.failure

        def refuse(*_args: Any) -> None:
            raise failure

        uow.commit = refuse  # type: ignore[method-assign]
        return uow


@pytest.fixture
def setup(hasher: Argon2Hasher) -> tuple[World, RefusingWrites]:
    store = MemoryStore()
    factory = RefusingWrites(store, SeededSecrets(7).new_id)
    clock = SteppingClock(START)
    services = bootstrap(uow=factory, clock=clock, secrets=SeededSecrets(42), hasher=hasher,
                         cannot_write=lambda error: isinstance(error, DiskFull))
    return World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25)), factory


def test_a_due_session_touch_is_skipped_while_writes_are_refused(
        setup: tuple[World, RefusingWrites]) -> None:
    world, factory = setup
    world.register("jan", contract=world.issue())
    token = world.sign_in()
    world.clock.advance(timedelta(minutes=2))  # the session's activity is due
    factory.failure = DiskFull()
    viewer = world.services.authenticate(token)
    assert viewer is not None and viewer.account.login == "jan"
    factory.failure = None  # writable again: recorded on the next page
    assert world.services.authenticate(token) is not None


def test_any_other_failure_of_the_touch_still_fails(setup: tuple[World, RefusingWrites]) -> None:
    world, factory = setup
    world.register("jan", contract=world.issue())
    token = world.sign_in()
    world.clock.advance(timedelta(minutes=2))
    factory.failure = RuntimeError("a bug")
    with pytest.raises(RuntimeError, match="a bug"):
        world.services.authenticate(token)
