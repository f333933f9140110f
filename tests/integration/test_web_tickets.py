"""The ticket screens over TestClient, on memory, SQLite and PostgreSQL: the list (filters,
sort, page size, show-closed, keyset pages), the new-ticket form (administrative, technical
through the picker), every error path, double submits, the ticket page and who may see it."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clico_core.mail import MailTemplate
from clico_core.tickets import MAX_DESCRIPTION, OPEN_STATUSES, Cursor, SortColumn, TicketStatus
from clico_web.routes.ticket_query import BadCursor, decode_cursor, encode_cursor

from .ticket_fixtures import *  # noqa: F403 - fixtures
from .ticket_fixtures import (
    SEED_START,
    asset_id_of,
    form_values,
    listed,
    post_ticket,
    seed_tickets,
    seeded_ticket,
    signed_in_as,
    ticket_data,
)
from .web_fixtures import *  # noqa: F403 - fixtures
from .web_fixtures import TODAY, form_post, sign_in_web

NOTICE = ("UWAGA: Tworzysz zgłoszenie administracyjne. Nie podlega ono polityce wsparcia "
          "serwisowego żadnego z producentów. Jeśli chcesz stworzyć zgłoszenie techniczne dodaj "
          "do zgłoszenia odpowiedni zasób, którego dotyczy problem.")
QUESTIONS = ["Data wystąpienia", "Czy to nowe wdrożenie/konfiguracja?",
             "Czy ta funkcja kiedyś działała?",
             "Czy przed wystąpieniem problemu były wykonywane jakieś zmiany?",
             "Czy to środowisko produkcyjne?", "Jak często problem występuje?"]


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


def error_of(html: str, name: str) -> str:
    match = re.search(rf'<p class="field-error" id="e-{name}">([^<]*)</p>', html)
    assert match, f"no error shown for {name}"
    return match.group(1)


# --- the new-ticket form -------------------------------------------------------------------

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


def test_the_ticket_page_speaks_english_too(jan, asset_id):
    location = post_ticket(jan, asset_id).headers["location"]
    jan.cookies.set("clico_lang", "en")
    page = jan.get(location)
    for text in ("Ticket CSS-000001", "Technical", "Is this a production environment?",
                 "Several times a day", "<dd>Yes</dd>", "<dd>No</dd>", "Reporter"):
        assert text in page.text, text


def test_removing_the_asset_makes_it_administrative_and_keeps_the_typing(jan, asset_id):
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"),
            **ticket_data(asset_id, subject="Keep me"), "remove_asset": "1"}
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 200
    assert NOTICE in page.text
    assert 'value="Keep me"' in page.text
    assert "Dodatkowe informacje" not in page.text


@pytest.mark.parametrize(("drop", "change", "field", "message"), [
    (("q_occurred_on",), {}, "q_occurred_on", "To pole jest wymagane."),
    ((), {"q_occurred_on": "yesterday"}, "q_occurred_on", "Podaj poprawną datę."),
    ((), {"q_production": "maybe"}, "q_production", "Wybierz tak lub nie."),
    ((), {"q_frequency": "hourly"}, "q_frequency", "Wybierz jedną z opcji."),
    ((), {"q_frequency": ""}, "q_frequency", "To pole jest wymagane."),
])
def test_missing_or_mistyped_answers_are_shown_beside_their_question(jan, asset_id, drop,
                                                                     change, field, message):
    data = {**form_values(jan, f"/tickets/new?asset={asset_id}"),
            **ticket_data(asset_id, subject="Typed subject", **change)}
    for name in drop:
        data.pop(name)
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert "Odpowiedz na wszystkie pytania." in page.text
    assert error_of(page.text, field) == message
    assert 'value="Typed subject"' in page.text
    assert "PAN-PA-450" in page.text  # still technical
    assert 'value="2026-11-24"' in page.text or field == "q_occurred_on"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"subject": ""}, "subject", "To pole jest wymagane."),
    ({"subject": "x" * 201}, "subject", "Wpisz jedną linię, najwyżej 200 znaków."),
    ({"description": "  "}, "description", "To pole jest wymagane."),
    ({"priority": "urgent"}, "priority", "Wybierz jedną z opcji."),
    ({"relation_type": "gossip"}, "relation_type", "Wybierz jedną z opcji."),
])
def test_basic_fields_errors_are_shown_beside_them(jan, change, field, message):
    page = post_ticket(jan, **change)
    assert page.status_code == 400
    assert "Popraw zaznaczone poniżej pola." in page.text
    assert error_of(page.text, field) == message


def test_a_too_large_description_is_refused_and_kept_out_of_the_database(jan):
    page = post_ticket(jan, description="a" * (MAX_DESCRIPTION + 10))
    assert page.status_code == 400
    assert error_of(page.text, "description") == "Ta wartość jest za długa."
    assert listed(jan.get("/tickets").text) == []


def test_a_huge_form_is_refused_cleanly(jan):
    assert post_ticket(jan, description="a" * 400_000).status_code == 413


@pytest.mark.parametrize("extra", [{"company_id": "x"}, {"status": "closed"}, {"q_": "x"}])
def test_unknown_fields_are_a_bad_request(jan, extra):
    assert post_ticket(jan, **extra).status_code == 400


def test_an_asset_of_another_company_posted_by_hand_is_refused(jan, ticket_world):
    ticket_world.issue("C-OTHER", "Other Co", assets=[("FG-100F", "FORTINET", "FGT-9")])
    foreign = asset_id_of(ticket_world, "C-OTHER")
    assert jan.get(f"/tickets/new?asset={foreign}").status_code == 400
    data = {**form_values(jan, "/tickets/new"), **ticket_data(foreign, subject="Sneaky")}
    page = jan.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert error_of(page.text, "asset") == "Ten zasób nie jest objęty aktywnym wsparciem."
    assert 'value="Sneaky"' in page.text
    assert listed(jan.get("/tickets").text) == []
    unknown = post_ticket(jan, "no-such-asset")
    assert unknown.status_code == 400


def test_an_asset_whose_contract_expired_meanwhile_is_refused(tclient, ticket_world):
    short = ticket_world.issue("C-SHORT", "Acme", days=0)  # valid until the end of today
    ticket_world.register("jan", contract=short)
    sign_in_web(tclient, ticket_world)
    asset = asset_id_of(ticket_world, "C-SHORT")
    assert tclient.get(f"/tickets/new?asset={asset}").status_code == 200
    ticket_world.clock.advance(timedelta(hours=16))  # past midnight in Warsaw
    sign_in_web(tclient, ticket_world)  # the old session has timed out meanwhile
    data = {**form_values(tclient, "/tickets/new"), **ticket_data(asset, subject="Late")}
    page = tclient.post("/tickets/new", data=data)
    assert page.status_code == 400
    assert error_of(page.text, "asset") == "Ten zasób nie jest objęty aktywnym wsparciem."
    assert 'value="Late"' in page.text


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


# --- rich text and what reaches the page ----------------------------------------------------

ATTACKS = ('<script>alert(1)</script><img src="x" onerror="alert(2)">'
           '<a href="javascript:alert(3)">click</a><p onclick="alert(4)" style="color:red">p</p>'
           '<iframe src="https://example.com"></iframe><svg onload="alert(5)"></svg>'
           '<a href="https://example.com/ok">fine</a>')


@pytest.mark.parametrize("form_format", ["html", "text"])
def test_scripts_handlers_and_javascript_links_never_reach_the_page(jan, form_format):
    location = post_ticket(jan, subject="<script>alert(6)</script>", description=ATTACKS,
                           format=form_format).headers["location"]
    page = jan.get(location).text
    main = page[page.index('<main'):]
    for tag in ("<script", "<iframe", "<svg"):
        assert tag not in main, tag
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", main)  # no event handler attribute
    assert not re.search(r"<[a-z][^>]*\sstyle\s*=", main)
    assert not re.search(r"<[a-z][^>]*\s(href|src)\s*=\s*[\"']?\s*javascript:", main,
                         re.IGNORECASE)
    assert "&lt;script&gt;alert(6)&lt;/script&gt;" in main
    if form_format == "html":
        assert '<a href="https://example.com/ok" rel="noopener noreferrer nofollow">fine</a>' \
            in main


def test_the_editors_formatting_survives(jan):
    html = ('<p class="ql-align-center"><strong>b</strong> <em>i</em> <u>u</u> <s>s</s></p>'
            '<ol><li>one</li></ol><ul><li>two</li></ul><pre>log line\n  indented</pre>')
    page = jan.get(post_ticket(jan, description=html, format="html").headers["location"])
    assert html in page.text


def test_plain_text_keeps_its_lines_and_escapes_markup(jan):
    text = "First line\r\nsecond <b>line</b>\r\n\r\n\r\nNew paragraph"
    page = jan.get(post_ticket(jan, description=text).headers["location"])
    assert ("<p>First line<br>second &lt;b&gt;line&lt;/b&gt;</p><p>New paragraph</p>"
            in page.text)


# --- who sees what --------------------------------------------------------------------------

def test_a_colleague_sees_the_ticket_another_company_gets_404(jan, ticket_world, acme,
                                                                web_settings):
    location = post_ticket(jan, subject="Shared").headers["location"]
    from starlette.testclient import TestClient

    from clico_web import create_app

    ticket_world.register("anna", contract=acme, email="anna@example.com")
    other = ticket_world.issue("C-9", "Other Co")
    ticket_world.register("olaf", contract=other, email="olaf@example.com", company="Other Co")
    app = create_app(web_settings, services=ticket_world.services)
    for login, status in (("anna", 200), ("olaf", 404)):
        with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
            sign_in_web(client, ticket_world, login)
            assert client.get(location).status_code == status
            listing = listed(client.get("/tickets").text)
            assert (location.rsplit("/", 1)[1] in listing) is (status == 200)
    assert jan.get("/tickets/CSS-999999").status_code == 404
    assert jan.get("/tickets/" + "x" * 500).status_code == 404


# --- the list ---------------------------------------------------------------------------------

@pytest.fixture
def many(jan, ticket_world, acme):
    """300 tickets of Acme: every status and priority, modified an hour apart."""
    return seed_tickets(ticket_world, acme.contract.company_id, "jan", 300)


def numbers(tickets, key=None, reverse=False):
    chosen = sorted(tickets, key=key or (lambda t: (t.modified_at, t.id)), reverse=reverse)
    return [t.number for t in chosen]


def test_the_empty_list_says_so(jan):
    page = jan.get("/tickets")
    assert page.status_code == 200
    for text in ("Numer zgłoszenia", "Temat", "Data modyfikacji", "Firma", "Wiek", "Status",
                 "Pokaż zamknięte", "Pokaż filtry", "Brak danych do wyświetlenia.",
                 "Ilość elementów: 0", "Rozmiar strony"):
        assert text in page.text, text


def test_the_default_list_shows_open_tickets_newest_first(jan, many):
    open_ones = [t for t in many if t.status in OPEN_STATUSES]
    page = jan.get("/tickets")
    assert f"Ilość elementów: {len(open_ones)}" in page.text
    assert listed(page.text) == numbers(open_ones, reverse=True)[:25]
    assert "Acme" in page.text
    assert "dni" in page.text  # the age, humanised in Polish


def test_show_closed_adds_the_closed_ones(jan, many):
    page = jan.get("/tickets?closed=1&size=100")
    assert "Ilość elementów: 300" in page.text
    assert listed(page.text) == numbers(many, reverse=True)[:100]
    assert 'aria-checked="true"' in page.text


def test_filters_combine_on_the_server(jan, many):
    url = "/tickets?status=closed&status=new&priority=high&q=vpn&size=100"
    expected = [t for t in many if t.status in (TicketStatus.CLOSED, TicketStatus.NEW)
                and t.priority.value == "high" and "VPN" in t.subject]
    page = jan.get(url)
    assert sorted(listed(page.text)) == sorted(t.number for t in expected)
    assert f"Ilość elementów: {len(expected)}" in page.text
    assert "<details class=\"filters\" open>" in page.text


def test_the_date_range_filter(jan, many):
    day = SEED_START.date() + timedelta(days=3)
    page = jan.get(f"/tickets?from={day}&to={day}&closed=1&size=100")
    expected = [t for t in many if t.modified_at.date() == day]
    assert sorted(listed(page.text)) == sorted(t.number for t in expected)
    backwards = jan.get(f"/tickets?from={day}&to={day - timedelta(days=1)}")
    assert backwards.status_code == 400
    assert "Data końcowa jest wcześniejsza niż początkowa." in backwards.text


@pytest.mark.parametrize(("sort", "direction", "key", "reverse"), [
    ("number", "asc", lambda t: (t.number, t.id), False),
    ("number", "desc", lambda t: (t.number, t.id), True),
    ("subject", "asc", lambda t: (t.subject, t.id), False),
    ("created", "asc", lambda t: (t.created_at, t.id), False),
])
def test_sorting_by_column(jan, many, sort, direction, key, reverse):
    page = jan.get(f"/tickets?closed=1&sort={sort}&dir={direction}&size=10")
    assert listed(page.text) == numbers(many, key=key, reverse=reverse)[:10]


def test_header_links_sort_and_flip(jan, many):
    page = jan.get("/tickets")
    link = re.search(r'<a href="(/tickets\?sort=number&amp;dir=asc)">Numer zgłoszenia', page.text)
    assert link
    sorted_page = jan.get(link.group(1).replace("&amp;", "&"))
    assert 'aria-sort="ascending"' in sorted_page.text
    assert "sort=number&amp;dir=desc" in sorted_page.text


@pytest.mark.parametrize("size", [10, 25, 50, 100])
def test_page_sizes(jan, many, size):
    assert len(listed(jan.get(f"/tickets?closed=1&size={size}").text)) == size


def test_paging_forwards_and_back_visits_every_row_once(jan, many):
    expected = numbers(many, key=lambda t: (t.subject, t.id))
    url = "/tickets?closed=1&sort=subject&dir=asc&size=50"
    seen: list[str] = []
    pages: list[str] = []
    while url:
        page = jan.get(url)
        assert page.status_code == 200
        pages.append(url)
        seen += listed(page.text)
        found = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == expected
    assert len(pages) == 6
    last = jan.get(pages[-1]).text
    back = re.search(r'<a href="([^"]+)" rel="prev">', last)
    assert back
    assert listed(jan.get(back.group(1).replace("&amp;", "&")).text) == expected[200:250]


def _cursor(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "abc", "!!!", "x" * 2000, _cursor([1, 2]), _cursor({"s": "modified"}),
    _cursor({"s": "subject", "v": "a", "i": "b", "b": False}),  # another sort's cursor
    _cursor({"s": "modified", "v": "yesterday", "i": "b", "b": False}),
    _cursor({"s": "modified", "v": "2026-11-01T10:00:00", "i": "b", "b": False}),  # naive
    _cursor({"s": "modified", "v": "2026-11-01T10:00:00+00:00", "i": "a\x00b", "b": False}),
    _cursor({"s": "modified", "v": "2026-11-01T10:00:00+00:00", "i": 5, "b": False}),
    _cursor({"s": "modified", "v": "2026-11-01T10:00:00+00:00", "i": "\ud800", "b": False}),
    _cursor({"s": "modified", "v": "2026-11-01T10:00:00+00:00", "i": "b", "b": "no"}),
])
def test_a_bad_cursor_is_a_clear_400(jan, cursor):
    page = jan.get("/tickets", params={"cursor": cursor})
    assert page.status_code == 400
    assert "Ten link do strony jest nieprawidłowy lub nieaktualny." in page.text


@pytest.mark.parametrize("query", [
    "size=7", "size=-1", "size=99999999999999", "sort=password", "dir=sideways",
    "status=deleted", "priority=urgent", "from=2026-13-45", "to=tomorrow", "company=" + "x" * 99,
    "asset=%00", "q=" + "x" * 5000, "q=%00%01", "closed=yes", "status=new&status=new",
    "company=someone-elses-company", "size=%C2%B2",  # a digit to str.isdigit, not to int()
])
def test_bad_filters_are_ignored_never_a_500(jan, many, query):
    page = jan.get("/tickets?" + query)
    assert page.status_code == 200, query
    assert "Ilość elementów:" in page.text


def test_a_list_view_is_bookmarkable(jan, many, ticket_world, acme):
    url = "/tickets?priority=critical&closed=1&sort=number&dir=asc&size=10"
    mine = listed(jan.get(url).text)
    ticket_world.register("anna", contract=acme, email="anna@example.com")
    from starlette.testclient import TestClient

    with TestClient(jan.app, base_url="http://testserver", follow_redirects=False) as other:
        sign_in_web(other, ticket_world, "anna")
        assert listed(other.get(url).text) == mine
    assert mine == [t.number for t in sorted(
        (t for t in many if t.priority.value == "critical"), key=lambda t: t.number)][:10]


def test_the_count_says_more_than_a_thousand(jan, ticket_world, acme):
    seed_tickets(ticket_world, acme.contract.company_id, "jan", 1005)
    assert "Ilość elementów: 1000+" in jan.get("/tickets?closed=1").text


def test_seeded_tickets_are_what_the_list_expects(acme):
    one = seeded_ticket(acme.contract.company_id, "r", 10)
    assert one.subject == "Subject 010 VPN"
    assert one.modified_at.date() < TODAY


# --- translations -----------------------------------------------------------------------------

def _ticket_msgids() -> set[str]:
    from babel.messages.extract import extract_from_file

    from clico_web.routes import ticket_labels

    web = Path(ticket_labels.__file__).parent.parent
    found = set(ticket_labels.ALL_MSGIDS)
    for template in [web / "templates/portal/tickets.html", *(web / "templates/tickets").glob(
            "*.html")]:
        for _, message, _, _ in extract_from_file("jinja2", template):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    for source in (web / "routes").glob("ticket*.py"):
        found.update(re.findall(r'gettext\(\s*request,\s*"([^"]+)"', source.read_text()))
    return found


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_tickets_catalog_is_complete(language):
    from babel.messages.pofile import read_po

    from clico_web.i18n import LOCALE_DIR

    with (LOCALE_DIR / language / "LC_MESSAGES" / "tickets.po").open("rb") as handle:
        messages = {m.id: m.string for m in read_po(handle, locale=language) if m.id}
    assert not sorted(_ticket_msgids() - messages.keys())
    assert all(messages.values())
    if language == "pl":
        polish = set(messages.values())
        for text in [NOTICE, "Nowe zgłoszenie", "Podstawowe informacje", "Dodatkowe informacje",
                     "Dodaj zasób", "Typ relacji zgłoszenia", "Opis", "Priorytet", "Utwórz",
                     "Pokaż zamknięte", "Pokaż filtry", "Numer zgłoszenia", "Temat",
                     "Data modyfikacji", "Firma", "Wiek", "Status", "Nazwa", "Producent",
                     "Brak danych do wyświetlenia.", "Ilość elementów: %(count)s"]:
            assert text in polish, text


# --- junk never makes a 500 -------------------------------------------------------------------

JUNK = ["\x00", "a\x00b", "\r\n\t", "ż" * 300, "<>&\"'", "😀" * 50, " ", "%00", "\u202e"]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_every_field_and_path_is_a_4xx_or_a_form_error(jan, asset_id, junk):
    path = "/tickets/" + quote(junk, safe="")
    assert jan.get(path).status_code == 404 or junk.strip() == ""
    assert jan.get("/tickets/new", params={"asset": junk}).status_code in (200, 400)
    assert jan.get("/tickets/new/assets", params={"category": junk, "page": junk,
                                                  "size": junk}).status_code == 200
    listing = jan.get("/tickets", params={"q": junk, "company": junk, "asset": junk,
                                          "from": junk, "sort": junk, "cursor": junk})
    assert listing.status_code in (200, 400)
    base = ticket_data(asset_id)
    for name in ["subject", "description", "priority", "relation_type", "asset_id",
                 "idempotency_key", "format", "q_occurred_on", "q_frequency", "q_production"]:
        data = {**form_values(jan, f"/tickets/new?asset={asset_id}"), **base, name: junk}
        response = jan.post("/tickets/new", data=data)
        assert response.status_code in (303, 400), (name, response.status_code)


# --- the cursor codec -------------------------------------------------------------------------

@given(value=st.text(max_size=80), ident=st.text(max_size=40), backwards=st.booleans(),
       sort=st.sampled_from([SortColumn.NUMBER, SortColumn.SUBJECT, SortColumn.COMPANY]))
def test_a_cursor_survives_the_url_or_is_refused(value, ident, backwards, sort):
    cursor = Cursor(value, ident, backwards)
    token = encode_cursor(cursor, sort)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", token)
    if "\x00" not in value + ident:
        assert decode_cursor(token, sort) == cursor
    else:
        with pytest.raises(BadCursor):
            decode_cursor(token, sort)


@given(st.text(max_size=300))
def test_decoding_any_text_gives_a_cursor_or_bad_cursor(token):
    with contextlib.suppress(BadCursor):
        decode_cursor(token, SortColumn.MODIFIED)
