"""The SQL ticket list returns exactly what the in-memory reference returns, page by page,
for many random queries over awkward data (ties, Unicode, LIKE wildcards in the text)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from attrs import evolve

from clico_adapters.memory import MemoryUnitOfWorkFactory
from clico_adapters.sql import SqlDatabase
from clico_core.accounts import Account
from clico_core.ports import UnitOfWorkFactory
from clico_core.testing import builders as b
from clico_core.tickets import (
    PAGE_SIZES,
    Priority,
    SortColumn,
    Ticket,
    TicketPage,
    TicketQuery,
    TicketScope,
    TicketStatus,
)

SUBJECTS = ["VPN down", "vpn DOWN again", "Straße gesperrt", "STRASSE", "Łódź: zażółć",
            "50% packet loss", "under_score", "a/b slash", "Ünïcode", "zz top", "Ąą", "aa"]
TEXTS = ["", "vpn", "STRASSE", "straße", "ŁÓDŹ", "%", "_", "/", "css-0000", "0001", "zz", "ą"]


def _fill(factories: list[UnitOfWorkFactory], rng: random.Random) -> list[str]:
    companies = [b.company(name) for name in ("Acme", "beta", "Ćma", "acme2")]
    reporters = [b.account(c.id) for c in companies]
    assets = [b.asset(c.id) for c in companies]
    tickets = []
    for i in range(140):
        owner = rng.randrange(len(companies))
        tickets.append(b.ticket(
            companies[owner].id, reporters[owner].id, f"CSS-{rng.randrange(10**6):06d}-{i}",
            subject=rng.choice(SUBJECTS), status=rng.choice(list(TicketStatus)),
            priority=rng.choice(list(Priority)),
            asset_ids=[assets[owner].id] if rng.random() < 0.3 else None,
            # few distinct instants: many ties on the date columns, broken by id
            minutes=rng.choice([0, 1, 60 * 24, 60 * 47, 60 * 24 * 3]) + rng.choice([0, 0, 7])))
        _due(tickets[-1], rng, reporters)
    for factory in factories:
        with factory() as uow:
            for c in companies:
                uow.companies.add(c)
            for r in reporters:
                uow.accounts.add(r)
            for a in assets:
                uow.assets.add(a)
            for t in tickets:
                uow.tickets.add(t)
            uow.commit()
    return [c.id for c in companies] + [a.id for a in assets] + [r.id for r in reporters]


DUE_MINUTES = [None, None, None, 30, 60, 60, 60 * 8, 60 * 24 * 2]  # ties and no due at all


def _due(ticket: Ticket, rng: random.Random, handlers: list[Account]) -> None:
    """Due times as the clocks store them: few distinct instants (ties broken by id), a
    third with no running clock (sorted after every due one), some handled by someone."""
    first, resolution = (rng.choice(DUE_MINUTES), rng.choice(DUE_MINUTES))
    ticket.first_response_due = None if first is None else b.T0 + timedelta(minutes=first)
    ticket.resolution_due = (None if resolution is None
                             else b.T0 + timedelta(minutes=resolution))
    if ticket.sla_due is not None:
        ticket.sla_warning_at = ticket.sla_due - timedelta(minutes=rng.choice([0, 15]))
    ticket.assignee_id = rng.choice([None, None, *(h.id for h in handlers)])


def _random_query(rng: random.Random, ids: list[str]) -> tuple[TicketScope, TicketQuery]:
    companies, assets, reporters = ids[:4], ids[4:8], ids[8:]
    scope = (TicketScope(frozenset(), everything=True) if rng.random() < 0.3
             else TicketScope(frozenset(rng.sample(companies, rng.randint(1, 3)))))
    statuses = frozenset(rng.sample(list(TicketStatus), rng.choice([0, 0, 0, 1, 2, 3])))
    day = b.T0.date() + timedelta(days=rng.randint(-1, 4))
    query = TicketQuery(
        statuses=statuses, show_closed=rng.random() < 0.5,
        priority=rng.choice([None] * 8 + list(Priority)),
        company_id=rng.choice([None, None, None, *companies]),
        asset_id=rng.choice([None] * 8 + assets),
        text=rng.choice(TEXTS) if rng.random() < 0.3 else "",
        modified_from=rng.choice([None, None, None, day]),
        modified_to=rng.choice([None, None, None, day + timedelta(days=rng.randint(0, 2))]),
        sort=rng.choice([*SortColumn, SortColumn.DUE]), descending=rng.random() < 0.5,
        page_size=rng.choice(PAGE_SIZES[:2]))
    if scope.everything:  # the staff queue's own filters
        query = evolve(query, unassigned=rng.random() < 0.2,
                       assignee_id=rng.choice([None, None, None, *reporters]))
    return scope, query


def _pages(factory: UnitOfWorkFactory, scope: TicketScope, query: TicketQuery
           ) -> list[TicketPage]:
    """Forward to the end, then back to the start through previous cursors."""
    with factory(readonly=True) as uow:
        pages = [uow.tickets.page_for(scope, query)]
        while pages[-1].next_cursor is not None and len(pages) < 30:
            pages.append(uow.tickets.page_for(scope, evolve(query, cursor=pages[-1].next_cursor)))
        back = pages[-1]
        while back.previous_cursor is not None and len(pages) < 60:
            back = uow.tickets.page_for(scope, evolve(query, cursor=back.previous_cursor))
            pages.append(back)
    return pages


def test_random_queries_page_exactly_like_the_memory_adapter(sql_database: SqlDatabase
                                                             ) -> None:
    rng = random.Random(2026)
    memory = MemoryUnitOfWorkFactory()
    ids = _fill([memory, sql_database.uow_factory], rng)
    for _ in range(150):
        scope, query = _random_query(rng, ids)
        expected = _pages(memory, scope, query)
        assert _pages(sql_database.uow_factory, scope, query) == expected, (scope, query)


def test_dates_filter_whole_utc_days(sql_database: SqlDatabase) -> None:
    rng = random.Random(1)
    memory = MemoryUnitOfWorkFactory()
    ids = _fill([memory, sql_database.uow_factory], rng)
    scope = TicketScope(frozenset(ids[:4]))
    for start in range(-1, 4):
        day = date(2026, 1, 1) + timedelta(days=start)
        query = TicketQuery(show_closed=True, modified_from=day, modified_to=day,
                            page_size=100)
        assert _pages(sql_database.uow_factory, scope, query) == _pages(memory, scope, query)
