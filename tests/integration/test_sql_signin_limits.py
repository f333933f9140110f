"""The sign-in throttle's counters live in the database: two portals (as two server
processes would) over one database enforce one set of limits, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SeededSecrets
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.errors import InvalidCredentials, TooManyAttempts
from clico_core.services import SignIn

from .sql_support import sql_world

WRONG = "not the password at all"


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher.minimum()


def test_two_processes_share_one_throttle(database_url: str, hasher: Argon2Hasher) -> None:
    with sql_world(database_url, hasher) as (first, _):
        first.register("jan", contract=first.issue())
        other_db = SqlDatabase.from_url(database_url)
        try:
            second = bootstrap(uow=other_db.uow_factory, clock=first.services.ports.clock,
                               secrets=SeededSecrets(9), hasher=hasher)
            for i in range(10):  # strangers, half through each process
                portal = first.services if i % 2 else second
                with pytest.raises(InvalidCredentials):
                    portal.sign_in(SignIn("jan", WRONG, f"10.0.0.{i + 1}"))
            for portal in (first.services, second):  # the slow-down: a minute after the last
                with pytest.raises(TooManyAttempts) as slowed:
                    portal.sign_in(SignIn("jan", WRONG, "192.0.2.7"))
                assert slowed.value.retry_after == timedelta(minutes=1)
            first.clock.advance(timedelta(minutes=1))
            for i in range(10):  # one address, one identifier, through both processes
                portal = first.services if i % 2 else second
                with pytest.raises(InvalidCredentials):
                    portal.sign_in(SignIn("ghost", WRONG, "198.51.100.1"))
            for portal in (first.services, second):
                with pytest.raises(TooManyAttempts) as limited:
                    portal.sign_in(SignIn("ghost", WRONG, "198.51.100.1"))
                assert limited.value.retry_after == timedelta(minutes=5)
        finally:
            other_db.dispose()
