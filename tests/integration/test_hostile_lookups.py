"""Input no database can store (NUL bytes, lone surrogates, huge strings) reaching a lookup
gives the domain's ordinary answer on every engine, never a database error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SteppingClock
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.errors import (
    InvalidContractKey,
    InvalidCredentials,
    NotFound,
    ValidationFailed,
)
from clico_core.services import OpenTicket, Services, SignIn
from clico_core.tickets import TicketQuery

from ..support import World, sealing_box

HOSTILE = ["jan\x00", "\ud800", "x" * 5000, "a\x00@b.pl", "\x1b[31m"]


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    db = SqlDatabase.from_url(database_url, box=sealing_box())
    clock = SteppingClock(datetime(2026, 11, 25, 9, tzinfo=UTC))
    services: Services = bootstrap(uow=db.uow_factory, clock=clock,
                                   hasher=Argon2Hasher.minimum())
    yield World(services, clock, db.mail_queue, today=date(2026, 11, 25))
    db.dispose()


@pytest.mark.parametrize("junk", HOSTILE)
def test_hostile_text_in_every_lookup(world: World, junk: str) -> None:
    world.register(contract=world.issue())
    viewer = world.viewer()
    services = world.services
    with pytest.raises(InvalidCredentials):
        services.sign_in(SignIn(junk, "whatever password"))
    services.request_password_reset(junk)
    with pytest.raises(NotFound):
        services.disable_account(junk)
    with pytest.raises(InvalidContractKey):
        services.activate_contract(viewer, junk, "KEY")
    with pytest.raises(NotFound):
        services.ticket_detail(viewer, junk)
    assert services.list_covered_assets(viewer, category=junk).total == 0
    with pytest.raises(ValidationFailed):
        services.list_tickets(viewer, TicketQuery(text=junk))
    with pytest.raises(ValidationFailed):
        services.list_tickets(viewer, TicketQuery(company_id=junk))
    from clico_core.errors import AssetNotCovered

    with pytest.raises(AssetNotCovered):
        services.open_ticket(viewer, OpenTicket("S", "<p>d</p>", asset_id=junk, answers={}))
    with pytest.raises(AssetNotCovered):
        services.covered_asset(viewer, junk)
