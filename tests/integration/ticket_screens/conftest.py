"""Fixtures of the ticket-screen tests: Acme's contract, Jan signed in on it, its asset."""

from __future__ import annotations

import pytest

from clico_core.services import CreateStaff

from ...support import PASSWORD
from ..ticket_fixtures import asset_id_of, post_ticket, signed_in_as
from ..web_fixtures import BASE_URL, TestClient, sign_in_web


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


@pytest.fixture
def number(jan) -> str:
    location = post_ticket(jan).headers["location"]
    return location.rsplit("/", 1)[1]


@pytest.fixture
def engineer(tclient, ticket_world):
    """Ewa of CLICO, signed in through the pages in a browser of her own."""
    _, path = ticket_world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier"))
    ticket_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as client:
        sign_in_web(client, ticket_world, "eng@clico.pl")
        yield client
