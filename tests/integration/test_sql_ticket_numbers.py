"""Ticket numbers never repeat, on both engines: a number taken by a transaction that rolled
back is not handed out again (a gap instead; docs/operations.md, "Failure modes")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

from clico_adapters.passwords import Argon2Hasher
from clico_core.services import OpenTicket

from ..support import PALO_ALTO_ANSWERS
from .sql_support import sql_world


class Refused(Exception):
    """The database failing in the middle of the ticket's transaction."""


@contextmanager
def refusing(engine: Engine, statement_start: str) -> Iterator[None]:
    def fail(conn, cursor, statement: str, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(statement_start.upper()):
            raise Refused(statement_start)

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_a_number_taken_by_a_rolled_back_ticket_is_never_reused(database_url: str) -> None:
    with sql_world(database_url, Argon2Hasher.minimum()) as (world, db):
        world.register("jan", contract=world.issue())
        viewer = world.viewer()
        asset = world.services.list_covered_assets(viewer).rows[0]
        command = OpenTicket("VPN down", "<p>tunnel flaps</p>", asset_id=asset.id,
                             answers=PALO_ALTO_ANSWERS)
        first = world.services.open_ticket(viewer, command)
        with refusing(db.engine, "INSERT INTO ticket_answers"), pytest.raises(Exception) as e:
            world.services.open_ticket(viewer, command)  # took the next number, rolled back
        assert e.errisinstance(Refused)
        third = world.services.open_ticket(viewer, command)
        assert (first.number, third.number) == ("CSS-000001", "CSS-000003")
