"""``Baza Wiedzy`` through the pages on both engines: staff publish an article in two
languages (``Nowy artykuł``, ``Opublikuj``), an anonymous reader finds it from the sign-in
page, internal and draft articles are a 404 for customers and anonymous readers, a customer
writing a ticket gets suggestions for the asset's vendor without JavaScript (``Sprawdź w
bazie wiedzy``), and history with restore."""

from __future__ import annotations

import re

from clico_core.services import CreateStaff
from clico_core.values import Role

from ..support import PASSWORD, World
from .web_fixtures import BASE_URL, TestClient, csrf_of, form_post, sign_in_web

ARTICLE = re.compile(r'href="(/kb/[0-9a-f]+-[a-z0-9-]+)"')


def _engineer(world: World) -> None:
    _, path = world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier", Role.ENGINEER))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)


def _publish(client: TestClient, title: str, visibility: str, *, action: str = "publish",
             vendors: str = "PALO_ALTO") -> str:
    response = form_post(client, "/staff/kb/new", {
        "title_pl": title, "body_pl": "Po aktualizacji PAN-OS tunel zrywa się co godzinę.",
        "title_en": "VPN tunnel drops", "body_en": "After an upgrade the tunnel drops.",
        "visibility": visibility, "category": "VPN", "vendors": vendors, "action": action,
        "format": "text"})
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_publish_find_hide_suggest_and_restore(client: TestClient, web_world: World,
                                               issued) -> None:  # type: ignore[no-untyped-def]
    world = web_world
    _engineer(world)
    world.register("jan", contract=issued)
    with TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as staff, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as anonymous:
        sign_in_web(staff, world, "eng@clico.pl")
        page = staff.get("/staff/kb/new")
        for label in ("Nowy artykuł", "Tytuł", "Treść", "Widoczność", "Opublikuj"):
            assert label in page.text
        public = _publish(staff, "Tunel VPN zrywa się", "publiczny")
        internal = _publish(staff, "Procedura wewnętrzna: tunel zrywa się", "wewnętrzny")
        draft = _publish(staff, "Szkic o tunelu", "publiczny", action="draft")

        signin = anonymous.get("/signin")
        assert 'href="/knowledge"' in signin.text
        found = anonymous.get("/knowledge", params={"q": "zrywa sie"})
        assert found.status_code == 200 and "Szukaj" in found.text
        assert ARTICLE.findall(found.text) == [public]
        assert "<mark>zrywa</mark> <mark>się</mark>" in found.text
        shown = anonymous.get(public)
        assert "<title>Tunel VPN zrywa się · CLICO Support System</title>" in shown.text
        assert '<meta name="description" content="Po aktualizacji PAN-OS' in shown.text
        english = anonymous.get(public, headers={"accept-language": "en"})
        assert "<h1 id=\"page-heading\">VPN tunnel drops</h1>" in english.text
        renamed = anonymous.get(public.split("-")[0] + "-old-title")
        assert renamed.status_code == 301 and renamed.headers["location"] == public
        for hidden in (internal, draft):
            assert anonymous.get(hidden).status_code == 404
        assert public.split("-")[0].removeprefix("/kb/") in anonymous.get(
            "/kb/sitemap.xml").text
        assert internal.split("-")[0].removeprefix("/kb/") not in anonymous.get(
            "/kb/sitemap.xml").text

        sign_in_web(client, world, "jan")
        assert client.get(internal).status_code == 404
        assert client.get(draft).status_code == 404
        with world.services.ports.uow(readonly=True) as uow:
            (palo,) = uow.assets.list_for_company(world.viewer("jan").account.company_id, 10)
        suggested = form_post(client, "/tickets/new", {
            "subject": "vpn zrywa", "description": "", "asset_id": palo.id, "check_kb": "1",
            "format": "text"}, token_from=f"/tickets/new?asset={palo.id}")
        assert suggested.status_code == 200
        assert ARTICLE.findall(suggested.text.replace("?from=suggestion", "")) == [public]
        assert "Sprawdź w bazie wiedzy" in suggested.text
        fragment = client.get("/tickets/new/suggestions",
                              params={"subject": "tunel zry", "asset": palo.id})
        assert ARTICLE.findall(fragment.text.replace("?from=suggestion", "")) == [public]

        article_id = public.split("-")[0].removeprefix("/kb/")
        edited = form_post(staff, f"/staff/kb/{article_id}/edit", {
            "title_pl": "Tunel IPsec", "body_pl": "<p>Nowa treść</p>", "title_en": "",
            "body_en": "", "visibility": "publiczny", "category": "VPN",
            "vendors": "PALO_ALTO", "format": "html"})
        assert edited.status_code == 303
        history = staff.get(f"/staff/kb/{article_id}/history")
        assert "Tunel IPsec" in history.text and "Ewa Inżynier" in history.text
        token = csrf_of(staff, f"/staff/kb/{article_id}/history")
        restored = staff.post(f"/staff/kb/{article_id}/restore/1",
                              data={"csrf_token": token})
        assert restored.status_code == 303
        assert "Tunel VPN zrywa się" in anonymous.get(f"/kb/{article_id}-x",
                                                      follow_redirects=True).text
