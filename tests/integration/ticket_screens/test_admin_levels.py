"""``Poziomy wsparcia``: administrators edit the SLA levels; engineers get 403, customers 404;
a contract on a new level gives its tickets that level's targets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.services import CreateStaff, IssueContract
from clico_core.services.contracts import AssetSpec
from clico_core.values import Role

from ...support import PASSWORD
from ..ticket_fixtures import asset_id_of, post_ticket
from ..web_fixtures import BASE_URL, TODAY, TestClient, csrf_of, sign_in_web


@pytest.fixture
def admin(tclient, ticket_world):
    _, path = ticket_world.services.create_staff_account(
        CreateStaff("boss@clico.pl", "Anna", "Admin", role=Role.ADMIN))
    ticket_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    with TestClient(tclient.app, base_url=BASE_URL, follow_redirects=False) as client:
        sign_in_web(client, ticket_world, "boss@clico.pl")
        yield client


GOLD = {"name": "gold", "timezone": "Europe/Warsaw", "holiday_country": "PL",
        **{f"week_{d}": "07:00-12:00, 13:00-19:00" for d in range(5)},
        "week_5": "", "week_6": "", "days_off": "2026-12-31",
        **{f"first_{p}": "0.5" for p in ("low", "normal", "high", "critical")},
        **{f"resolution_{p}": "6" for p in ("low", "normal", "high", "critical")}}


def _post(client, path: str, values: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_of(client, "/tickets"), **values})


def test_an_admin_adds_a_level_and_a_contract_uses_it(admin, ticket_world, jan):
    listing = admin.get("/admin/levels")
    assert listing.status_code == 200 and "Poziomy wsparcia" in listing.text
    assert ">standard</a>" in listing.text and ">premium</a>" in listing.text
    saved = _post(admin, "/admin/levels/new", GOLD)
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/levels?saved=gold"
    assert "Zapisano poziom wsparcia gold." in admin.get(saved.headers["location"]).text
    form = admin.get("/admin/levels/gold").text
    assert 'value="07:00-12:00, 13:00-19:00"' in form and "2026-12-31" in form

    issued = ticket_world.services.issue_contract(IssueContract(
        "C-8", "Acme", TODAY + timedelta(days=365), support_level="gold",
        assets=(AssetSpec("PA-5220", "PALO_ALTO", "SN-8"),)))
    ticket_world.services.activate_contract(ticket_world.viewer("jan"), "C-8",
                                            issued.activation_key)
    number = post_ticket(jan, asset_id_of(ticket_world, "C-8")).headers["location"].rsplit(
        "/", 1)[1]
    ticket = ticket_world.services.ticket_detail(ticket_world.viewer("jan"), number).ticket
    assert ticket.sla is not None and ticket.sla.level == "gold"
    assert ticket.first_response_due == ticket.created_at + timedelta(minutes=30)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "Gold Plus!", "Użyj od 1 do 32 małych liter"),
    ("week_0", "8-16", "Wpisz zmiany jako 08:00-16:00"),
    ("week_1", "08:00-12:00, 11:00-15:00", "Wpisz zmiany jako 08:00-16:00"),
    ("days_off", "31.12.2026", "Wpisz jedną datę w wierszu"),
    ("first_critical", "7", "reakcja nie może być później niż rozwiązanie"),
    ("resolution_low", "zero", "Podaj liczbę godzin większą od 0"),
    ("holiday_country", "XX", "Ta wartość jest nieprawidłowa"),
    ("timezone", "Europe/Gdansk", "Ta wartość jest nieprawidłowa"),
])
def test_bad_input_is_named_and_kept(admin, field, value, message):
    response = _post(admin, "/admin/levels/new", {**GOLD, field: value})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert admin.get("/admin/levels/gold").status_code == 404  # nothing stored


def test_engineers_get_403_and_customers_404(engineer, jan):
    for path in ("/admin/levels", "/admin/levels/standard", "/admin/levels/new"):
        assert engineer.get(path).status_code == 403, path
        assert jan.get(path).status_code == 404, path
    assert _post(engineer, "/admin/levels/new", GOLD).status_code == 403
    assert "/admin/levels" not in engineer.get("/tickets").text
