"""The new-ticket form over TestClient, on memory, SQLite and PostgreSQL: administrative and
technical tickets (through the asset picker), double submits, the CSRF token and sign-in."""

from __future__ import annotations

import re
from pathlib import Path

from clico_core.mail import MailTemplate
from clico_core.policies import TechnicalTicketRequiresCoveredAsset
from clico_web.routes import ticket_new

from ..ticket_fixtures import NOTICE, QUESTIONS, form_values, listed, post_ticket, ticket_data
from ..web_fixtures import form_post


def test_both_top_right_buttons_lead_to_the_form(jan):
    page = jan.get("/tickets")
    assert page.text.count('href="/tickets/new"') >= 2
    form = jan.get("/tickets/new")
    assert form.status_code == 200
    for text in ("Nowe zgłoszenie", NOTICE, "Podstawowe informacje", "Temat", "Zasoby",
                 "Dodaj zasób", "Typ relacji zgłoszenia", "Opis", "Priorytet", "Utwórz",
                 '<textarea id="f-description" name="description"'):
        assert text in form.text, text
    assert "Dodatkowe informacje" not in form.text


def test_an_administrative_ticket_is_created_and_shown(jan, ticket_world):
    response = post_ticket(jan, subject="Cannot register a contract", relation_type="portal",
                           priority="low")
    assert response.status_code == 303
    assert response.headers["location"] == "/tickets/CSS-000001"
    page = jan.get(response.headers["location"])
    for text in ("CSS-000001", "Cannot register a contract", "Administracyjne", "Acme",
                 "Problem z portalem", "Niski", "Nowe", "Jan Kowalski",
                 "<p>The tunnel drops<br>every hour.</p>"):
        assert text in page.text, text
    mail = ticket_world.last_mail(MailTemplate.TICKET_CREATED)
    assert mail.mail.context["number"] == "CSS-000001"
    assert "CSS-000001" in listed(jan.get("/tickets").text)


def test_the_picker_lists_covered_assets_and_chooses_one(jan, ticket_world, acme):
    ticket_world.issue("C-OTHER", "Other Co", assets=[("FG-100F", "FORTINET", "FGT-9")])
    picker = jan.get("/tickets/new/assets")
    assert picker.status_code == 200
    for text in ("Nazwa", "Producent", "SN/MAC", "PAN-PA-450", "PALO_ALTO", "SN-1",
                 "Ilość elementów: 1", "Rozmiar strony"):
        assert text in picker.text, text
    assert "FG-100F" not in picker.text
    link = re.search(r'href="(/tickets/new\?asset=[^"]+)"', picker.text)
    assert link
    form = jan.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    assert NOTICE not in form.text
    for text in ["Dodatkowe informacje", "PAN-PA-450", "C-1", "Usuń zasób", *QUESTIONS]:
        assert text in form.text, text
    assert 'type="date"' in form.text
    assert 'type="radio" name="q_production" value="yes"' in form.text
    assert '<option value="daily">Kilka razy dziennie</option>' in form.text


def test_the_picker_filters_by_category_and_pages(jan, ticket_world):
    many = [(f"PA-{i:02d}", "PALO_ALTO", f"SN-{i:02d}") for i in range(12)]
    second = ticket_world.issue("C-2", "Acme", assets=[*many, ("FG-1", "FORTINET", "F-1")])
    assert jan.get("/tickets/new/assets").text.count("/tickets/new?asset=") == 1
    activated = form_post(jan, "/contracts/register",
                          {"contract_number": "C-2", "contract_key": second.activation_key})
    assert activated.status_code == 303
    first = jan.get("/tickets/new/assets?size=10")
    assert "Ilość elementów: 14" in first.text
    assert first.text.count("/tickets/new?asset=") == 10
    assert 'rel="next"' in first.text
    assert jan.get("/tickets/new/assets?size=10&page=2").text.count("/tickets/new?asset=") == 4
    assert 'href="/tickets/new/assets?category=PALO_ALTO&amp;size=10"' in first.text
    palo_alto = jan.get("/tickets/new/assets?category=PALO_ALTO&size=25")
    assert palo_alto.text.count("/tickets/new?asset=") == 13
    assert "FG-1" in jan.get("/tickets/new/assets?category=default").text
    empty = jan.get("/tickets/new/assets?category=NO_SUCH")
    assert "Brak danych do wyświetlenia." in empty.text
    assert jan.get("/tickets/new/assets?page=999&size=7").status_code == 200


def test_a_technical_ticket_keeps_every_answer(jan, asset_id):
    response = post_ticket(jan, asset_id, subject="HA failover", description="<p>x</p>",
                           format="html")
    assert response.status_code == 303
    page = jan.get(response.headers["location"])
    for text in ["Techniczne", "PAN-PA-450", "PALO_ALTO", "SN-1", "C-1", "24 lis 2026",
                 "Kilka razy dziennie", *QUESTIONS]:
        assert text in page.text, text
    answers = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page.text))
    assert answers["Czy to środowisko produkcyjne?"] == "Tak"
    assert answers["Czy to nowe wdrożenie/konfiguracja?"] == "Nie"


def test_removing_the_asset_makes_it_administrative_and_keeps_the_typing(jan, asset_id):
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"),
            **ticket_data(asset_id, subject="Keep me"), "remove_asset": "1"}
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 200
    assert NOTICE in page.text
    assert 'value="Keep me"' in page.text
    assert "Dodatkowe informacje" not in page.text


def test_a_double_click_creates_one_ticket(jan, ticket_world, asset_id):
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"), **ticket_data(asset_id)}
    first = jan.post("/tickets/new", data=data)
    second = jan.post("/tickets/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert listed(jan.get("/tickets").text) == ["CSS-000001"]
    created = [m for m in ticket_world.mails.all()
               if m.mail.template is MailTemplate.TICKET_CREATED]
    assert len(created) == 1


def test_creating_a_technical_ticket_decides_coverage_once(jan, asset_id, monkeypatch):
    """The core decides inside its write; the web no longer asks first (it did, then the
    core asked again: the rule ran four times for one ticket)."""
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"), **ticket_data(asset_id)}
    decisions: list[object] = []
    covering = TechnicalTicketRequiresCoveredAsset.covering

    def counted(rule):
        decisions.append(rule.asset)
        return covering(rule)

    monkeypatch.setattr(TechnicalTicketRequiresCoveredAsset, "covering", counted)
    assert jan.post("/tickets/new", data=data).status_code == 303
    assert len(decisions) == 1


def test_no_web_handler_reaches_into_the_ports():
    """What a page needs from the clock, the questionnaires or the sanitizer comes from a
    named use case (``ticket_detail``, ``list_tickets_for_session``, ``safe_description``)."""
    routes = Path(ticket_new.__file__).parent
    for source in routes.glob("*.py"):
        assert ".ports" not in source.read_text(), source.name


def test_each_rendered_form_has_its_own_key(jan):
    one = form_values(jan, "/tickets/new")["idempotency_key"]
    two = form_values(jan, "/tickets/new")["idempotency_key"]
    assert one != two
    assert post_ticket(jan).headers["location"] != post_ticket(jan).headers["location"]


def test_without_csrf_token_nothing_is_created(jan):
    data = ticket_data()
    assert jan.post("/tickets/new", data=data).status_code == 403


def test_signed_out_visitors_go_to_sign_in(tclient):
    for path in ("/tickets", "/tickets/new", "/tickets/new/assets", "/tickets/CSS-000001"):
        response = tclient.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin"
