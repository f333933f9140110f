"""Rich-text sanitising with nh3 (the maintained Rust ``ammonia`` binding; bleach is deprecated).

The allowlist covers the editor's toolbar: bold, italic, underline, strike, lists,
alignment (as classes), links, images and code blocks. Sanitising twice changes nothing.

Images show only from the portal itself (relative URLs, or the configured origin) or inlined
as ``data:image/…``: an image from another site would tell that site who opened the ticket
and when. Such an image is kept as a link to its address instead (docs/security.md).
"""

from __future__ import annotations

import html as entities
import re
from collections.abc import Callable
from html.parser import HTMLParser

import nh3
from ada_url import URL
from attrs import frozen

TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "strike", "del", "ul", "ol", "li",
    "a", "img", "pre", "code", "blockquote", "h1", "h2", "h3", "span",
}
ALIGN = {"align-left", "align-center", "align-right", "align-justify",
         # the same, as the Quill editor's semantic HTML names them
         "ql-align-center", "ql-align-right", "ql-align-justify"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}}
CLASSES = dict.fromkeys(("p", "h1", "h2", "h3", "li", "blockquote"), ALIGN) | {
    "pre": {"code-block", "ql-syntax"}, "code": {"code-block"}}
# "data" only for images of these types (``_attribute`` drops every other data: URL).
SCHEMES = {"http", "https", "mailto", "data"}
IMAGE_DATA = re.compile(r"data:image/(?:png|gif|jpeg|webp)[;,]", re.IGNORECASE)
# Pages a relative address is read against when the portal's own is not known: one per
# scheme, because "https:evil.example/x" stays on an https page but leaves an http one.
STAND_IN_PAGES = ("http://portal.invalid/tickets/", "https://portal.invalid/tickets/")
_PRE_NEWLINE = re.compile(r"(<pre\b[^>]*>)\n")


def _resolved(address: str, page: str) -> URL | None:
    """``address`` read the way a browser on ``page`` reads it (WHATWG URL, by ada)."""
    try:
        return URL(address, base=page)
    except ValueError:
        return None


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute hook: a data: URL survives only as an image's source."""
    if name in ("href", "src"):
        url = _resolved(value, STAND_IN_PAGES[1])
        if url is None:
            return None
        if url.protocol == "data:" and not (tag == "img" and IMAGE_DATA.match(url.href)):
            return None
    return value


def _clean(html: str) -> str:
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        attribute_filter=_attribute,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # A parser drops the newline right after <pre>, and nh3 writes none back: double a
    # leading newline, or each sanitising pass would eat one (nh3 escapes every "<" that is
    # not a tag, so the pattern finds only real tags).
    return _PRE_NEWLINE.sub("\\1\n\n", clean)


def _shown_here(src: str, own_origin: str | None) -> bool:
    """Whether an image's source is this portal (or inline data), so showing it tells no one."""
    pages = (own_origin + "/",) if own_origin else STAND_IN_PAGES
    for page in pages:
        url = _resolved(src, page)
        if url is None:
            return False
        inline = url.protocol == "data:" and IMAGE_DATA.match(url.href) is not None
        if not (inline or url.origin == URL(page).origin):
            return False
    return True


@frozen
class _Image:
    line: int
    column: int
    text: str  # the whole start tag, as it stands in the HTML
    attributes: dict[str, str]
    in_link: bool


class _Images(HTMLParser):
    """The ``<img>`` tags of nh3's output (well-formed: links never nest)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[_Image] = []
        self.links_open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links_open += 1
        elif tag == "img":
            line, column = self.getpos()
            self.found.append(_Image(line, column, self.get_starttag_text() or "",
                                     {name: value or "" for name, value in attrs},
                                     self.links_open > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.links_open = max(0, self.links_open - 1)


def _as_link(image: _Image) -> str:
    """The image's alt text (or address) linked to its address; inside a link, the text."""
    src = image.attributes["src"]
    text = entities.escape(image.attributes.get("alt", "").strip() or src.strip())
    if image.in_link:
        return text
    title = image.attributes.get("title", "")
    titled = f' title="{entities.escape(title)}"' if title else ""
    return f'<a href="{entities.escape(src)}"{titled}>{text}</a>'


def _with_alt(image: _Image) -> str:
    """The kept image's tag with an ``alt`` (WCAG 1.1.1, axe's image-alt): its title, else
    empty (decorative: a screen reader skips it rather than reads its address); the only
    name of a link must not be empty, so there its address stands in, as in ``_as_link``."""
    src = image.attributes.get("src", "")
    alt = image.attributes.get("title", "").strip()
    if not alt and image.in_link and not src.startswith("data:"):
        alt = src.strip()
    tag = image.text.removesuffix(">").removesuffix("/").rstrip()
    return f'{tag} alt="{entities.escape(alt)}">'


def _foreign_images_to_links(html: str, own_origin: str | None) -> str | None:
    """nh3's output with each image from elsewhere spliced out for a link and an empty
    ``alt`` on each image kept without one (None: nothing to change)."""
    parser = _Images()
    parser.feed(html)
    parser.close()
    line_starts = [0]
    line_starts += [at + 1 for at, char in enumerate(html) if char == "\n"]
    pieces: list[str] = []
    done = 0
    for image in parser.found:
        start = line_starts[image.line - 1] + image.column
        if "src" not in image.attributes or _shown_here(image.attributes["src"], own_origin):
            if "alt" in image.attributes:
                continue
            replacement = _with_alt(image)
        else:
            replacement = _as_link(image)
        pieces += [html[done:start], replacement]
        done = start + len(image.text)
    if not pieces:
        return None
    pieces.append(html[done:])
    return "".join(pieces)


def _sanitize(html: str, own_origin: str | None) -> str:
    clean = _clean(html)
    linked = _foreign_images_to_links(clean, own_origin)
    # The links are built by hand: nh3 has the last word on them too (and adds rel=…).
    return clean if linked is None else _clean(linked)


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes, classes and URL schemes; images from other
    sites become links."""
    return _sanitize(html, None)


def html_sanitizer(own_origin: str) -> Callable[[str], str]:
    """``sanitize_html`` that also shows images by absolute URL on ``own_origin``
    (``scheme://host[:port]``, the portal's own address)."""

    def sanitize(html: str) -> str:
        return _sanitize(html, own_origin)

    return sanitize
