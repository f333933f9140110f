"""The ticket page: its languages, rich text (no script, no foreign image, the editor's
formatting kept) and who may see it."""

from __future__ import annotations

import re

import pytest
from attrs import evolve

from clico_core.testing import builders as b

from ..ticket_fixtures import listed, post_ticket
from ..web_fixtures import sign_in_web


def test_the_ticket_page_speaks_english_too(jan, asset_id):
    location = post_ticket(jan, asset_id).headers["location"]
    jan.cookies.set("clico_lang", "en")
    page = jan.get(location)
    for text in ("Ticket CSS-000001", "Technical", "Is this a production environment?",
                 "Several times a day", "<dd>Yes</dd>", "<dd>No</dd>", "Reporter"):
        assert text in page.text, text


# --- rich text and what reaches the page ------------------------------------------------------

ATTACKS = ('<script>alert(1)</script><img src="x" onerror="alert(2)">'
           '<a href="javascript:alert(3)">click</a><p onclick="alert(4)" style="color:red">p</p>'
           '<iframe src="https://example.com"></iframe><svg onload="alert(5)"></svg>'
           '<a href="https://example.com/ok">fine</a>')


@pytest.mark.parametrize("form_format", ["html", "text"])
def test_scripts_handlers_and_javascript_links_never_reach_the_page(jan, form_format):
    location = post_ticket(jan, subject="<script>alert(6)</script>", description=ATTACKS,
                           format=form_format).headers["location"]
    page = jan.get(location).text
    main = page[page.index('<main'):page.index('</main>')]  # the page's own scripts follow
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


def test_an_image_from_another_site_reaches_the_page_as_a_link(jan, ticket_world, acme):
    tracker = '<img src="https://tracker.example/p.png" alt="Screenshot">'
    link = ('<a href="https://tracker.example/p.png" rel="noopener noreferrer nofollow">'
            "Screenshot</a>")
    inline = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="pasted">'
    page = jan.get(post_ticket(jan, description=f"<p>{tracker}{inline}</p>",
                               format="html").headers["location"])
    assert "img-src 'self' data:;" in page.headers["content-security-policy"]
    assert link in page.text and inline in page.text
    assert "tracker.example/p.png\" alt" not in page.text
    # a ticket stored before images were limited is shown the same way
    with ticket_world.services.ports.uow() as uow:
        account = uow.accounts.get_by_login("jan")
        assert account is not None
        uow.tickets.add(evolve(b.ticket(acme.contract.company_id, account.id, "OLD-1"),
                               description=f"<p>{tracker}</p>"))
        uow.commit()
    assert link in jan.get("/tickets/OLD-1").text


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


# --- who sees what ----------------------------------------------------------------------------

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
