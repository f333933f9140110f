"""The new-ticket form at the boundary: known fields plus one ``q_<question>`` per answer.

Its answers are dynamic (they depend on the asset), so it is read here rather than by the
cattrs ``read_form``; the same rules apply: no files, no repeated or unknown fields, bounded
sizes (a description may be longer than other fields; the core enforces its exact limit).
"""

from __future__ import annotations

import html
import re

from attrs import frozen
from starlette.requests import Request

from ..forms import BadForm
from ..security.csrf import CSRF_FIELD

ANSWER_PREFIX = "q_"
MAX_FIELDS = 60
MAX_FIELD_CHARS = 10_000
MAX_DESCRIPTION_CHARS = 250_000  # above the core's 100 kB so it can say "too long" itself
FIELDS = ("subject", "description", "format", "priority", "relation_type", "asset_id",
          "idempotency_key", "remove_asset", "follows", "check_kb")
FORMATS = ("text", "html")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


@frozen
class TicketForm:
    subject: str
    description: str
    format: str  # "html" when the editor filled the description, else "text"
    priority: str
    relation_type: str
    asset_id: str
    idempotency_key: str
    remove_asset: bool
    answers: dict[str, str]
    follows: str = ""  # the number of the closed ticket a follow-up links
    check_kb: bool = False  # ``Sprawdź w bazie wiedzy``: show suggestions, create nothing


async def read_ticket_form(request: Request) -> TicketForm:
    """The posted form, or ``BadForm`` (400) when it does not have the form's shape."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    except Exception as error:  # multipart errors: too many fields, files, bad encoding
        raise BadForm() from error
    data: dict[str, str] = {}
    answers: dict[str, str] = {}
    for key, value in form.multi_items():
        if key == CSRF_FIELD:
            continue
        limit = MAX_DESCRIPTION_CHARS if key == "description" else MAX_FIELD_CHARS
        if not isinstance(value, str) or key in data or key in answers or len(value) > limit:
            raise BadForm()
        if key.startswith(ANSWER_PREFIX) and 2 < len(key) <= 66:
            answers[key.removeprefix(ANSWER_PREFIX)] = value
        elif key in FIELDS:
            data[key] = value
        else:
            raise BadForm()
    if "subject" not in data or "description" not in data:
        raise BadForm()
    return TicketForm(
        subject=data["subject"], description=data["description"],
        format=data["format"] if data.get("format") in FORMATS else "text",
        priority=data.get("priority", ""), relation_type=data.get("relation_type", ""),
        asset_id=data.get("asset_id", "")[:64], idempotency_key=data.get("idempotency_key", ""),
        remove_asset=bool(data.get("remove_asset")), answers=answers,
        follows=data.get("follows", "")[:32], check_kb=bool(data.get("check_kb")))


def text_to_html(text: str) -> str:
    """Plain text typed without the editor, as paragraphs and line breaks (escaped)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip("\n") for p in _BLANK_LINES.split(text) if p.strip()]
    return "".join("<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
                   for p in paragraphs)
