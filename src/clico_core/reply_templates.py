"""``Szablony odpowiedzi``: snippets staff insert into a reply, with two placeholders.

A template's body is rich text, sanitised as an article's when it is saved. Filling it is a
plain substitution of ``{{ customer_name }}`` and ``{{ ticket_number }}`` with the values
escaped as HTML text: the body is never evaluated as a template (docs/security.md, "Reply
templates"), so whatever a template says is only ever text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import datetime

from attrs import frozen

from .values import AccountId

MAX_TITLE = 200
PLACEHOLDERS = ("customer_name", "ticket_number")
_PLACEHOLDER = re.compile(r"\{\{\s*(customer_name|ticket_number)\s*\}\}")


@frozen
class ReplyTemplate:
    id: str
    title: str
    body: str  # HTML, sanitised by the service before it is stored
    author_id: AccountId
    created_at: datetime
    updated_at: datetime


def fill_placeholders(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each known placeholder replaced by its value as HTML text; anything else
    (unknown names, other braces) stays as it was written."""
    return _PLACEHOLDER.sub(lambda match: html.escape(values.get(match.group(1), "")), body)
