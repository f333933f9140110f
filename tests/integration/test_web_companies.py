"""``Firma`` and ``Szukaj firmy`` for staff, contract administration for administrators:
through the web on SQLite and PostgreSQL, with the roles' 404 and 403 and bounded reads."""

from __future__ import annotations

import re

import pytest

from clico_core.services import CreateStaff
from clico_core.values import Role

from .sql_support import recorded
from .web_fixtures import PASSWORD, csrf_of, form_post, sign_in_web

KEY = re.compile(r'<code class="activation-key">([^<]+)</code>')


def staff(client, world, role: Role, email: str) -> None:  # type: ignore[no-untyped-def]
    _, path = world.services.create_staff_account(CreateStaff(email, "Ada", "Admin", role))
    world.services.reset_password(path.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    sign_in_web(client, world, email)


@pytest.fixture
def admin(client, web_world):  # type: ignore[no-untyped-def]
    staff(client, web_world, Role.ADMIN, "admin@clico.pl")
    return client


def create(client, number: str = "UM-1", **extra: str):  # type: ignore[no-untyped-def]
    return form_post(client, "/admin/contracts", {
        "number": number, "company": "Acme", "support_level": "premium",
        "valid_from": "2026-01-01", "valid_until": "2027-12-31", "asset_name": "PA-450",
        "asset_vendor": "palo_alto", "asset_serial": "SN-77", **extra})


def test_an_admin_creates_a_contract_sees_its_key_once_and_revokes_it(admin, web_world):
    created = create(admin)
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    key = KEY.search(created.text)
    assert key and "Skopiuj klucz aktywacyjny teraz" in created.text
    page = admin.get("/admin/contracts/UM-1")
    assert key.group(1) not in page.text
    for text in ("Kontrakt UM-1", "Acme", "premium", "PA-450", "PALO_ALTO", "SN-77",
                 "Utworzono kontrakt", "Ada Admin", "Historia"):
        assert text in page.text, text
    assert create(admin).status_code == 409  # the number is taken
    revoked = form_post(admin, "/admin/contracts/UM-1", {"action": "revoke"})
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/admin/contracts/UM-1?done=revoke"
    page = admin.get(revoked.headers["location"])
    assert "Unieważniono kontrakt" in page.text and "Zmiana została zapisana." in page.text
    again = form_post(admin, "/admin/contracts/UM-1", {"action": "revoke"},
                      token_from="/admin/contracts")
    assert again.status_code == 409 and "Ten kontrakt został unieważniony." in again.text


def test_assets_terms_and_a_new_key_through_the_contract_page(admin, web_world):
    first = KEY.search(create(admin).text)
    assert first
    added = form_post(admin, "/admin/contracts/UM-1", {
        "action": "add_asset", "asset_name": "FG-100F", "asset_vendor": "fortinet",
        "asset_serial": "FGT-1"})
    assert added.status_code == 303
    bad = form_post(admin, "/admin/contracts/UM-1", {
        "action": "terms", "support_level": "gold", "valid_from": "2026-05-01",
        "valid_until": "2026-04-01"})
    assert bad.status_code == 400
    assert "Koniec ważności nie może przypadać przed jej początkiem." in bad.text
    assert form_post(admin, "/admin/contracts/UM-1", {
        "action": "terms", "support_level": "gold", "valid_from": "2026-01-01",
        "valid_until": "2028-01-31"}).status_code == 303
    regenerated = form_post(admin, "/admin/contracts/UM-1", {"action": "key"})
    second = KEY.search(regenerated.text)
    assert second and second.group(1) != first.group(1)
    assert "Poprzedni klucz już nie działa." in regenerated.text
    page = admin.get("/admin/contracts/UM-1").text
    for text in ("FGT-1", "gold", "Dodano zasób", "Zmieniono poziom i ważność",
                 "Nowy klucz aktywacyjny"):
        assert text in page, text
    assert first.group(1) not in page and second.group(1) not in page


def test_engineers_get_403_customers_404(client, web_world, issued):
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world, "jan")
    for path in ("/admin/contracts", "/admin/contracts/C-1", "/staff/companies",
                 f"/staff/companies/{issued.contract.company_id}"):
        assert client.get(path).status_code == 404, path
    assert "Szukaj firmy" not in client.get("/tickets").text
    client.cookies.clear()
    staff(client, web_world, Role.ENGINEER, "eng@clico.pl")
    assert client.get("/admin/contracts").status_code == 403
    assert client.get("/admin/contracts/C-1").status_code == 403
    token = csrf_of(client, "/tickets")
    refused = client.post("/admin/contracts/C-1", data={"action": "revoke", "csrf_token": token})
    assert refused.status_code == 403
    assert client.get("/staff/companies?q=acme").status_code == 200


def test_staff_find_a_company_and_see_it_whole(client, web_world, issued):
    web_world.register("jan", contract=issued)
    staff(client, web_world, Role.ENGINEER, "eng@clico.pl")
    empty = client.get("/staff/companies")
    assert '<label for="f-q">Szukaj firmy</label>' in empty.text
    for query in ("acm", "C-1", "SN-1", "jan@example.com"):
        found = client.get("/staff/companies", params={"q": query})
        assert f'href="/staff/companies/{issued.contract.company_id}">Acme</a>' in found.text
    page = client.get(f"/staff/companies/{issued.contract.company_id}")
    for text in ("Firma: Acme", "C-1", "PAN-PA-450", "SN-1", "Jan Kowalski",
                 "jan@example.com", "Kod e-mailem", "Kont: 1", "Otwarte zgłoszenia"):
        assert text in page.text, text
    assert client.get("/staff/companies/nope").status_code == 404
    form_post(client, "/language", {"language": "en", "next": "/staff/companies"},
              token_from="/staff/companies")
    english = client.get("/staff/companies")
    assert '<label for="f-q">Search companies</label>' in english.text
    assert "Company: Acme" in client.get(f"/staff/companies/{issued.contract.company_id}").text


def _company_page_statements(client, world, company_id: str) -> int:  # type: ignore[no-untyped-def]
    with recorded(world.services.ports.uow.engine) as seen:
        assert client.get(f"/staff/companies/{company_id}").status_code == 200
    return len(seen)


def test_the_company_page_reads_a_fixed_number_of_statements(client, web_world):
    small = web_world.issue("C-1", "Acme", assets=[("A", "FORTINET", "S-1")])
    web_world.register("jan", contract=small)
    staff(client, web_world, Role.ENGINEER, "eng@clico.pl")
    company_id = small.contract.company_id
    client.get(f"/staff/companies/{company_id}")
    before = _company_page_statements(client, web_world, company_id)
    for n in range(2, 8):
        issued = web_world.issue(f"C-{n}", "Acme", assets=[
            ("A", "FORTINET", f"S-{n}-{i}") for i in range(5)])
        web_world.register(f"user{n}", contract=issued, email=f"u{n}@example.com")
    after = _company_page_statements(client, web_world, company_id)
    assert after == before <= 12


def test_a_csv_import_is_all_or_nothing_with_numbered_lines(admin, web_world):
    def upload(text: str):  # type: ignore[no-untyped-def]
        token = csrf_of(admin, "/admin/contracts")
        return admin.post("/admin/contracts/import", data={"csrf_token": token},
                          files={"file": ("c.csv", text.encode(), "text/csv")})

    header = "number,company,level,valid_from,valid_until,asset_name,asset_vendor,asset_serial\n"
    refused = upload(header + "UM-1,Acme,gold,2026-01-01,2027-01-01,PA,PALO_ALTO,S1\n"
                     "UM-2,Beta,gold,2026-13-01,2027-01-01,,,\n"
                     "UM-3,Beta,gold,2026-01-01,2025-01-01,,,\n")
    assert refused.status_code == 400
    assert "Nic nie zaimportowano" in refused.text
    assert re.search(r"<td>3</td><td>data nie jest w postaci RRRR-MM-DD", refused.text)
    assert re.search(r"<td>4</td><td>valid_until przypada przed valid_from", refused.text)
    assert admin.get("/admin/contracts/UM-1").status_code == 404
    missing = upload("number,company\nUM-1,Acme\n")
    assert missing.status_code == 400 and "valid_from, valid_until" in missing.text
    done = upload(header + "UM-1,Acme,gold,2026-01-01,2027-01-01,PA,PALO_ALTO,S1\n"
                  "UM-1,Acme,gold,2026-01-01,2027-01-01,PB,PALO_ALTO,S2\n"
                  "UM-2,Beta,,2026-01-01,2027-01-01,,,\n")
    assert done.status_code == 200 and len(KEY.findall(done.text)) == 2
    page = admin.get("/admin/contracts/UM-1").text
    assert "S1" in page and "S2" in page and "Zaimportowano kontrakt" in page
