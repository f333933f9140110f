"""Rich-text sanitising with nh3 (the maintained Rust ``ammonia`` binding; bleach is deprecated).

The allowlist covers the editor's toolbar: bold, italic, underline, strike, lists,
alignment (as classes), links, images and code blocks. Sanitising twice changes nothing.
"""

from __future__ import annotations

import nh3

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
SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes=CLASSES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
