"""Helpers of the conversation tests: the reply form as a browser would post it, and the
rows of a page's history."""

from __future__ import annotations

import re

from ..web_fixtures import TestClient, csrf_of

_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')

def reply_form(client: TestClient, number: str, body: str, **fields: str) -> dict[str, str]:
    page = client.get(f"/tickets/{number}")
    assert page.status_code == 200, page.text
    match = _KEY.search(page.text)
    assert match, "no idempotency key on the reply form"
    version = _VERSION.search(page.text)
    assert version, "no ticket version on the reply form"
    return {"csrf_token": csrf_of(client, f"/tickets/{number}"),
            "idempotency_key": match.group(1), "version": version.group(1), "body": body,
            "format": "text", **fields}


def reply(client: TestClient, number: str, body: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(f"/tickets/{number}/reply", data=reply_form(client, number, body, **fields))


def history(page: str) -> list[list[str]]:
    """The rows of a page's ``id="history"`` section: when, who, what, before, after."""
    assert 'id="history"' in page
    section = page[page.index('id="history"'):]
    section = section[:section.index("</section>")]
    return [re.findall(r"<td>([^<]*)</td>", row)
            for row in re.findall(r"<tr><td>.*?</tr>", section)]
