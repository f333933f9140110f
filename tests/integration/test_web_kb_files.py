"""``Baza Wiedzy`` files and ``Wycofaj publikację`` through the pages, on both engines:
staff attach files on ``Nowy artykuł`` and on editing (the form is multipart, its CSRF
token first); the article page links them; a download answers exactly who may read the
article (anonymous: ``publiczny``; customers: ``klienci`` too; staff: everything, drafts
too; everyone else the article's 404) with the conversation's download headers; staff
remove a file; the blob sweep keeps an article's files. Unpublishing hides the article
from the direct address, search and the sitemap, the history says who, and publishing
again works."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from clico_core.kb import Reader, audience_of
from clico_core.services import CreateStaff
from clico_core.values import Language, Role

from ..support import PASSWORD, World
from .web_fixtures import BASE_URL, TestClient, csrf_of, form_post, sign_in_web

FILE_LINK = re.compile(r'href="(/kb/[0-9a-f]+/files/[^"]+)" download>([^<]+)</a>')
LOG = b"2026-11-25 08:00 tunnel down\n" * 20
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _engineer(world: World) -> None:
    _, path = world.services.create_staff_account(
        CreateStaff("eng@clico.pl", "Ewa", "Inżynier", Role.ENGINEER))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)


def save_with_files(client: TestClient, path: str, title: str, visibility: str,
                    files: list[tuple[str, bytes]], *, action: str = "publish"):  # type: ignore[no-untyped-def]
    token = csrf_of(client, path)
    fields = {"csrf_token": token, "title_pl": title, "body_pl": "Po aktualizacji tunel zrywa się.",
              "title_en": "", "body_en": "", "visibility": visibility, "category": "VPN",
              "vendors": "PALO_ALTO", "action": action, "format": "text"}
    return client.post(path, data=fields, files=[
        ("attachments", (name, data, "application/octet-stream")) for name, data in files])


def links(client: TestClient, page: str) -> dict[str, str]:
    return {name: href for href, name in FILE_LINK.findall(client.get(page).text)}


@pytest.fixture
def people(client: TestClient, web_world: World, issued):  # type: ignore[no-untyped-def]
    _engineer(web_world)
    web_world.register("jan", contract=issued)
    with TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as staff, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as anonymous:
        sign_in_web(staff, web_world, "eng@clico.pl")
        sign_in_web(client, web_world, "jan")
        yield staff, client, anonymous


def test_the_article_form_uploads_with_its_token_first(people) -> None:  # type: ignore[no-untyped-def]
    staff, _, _ = people
    page = staff.get("/staff/kb/new").text
    form = page[page.index('id="kb-form"') - 200:]
    assert 'enctype="multipart/form-data"' in form
    assert form.index('name="csrf_token"') < form.index('name="title_pl"')
    assert 'type="file" id="f-attachments" name="attachments" multiple' in form
    assert "Dołącz pliki" in form


def test_a_download_answers_exactly_who_may_read_the_article(people) -> None:  # type: ignore[no-untyped-def]
    staff, customer, anonymous = people
    articles = {}
    for name, visibility, action in (("public", "publiczny", "publish"),
                                     ("customers", "klienci", "publish"),
                                     ("internal", "wewnętrzny", "publish"),
                                     ("draft", "publiczny", "draft"),
                                     ("internal_draft", "wewnętrzny", "draft")):
        saved = save_with_files(staff, "/staff/kb/new", f"Artykuł {name}", visibility,
                                [(f"{name}.log", LOG)], action=action)
        assert saved.status_code == 303, saved.text
        articles[name] = saved.headers["location"]
    readers = {"anonymous": ("public",), "customer": ("public", "customers"),
               "staff": tuple(articles)}
    clients = {"anonymous": anonymous, "customer": customer, "staff": staff}
    downloads = {name: links(staff, page)[f"{name}.log"] for name, page in articles.items()}
    for reader, allowed in readers.items():
        for name, href in downloads.items():
            got = clients[reader].get(href)
            if name in allowed:
                assert got.status_code == 200 and got.content == LOG, (reader, name)
                assert got.headers["content-disposition"].startswith("attachment;")
                assert got.headers["x-content-type-options"] == "nosniff"
                assert got.headers["content-security-policy"].startswith("sandbox")
                assert links(clients[reader], articles[name]) == {f"{name}.log": href}
            else:
                assert got.status_code == 404, (reader, name)
                assert "internal.log" not in got.text
    # the conversation's download and the API know nothing of an article's file
    file_id = downloads["public"].rsplit("/", 1)[1]
    assert customer.get(f"/tickets/T-1/attachments/{file_id}").status_code == 404
    # a file under another article's address is not found either
    other = articles["customers"].split("-")[0]
    assert anonymous.get(f"{other}/files/{file_id}".replace("/kb/kb", "/kb")).status_code \
        == 404
    assert staff.get(f"{articles['internal'].split('-')[0]}/files/{file_id}").status_code \
        == 404


def test_html_and_svg_are_never_served_as_pages(people) -> None:  # type: ignore[no-untyped-def]
    staff, _, anonymous = people
    saved = save_with_files(staff, "/staff/kb/new", "Pliki", "publiczny",
                            [("page.html", HTML), ("image.svg", SVG)])
    assert saved.status_code == 303, saved.text
    for name, href in links(anonymous, saved.headers["location"]).items():
        got = anonymous.get(href, params={"inline": "1"})
        assert got.status_code == 200, name
        assert got.headers["content-type"].split(";")[0] not in ("text/html",
                                                                 "image/svg+xml")
        assert got.headers["content-disposition"].startswith("attachment;")


def test_a_refused_file_keeps_nothing_and_the_form_says_why(people, web_world: World
                                                            ) -> None:  # type: ignore[no-untyped-def]
    staff, _, _ = people
    refused = save_with_files(staff, "/staff/kb/new", "Program", "publiczny",
                              [("setup.exe", b"MZ\x90\x00" + b"\x00" * 100)])
    assert refused.status_code == 415, refused.status_code
    assert 'value="Program"' in refused.text  # what was typed is shown again
    with web_world.services.ports.uow(readonly=True) as uow:
        assert uow.kb.listing(audience_of(Reader.STAFF), Language.PL) == []
        assert uow.attachments.unlinked_before(web_world.clock.now() + timedelta(days=1),
                                               10) == []


def test_edit_adds_files_remove_takes_one_and_the_sweep_keeps_the_rest(
        people, web_world: World) -> None:  # type: ignore[no-untyped-def]
    staff, _, anonymous = people
    created = save_with_files(staff, "/staff/kb/new", "Tunel", "publiczny", [("a.log", LOG)])
    article_id = created.headers["location"].split("-")[0].removeprefix("/kb/")
    edited = save_with_files(staff, f"/staff/kb/{article_id}/edit", "Tunel", "publiczny",
                             [("b.txt", b"second file")])
    assert edited.status_code == 303, edited.text
    page = created.headers["location"]
    found = links(anonymous, page)
    assert set(found) == {"a.log", "b.txt"}
    edit_page = staff.get(f"/staff/kb/{article_id}/edit").text
    assert "Dołączone pliki" in edit_page and "Usuń" in edit_page
    file_id = found["a.log"].rsplit("/", 1)[1]
    remove_path = f"/staff/kb/{article_id}/files/{file_id}/remove"
    token = csrf_of(staff, f"/staff/kb/{article_id}/edit")
    stranger = anonymous.post(remove_path, data={"csrf_token": csrf_of(anonymous, page)})
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/signin")
    assert set(links(anonymous, page)) == {"a.log", "b.txt"}
    removed = staff.post(remove_path, data={"csrf_token": token})
    assert removed.status_code == 303
    assert set(links(anonymous, page)) == {"b.txt"}
    assert anonymous.get(found["a.log"]).status_code == 404
    history = staff.get(f"/staff/kb/{article_id}/history").text
    assert "Dołączono plik: a.log" in history and "Usunięto plik: a.log" in history
    web_world.clock.advance(timedelta(days=2))
    report = web_world.services.sweep_orphan_blobs()
    assert report.blobs == 1  # a.log's bytes; b.txt's are still the article's
    assert anonymous.get(found["b.txt"]).content == b"second file"


def test_unpublish_hides_the_article_and_publishing_again_works(people) -> None:  # type: ignore[no-untyped-def]
    staff, customer, anonymous = people
    page = form_post(staff, "/staff/kb/new", {
        "title_pl": "Tunel VPN zrywa się", "body_pl": "Po aktualizacji tunel zrywa się.",
        "title_en": "", "body_en": "", "visibility": "publiczny", "category": "VPN",
        "vendors": "PALO_ALTO", "action": "publish", "format": "text"}).headers["location"]
    article_id = page.split("-")[0].removeprefix("/kb/")
    assert anonymous.get(page).status_code == 200
    assert article_id in anonymous.get("/kb/sitemap.xml").text
    edit = staff.get(f"/staff/kb/{article_id}/edit").text
    assert "Wycofaj publikację" in edit
    unpublished = form_post(staff, f"/staff/kb/{article_id}/unpublish", {},
                            token_from=f"/staff/kb/{article_id}/edit")
    assert unpublished.status_code == 303
    assert "znów jest szkicem" in staff.get(unpublished.headers["location"]).text
    for reader in (anonymous, customer):
        assert reader.get(page).status_code == 404
        assert article_id not in reader.get("/knowledge", params={"q": "zrywa"}).text
        assert article_id not in reader.get("/knowledge").text
    assert article_id not in anonymous.get("/kb/sitemap.xml").text
    assert staff.get(page).status_code == 200  # staff still read the draft
    again = form_post(staff, f"/staff/kb/{article_id}/unpublish", {},
                      token_from=f"/staff/kb/{article_id}/edit")
    assert again.status_code == 400 and "nie jest opublikowany" in again.text
    history = staff.get(f"/staff/kb/{article_id}/history").text
    assert "Wycofano publikację" in history and "Ewa Inżynier" in history
    assert customer.post(f"/staff/kb/{article_id}/unpublish",
                         data={"csrf_token": csrf_of(customer, "/knowledge")}
                         ).status_code == 404
    republished = form_post(staff, f"/staff/kb/{article_id}/edit", {
        "title_pl": "Tunel VPN zrywa się", "body_pl": "<p>Znowu.</p>", "title_en": "",
        "body_en": "", "visibility": "publiczny", "category": "VPN", "vendors": "PALO_ALTO",
        "action": "publish", "format": "html"})
    assert republished.status_code == 303
    assert anonymous.get(page).status_code == 200
    assert article_id in anonymous.get("/kb/sitemap.xml").text
    assert article_id in anonymous.get("/knowledge", params={"q": "zrywa"}).text
