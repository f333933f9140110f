"""The axe-core auditor of the browser fixtures fails on a known violation and passes clean pages.

Pages come from a route that answers ``http://a11y.test/…`` in the browser itself (no server):
``/clean`` is accessible, ``/broken`` has an image without ``alt`` (axe's ``image-alt``,
critical). The auditor must catch it after ``goto``, after a click that navigates there, before a
screenshot and at teardown, and must not complain about the clean page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .a11y import A11yViolations
from .browser import BrowserPages, screenshot

pytestmark = pytest.mark.browser
playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

BASE = "http://a11y.test"
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
PAGES = {
    "/clean": f'<main><h1>Clean</h1><img src="{PIXEL}" alt="A dot">'
              '<p><a href="/broken">to the broken page</a></p></main>',
    "/broken": f'<main><h1>Broken</h1><img src="{PIXEL}"></main>',
}


def serve(route) -> None:  # type: ignore[no-untyped-def]
    path = route.request.url.removeprefix(BASE)
    body = PAGES.get(path)
    if body is None:
        route.fulfill(status=404, body="")
        return
    route.fulfill(content_type="text/html; charset=utf-8", body=(
        f'<!doctype html><html lang="en"><head><title>{path}</title></head>'
        f"<body>{body}</body></html>"))


@pytest.fixture
def pages(chromium) -> Iterator[BrowserPages]:  # type: ignore[no-untyped-def]
    """Our own ``BrowserPages``: the test itself checks what its teardown (``close``) does."""
    pages = BrowserPages(chromium)
    yield pages
    for context in pages.contexts:
        context.close()


def opened(pages: BrowserPages):  # type: ignore[no-untyped-def]
    page = pages.open(BASE)
    page.route(f"{BASE}/**", serve)
    return page


def test_a_clean_page_passes_every_audit(pages: BrowserPages) -> None:
    page = opened(pages)
    page.goto("/clean")
    expect(page.get_by_role("heading", name="Clean")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    pages.close()  # audits the last state too
    assert pages.auditor.audits >= 3


def test_goto_a_page_with_an_image_without_alt_fails_naming_rule_impact_and_element(
        pages: BrowserPages) -> None:
    page = opened(pages)
    with pytest.raises(A11yViolations) as failure:
        page.goto("/broken")
    assert "/broken image-alt (critical) img: Images must have alternative text" in str(
        failure.value)
    with pytest.raises(A11yViolations):
        pages.close()


def test_a_click_that_navigates_is_audited_before_the_next_action(pages: BrowserPages) -> None:
    page = opened(pages)
    page.goto("/clean")
    page.get_by_role("link", name="to the broken page").click()
    expect(page).to_have_title("/broken")  # loaded; the next action through the page audits
    with pytest.raises(A11yViolations, match="image-alt"):
        page.get_by_role("heading", name="Broken")
    with pytest.raises(A11yViolations, match="image-alt"):
        screenshot(page, "never-written")
    with pytest.raises(A11yViolations, match="image-alt"):
        pages.close()


def test_a_page_broken_by_script_after_load_fails_at_teardown(pages: BrowserPages) -> None:
    page = opened(pages)
    page.goto("/clean")
    page.locator("img").evaluate("image => image.removeAttribute('alt')")
    with pytest.raises(A11yViolations, match=r"/clean image-alt \(critical\) img"):
        pages.close()


def test_a_page_without_javascript_is_audited_too(pages: BrowserPages) -> None:
    page = pages.open(BASE, javascript=False)
    page.route(f"{BASE}/**", serve)
    page.goto("/clean")
    page.get_by_role("link", name="to the broken page").click()
    expect(page).to_have_title("/broken")
    with pytest.raises(A11yViolations, match=r"/broken image-alt \(critical\) img"):
        page.get_by_role("heading", name="Broken")
    with pytest.raises(A11yViolations, match="image-alt"):
        pages.close()
    assert pages.browser.contexts == []  # each audit's twin context is closed, and the page's
