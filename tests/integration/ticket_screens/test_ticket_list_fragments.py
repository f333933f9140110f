"""The list's remembered parts (clico_web/fragments.py) never show one viewer's company,
language or role to another: several viewers take turns on the same portal process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clico_core.testing import builders as b

from ..ticket_fixtures import listed, signed_in_as
from ..web_fixtures import BASE_URL, TestClient, form_post


@pytest.fixture
def beta(ticket_world):
    return ticket_world.issue("C-2", "Beta", assets=(("FortiGate-60F", "FORTINET", "SN-B"),))


@pytest.fixture
def ola(tclient, ticket_world, beta) -> Iterator[TestClient]:
    """A customer of Beta, signed in on the same portal in a browser of her own."""
    ticket_world.register("ola", contract=beta, company="Beta")
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as client:
        yield signed_in_as(client, ticket_world, "ola")


def add_ticket(world, company_id: str, login: str, number: str, subject: str) -> None:
    with world.services.ports.uow() as uow:
        account = uow.accounts.get_by_login(login)
        assert account is not None
        uow.tickets.add(b.ticket(company_id, account.id, number, subject=subject))
        uow.commit()


def test_two_companies_on_one_process_see_their_own_rows_and_filters(
        jan, ola, ticket_world, acme, beta):
    add_ticket(ticket_world, acme.contract.company_id, "jan", "A-0001", "Acme's <script>x</script>")
    add_ticket(ticket_world, beta.contract.company_id, "ola", "B-0001", "Beta only")
    for _ in range(2):  # the second round is answered from the remembered parts
        mine, hers = jan.get("/tickets"), ola.get("/tickets")
        assert listed(mine.text) == ["A-0001"] and listed(hers.text) == ["B-0001"]
        assert "Acme&#39;s &lt;script&gt;x&lt;/script&gt;" in mine.text
        assert "<script>x" not in mine.text
        assert "Beta" not in mine.text and "SN-B" not in mine.text
        assert "Acme" not in hers.text and "SN-1" not in hers.text
        assert "SN-1" in mine.text and "SN-B" in hers.text  # each one's assets to filter by


def test_a_language_never_gets_anothers_text(jan, ola, ticket_world, acme):
    add_ticket(ticket_world, acme.contract.company_id, "jan", "A-0001", "VPN down")
    polish = jan.get("/tickets")
    assert "Pokaż filtry" in polish.text and "Numer zgłoszenia" in polish.text
    response = form_post(ola, "/language", {"language": "en", "next": "/tickets"},
                         token_from="/tickets")
    assert response.status_code == 303
    english = ola.get("/tickets")
    assert "Show filters" in english.text and "Ticket number" in english.text
    assert "Pokaż" not in english.text and "Aktywności" not in english.text
    assert "Pokaż filtry" in jan.get("/tickets").text


def test_the_navigation_follows_the_role(jan, engineer):
    customer, staff = jan.get("/tickets"), engineer.get("/tickets")
    assert 'href="/staff/queue"' in staff.text
    assert 'href="/staff/queue"' not in customer.text
    assert 'href="/staff/queue"' not in jan.get("/tickets").text


def test_the_filter_form_follows_the_view(jan, ticket_world, acme):
    add_ticket(ticket_world, acme.contract.company_id, "jan", "A-0001", "VPN down")
    plain = jan.get("/tickets")
    assert 'aria-checked="false"' in plain.text
    closed = jan.get("/tickets?closed=1&q=vpn")
    assert 'aria-checked="true"' in closed.text and 'value="vpn"' in closed.text
    assert 'value="vpn"' not in jan.get("/tickets").text
