"""Fixtures of the ticket-screen tests: Acme's contract, Jan signed in on it, its asset."""

from __future__ import annotations

import pytest

from ..ticket_fixtures import asset_id_of, signed_in_as


@pytest.fixture
def acme(ticket_world):
    return ticket_world.issue("C-1", "Acme")


@pytest.fixture
def jan(tclient, ticket_world, acme):
    ticket_world.register("jan", contract=acme)
    return signed_in_as(tclient, ticket_world, "jan")


@pytest.fixture
def asset_id(ticket_world, acme) -> str:
    return asset_id_of(ticket_world, "C-1")
