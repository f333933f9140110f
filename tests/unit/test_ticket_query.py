"""The ticket list's query in the core: one set of limits, the lenient reading of a list
link, the cursor token, and ``check_query`` as the one judge of a query."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clico_core.errors import ValidationFailed
from clico_core.ticket_query import (
    MAX_CURSOR_TOKEN,
    MAX_CURSOR_VALUE,
    MAX_ID,
    MAX_TEXT,
    ListParams,
    check_query,
    decode_cursor,
    encode_cursor,
    read_query,
)
from clico_core.tickets import (
    MAX_SUBJECT,
    Cursor,
    Priority,
    SortColumn,
    TicketQuery,
    TicketStatus,
    cursor_sort_value,
    day_start,
)
from clico_core.values import lookup_text

TEXT_SORTS = [SortColumn.NUMBER, SortColumn.SUBJECT, SortColumn.COMPANY, SortColumn.STATUS]


def _fields(query: TicketQuery) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as error:
        check_query(query)
    return error.value.fields


# --- reading a list link --------------------------------------------------------------------

def test_a_link_reads_into_the_query_it_names() -> None:
    cursor = Cursor("Subject 010", "t-1", backwards=True)
    query = read_query(ListParams(
        text=" vpn ", statuses=("closed", "new"), priority="high", company_id="acme",
        asset_id="pa-1", modified_from="2026-11-01", modified_to="2026-11-03",
        show_closed="1", sort="subject", direction="desc", page_size="50",
        cursor=encode_cursor(cursor, SortColumn.SUBJECT)))
    assert query == TicketQuery(
        statuses=frozenset({TicketStatus.CLOSED, TicketStatus.NEW}), show_closed=True,
        priority=Priority.HIGH, company_id="acme", asset_id="pa-1", text="vpn",
        modified_from=date(2026, 11, 1), modified_to=date(2026, 11, 3),
        sort=SortColumn.SUBJECT, descending=True, page_size=50, cursor=cursor)
    check_query(query)


def test_an_empty_link_is_the_default_list() -> None:
    assert read_query(ListParams()) == TicketQuery()


@pytest.mark.parametrize("params", [
    ListParams(page_size="7"), ListParams(page_size="-1"), ListParams(page_size="²"),
    ListParams(page_size="9" * 5000), ListParams(page_size="１０"),
    ListParams(page_size="99999999999999"), ListParams(sort="password"),
    ListParams(direction="sideways"), ListParams(statuses=("deleted",)),
    ListParams(priority="urgent"), ListParams(modified_from="2026-13-45"),
    ListParams(modified_to="tomorrow"), ListParams(company_id="x" * (MAX_ID + 1)),
    ListParams(asset_id="\x00"), ListParams(asset_id="a\u202eb"), ListParams(show_closed="yes"),
])
def test_filters_that_do_not_read_are_left_out(params: ListParams) -> None:
    query = read_query(params)
    assert query == TicketQuery()
    check_query(query)


def test_leading_zeros_still_name_a_page_size() -> None:
    assert read_query(ListParams(page_size="010")).page_size == 10


def test_the_search_text_is_cut_to_the_limit_and_cleaned() -> None:
    query = read_query(ListParams(text="\x00\x01" + "x" * 5000))
    assert query.text == "x" * (MAX_TEXT - 2)
    check_query(query)


def test_time_sorts_start_newest_first_the_others_from_a() -> None:
    assert read_query(ListParams(sort="created")).descending
    assert not read_query(ListParams(sort="number")).descending
    assert read_query(ListParams(sort="number", direction="desc")).descending


# --- the cursor token -----------------------------------------------------------------------

@given(value=st.text(max_size=80), ident=st.text(max_size=40), backwards=st.booleans(),
       sort=st.sampled_from(TEXT_SORTS))
def test_a_cursor_survives_the_link_or_is_refused(value: str, ident: str, backwards: bool,
                                                 sort: SortColumn) -> None:
    cursor = Cursor(value, ident, backwards)
    token = encode_cursor(cursor, sort)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", token)
    read = read_query(ListParams(sort=sort.value, cursor=token))
    assert read.cursor == cursor
    fit = lookup_text(ident, MAX_ID) is not None and (
        value == "" or lookup_text(value, MAX_CURSOR_VALUE) is not None)
    if fit:
        check_query(read)
    else:
        assert _fields(read) == {"cursor": "invalid"}


@given(st.text(max_size=300))
def test_decoding_any_text_gives_a_cursor_or_a_named_refusal(token: str) -> None:
    with contextlib.suppress(ValidationFailed):
        decode_cursor(token, SortColumn.MODIFIED)


def test_the_longest_cursor_the_list_can_make_fits_its_token() -> None:
    """A page of subjects sorted by subject starts after a subject of up to 200 characters
    of any script; the pager's link for it must read back (it did not above ~700)."""
    cursor = Cursor("😀" * MAX_SUBJECT, "😀" * MAX_ID)
    token = encode_cursor(cursor, SortColumn.SUBJECT)
    assert len(token) <= MAX_CURSOR_TOKEN
    query = read_query(ListParams(sort="subject", cursor=token))
    assert query.cursor == cursor
    check_query(query)
    widest = encode_cursor(Cursor("😀" * MAX_CURSOR_VALUE, "😀" * MAX_ID), SortColumn.COMPANY)
    assert len(widest) <= MAX_CURSOR_TOKEN


@pytest.mark.parametrize("token", [
    "abc", "!!!", "x" * (MAX_CURSOR_TOKEN + 1), "ż",
    encode_cursor(Cursor("a", "b"), SortColumn.SUBJECT),  # another sort's cursor
])
def test_a_token_that_is_not_a_cursor_for_this_sort_is_named(token: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        read_query(ListParams(sort="number", cursor=token))
    assert error.value.fields == {"cursor": "invalid"}


# --- one judge, one set of limits ------------------------------------------------------------

def test_a_cursor_value_has_one_limit() -> None:
    """The web refused values over 300 characters and the core over 400: one limit now."""
    at_limit = TicketQuery(sort=SortColumn.SUBJECT, cursor=Cursor("s" * MAX_CURSOR_VALUE, "id"))
    check_query(at_limit)
    over = TicketQuery(sort=SortColumn.SUBJECT, cursor=Cursor("s" * 350, "id"))
    assert _fields(over) == {"cursor": "invalid"}


@pytest.mark.parametrize("cursor", [
    Cursor("2026-01-01T00:00:00", "x"), Cursor("yesterday", "x"),
    Cursor("0001-01-01T00:00:00+14:00", "x"), Cursor("2026-01-01T00:00:00+00:00", "a\x00b"),
    Cursor("2026-01-01T00:00:00+00:00", "\ud800"), Cursor("2026-01-01T00:00:00+00:00", ""),
])
def test_cursors_no_database_can_bind_are_refused(cursor: Cursor) -> None:
    assert _fields(TicketQuery(cursor=cursor)) == {"cursor": "invalid"}


def test_every_bad_field_is_named_at_once() -> None:
    query = TicketQuery(page_size=7, text="x" * (MAX_TEXT + 1), company_id="\x00",
                        modified_from=date(2026, 5, 2), modified_to=date(2026, 5, 1))
    assert _fields(query) == {"page_size": "invalid_choice", "text": "too_long",
                              "company_id": "invalid", "modified_to": "before_from"}


# --- the typed values both adapters share ---------------------------------------------------

def test_a_cursor_value_comes_back_as_the_column_type() -> None:
    moment = datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert cursor_sort_value(SortColumn.MODIFIED, moment.isoformat()) == moment
    assert cursor_sort_value(SortColumn.SUBJECT, "2026-11-01") == "2026-11-01"
    with pytest.raises(ValueError, match="UTC offset"):
        cursor_sort_value(SortColumn.CREATED, "2026-11-01T10:00:00")


def test_the_date_filter_covers_whole_utc_days() -> None:
    query = TicketQuery(modified_from=date(2026, 11, 1), modified_to=date(2026, 11, 3))
    assert query.modified_bounds() == (datetime(2026, 11, 1, tzinfo=UTC),
                                       datetime(2026, 11, 4, tzinfo=UTC))
    assert TicketQuery().modified_bounds() == (None, None)
    assert day_start(date(2026, 11, 1)) == datetime(2026, 11, 1, tzinfo=UTC)
