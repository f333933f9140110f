"""Rich text with images from everywhere, for the sanitiser's property tests.

Every address of another site contains ``evil``; no address the portal may show does, so a
test can tell at a glance whether a foreign image survived.
"""

from __future__ import annotations

from hypothesis import strategies as st

FOREIGN_SOURCES = [
    "https://evil.example/pixel.png", "http://evil.example/p.png?user=1&amp;t=2",
    "HTTPS://EVIL.example/x", "//evil.example/p.png", "/\\evil.example/p.png",
    " https://evil.example/p.png", "https:\t//evil.example/p.png", "https:evil.example/p.png",
    "\\\\evil.example/p.png", "http://[evil", "data:text/html,evil", "data:image/svg+xml,evil",
]
OWN_SOURCES = ["/static/logo.png", "logo.png", "../a.png", "data:image/png;base64,iVBORw0KGgo=",
               "", "?x=1", "#top"]
SOURCES = st.sampled_from(FOREIGN_SOURCES + OWN_SOURCES)
WORDS = st.text(alphabet=st.sampled_from(list("ab <>\"'&;=/\n")), max_size=12)


def _image(src: str, alt: str | None, quote: str) -> str:
    alt_attribute = "" if alt is None else f" alt={quote}{alt}{quote}"
    return f"<img src={quote}{src}{quote}{alt_attribute}>"


IMAGES = st.builds(_image, SOURCES, st.none() | WORDS, st.sampled_from(['"', "'", ""]))
PIECES = st.one_of(
    IMAGES, WORDS,
    st.sampled_from(['<a href="https://x.pl">', "</a>", "<p>", "</p>", "<pre>", "</pre>",
                     "<ul><li>", "</li></ul>", "<br>", "\n", '<img title="t" src=', "&amp;"]),
)
RICH_TEXT_WITH_IMAGES = st.lists(PIECES, max_size=12).map("".join)
