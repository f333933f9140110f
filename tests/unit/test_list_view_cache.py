"""The list's view remembered per query string: the very view the URL reads to, bounded."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from clico_core.errors import ValidationFailed
from clico_web.routes import ticket_query
from clico_web.routes.ticket_query import list_view_of, parse_list_view


@pytest.mark.parametrize("query", [b"", b"closed=1&sort=number&dir=asc", b"q=%3Cscript%3E",
                                   b"status=new&status=open&size=50&filters=1"])
def test_a_remembered_view_is_the_parsed_one(query: bytes) -> None:
    assert list_view_of(query) == parse_list_view(QueryParams(query))
    assert list_view_of(query) is list_view_of(query)


def test_a_bad_cursor_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            list_view_of(b"cursor=not-a-cursor")


def test_the_views_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ticket_query, "MAX_VIEWS", 5)
    for n in range(20):
        list_view_of(f"q=ticket-{n}".encode())
    assert len(ticket_query._VIEWS) <= 5
