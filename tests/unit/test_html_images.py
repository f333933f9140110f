"""Images in rich text: shown only from the portal itself or inline; others become links."""

from __future__ import annotations

import html as entities
import re

import pytest
from ada_url import URL
from hypothesis import given

from clico_adapters.html import html_sanitizer, sanitize_html

from .html_samples import RICH_TEXT_WITH_IMAGES

REL = ' rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(("html", "expected"), [
    ('<p><img src="https://evil.example/p.png" alt="Screenshot"></p>',
     f'<p><a href="https://evil.example/p.png"{REL}>Screenshot</a></p>'),
    ('<img src="https://evil.example/p.png?a=1&amp;b=2" title="Log">',
     f'<a href="https://evil.example/p.png?a=1&amp;b=2" title="Log"{REL}>'
     "https://evil.example/p.png?a=1&amp;b=2</a>"),
    ('<img src="//evil.example/p.png" alt=" ">',
     f'<a href="//evil.example/p.png"{REL}>//evil.example/p.png</a>'),
    ('<img src="/\\evil.example/p.png">',  # a browser reads the backslash as a slash
     f'<a href="/\\evil.example/p.png"{REL}>/\\evil.example/p.png</a>'),
    ('<img src="https:\t//evil.example/p.png" alt="&lt;b&gt;">',
     f'<a href="https:\t//evil.example/p.png"{REL}>&lt;b&gt;</a>'),
    # inside a link the image becomes that link's text: links do not nest
    ('<a href="https://x.pl">see <img src="https://evil.example/p.png" alt="shot"></a>',
     f'<a href="https://x.pl"{REL}>see shot</a>'),
])
def test_an_image_from_another_site_becomes_a_link_to_it(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


@pytest.mark.parametrize("html", [
    '<img src="/static/logo.png" alt="Logo">', '<img src="logo.png" alt="">',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="pasted">',
    '<img src="data:image/jpeg;base64,/9j/4AAQ" alt="">',
])
def test_images_of_the_portal_and_inline_ones_stay(html: str) -> None:
    assert sanitize_html(html) == html


@pytest.mark.parametrize(("html", "expected"), [
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
     f"<a{REL}>x</a>"),
    ('<a href=" DATA:image/png;base64,AAAA">x</a>', f"<a{REL}>x</a>"),
    ('<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">', '<img alt="">'),
    ('<img src="data:text/html,x">', '<img alt="">'),
])
def test_data_urls_survive_only_as_raster_images(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


@pytest.mark.parametrize(("html", "expected"), [
    ('<img src="logo.png">', '<img src="logo.png" alt="">'),  # decorative: skipped
    ('<img src="a.png" title="Log &amp; more">', '<img src="a.png" title="Log &amp; more" '
     'alt="Log &amp; more">'),
    ('<img src="a.png" alt="">', '<img src="a.png" alt="">'),
    # the only content of a link: its address names it, as for an image from elsewhere
    ('<a href="/x"><img src="a.png"></a>', f'<a href="/x"{REL}><img src="a.png" alt="a.png"></a>'),
])
def test_every_image_kept_has_a_text_alternative(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected
    assert sanitize_html(expected) == expected


def test_the_portals_own_address_is_not_another_site() -> None:
    sanitize = html_sanitizer("https://portal.example.test")
    own = '<img src="https://Portal.Example.test/static/logo.png" alt="Logo">'
    assert sanitize(own) == own
    for other in ("http://portal.example.test/a.png", "https://portal.example.test:8443/a.png",
                  "https://evil.example/a.png"):
        assert sanitize(f'<img src="{other}">') == f'<a href="{other}"{REL}>{other}</a>'


PAGES = ("http://portal.example.test/tickets/T-1", "https://portal.example.test/tickets/T-1")


def _loads_from_elsewhere(src: str) -> bool:
    """Whether a browser showing the ticket (on either scheme) fetches ``src`` from another
    origin (ada: the WHATWG URL parser browsers follow)."""
    for page in PAGES:
        try:
            url = URL(entities.unescape(src), base=page)
        except ValueError:
            continue  # a browser fetches nothing
        if url.protocol != "data:" and url.origin != URL(page).origin:
            return True
    return False


@given(RICH_TEXT_WITH_IMAGES)
def test_every_image_left_loads_from_the_portal_or_is_inline(html: str) -> None:
    clean = sanitize_html(html)
    # nh3 escapes "<" and ">" inside attribute values, so a tag ends at the first ">"
    for tag in re.findall(r"<img\b[^>]*>", clean):
        for src in re.findall(r' src="([^"]*)"', tag):
            assert not _loads_from_elsewhere(src), (html, clean)
