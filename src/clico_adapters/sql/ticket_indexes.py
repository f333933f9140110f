"""The ``tickets`` table's indexes (and the asset link's): the list's and the queue's
keyset orders, each a scope and a sort ending in ``id`` (docs/performance.md). Defined on
the tables of ``tables``, which imports this module so the one ``metadata`` holds them."""

from __future__ import annotations

from sqlalchemy import Index, text

from .tables import ticket_assets, tickets

# The ticket list's hot path (migration 0002): one index per scope + sort, each ending in
# ``id`` so ``(sort_col, id)`` keyset comparisons and ORDER BY walk the index without sorting.
TICKET_LIST_INDEXES = (
    Index("ix_tickets_company_modified", tickets.c.company_id, tickets.c.modified_at,
          tickets.c.id),
    Index("ix_tickets_company_status_modified", tickets.c.company_id, tickets.c.status,
          tickets.c.modified_at, tickets.c.id),
    Index("ix_tickets_company_created", tickets.c.company_id, tickets.c.created_at,
          tickets.c.id),
    Index("ix_tickets_company_number", tickets.c.company_id, tickets.c.number, tickets.c.id),
    Index("ix_tickets_company_subject", tickets.c.company_id, tickets.c.subject, tickets.c.id),
    Index("ix_tickets_modified", tickets.c.modified_at, tickets.c.id),
    Index("ix_tickets_status_modified", tickets.c.status, tickets.c.modified_at, tickets.c.id),
    Index("ix_tickets_created", tickets.c.created_at, tickets.c.id),
    Index("ix_ticket_assets_asset", ticket_assets.c.asset_id, ticket_assets.c.ticket_id),
)

# Open tickets (migration 0004): the default list shows every status but closed, and old
# tickets are nearly all closed, so walking the indexes above for it would skip closed rows
# one by one. ``ticket_list`` writes that filter as this very predicate, which both planners
# match against the partial indexes.
OPEN_TICKET = "status <> 'closed'"
OPEN_TICKET_INDEXES = (
    Index("ix_tickets_company_open_modified", tickets.c.company_id, tickets.c.modified_at,
          tickets.c.id, sqlite_where=text(OPEN_TICKET), postgresql_where=text(OPEN_TICKET)),
    Index("ix_tickets_open_modified", tickets.c.modified_at, tickets.c.id,
          sqlite_where=text(OPEN_TICKET), postgresql_where=text(OPEN_TICKET)),
)

# A status and a priority together (migration 0023), e.g. open + high: without it the list's
# capped count walked the status index and read a table row per entry to test the
# priority, COUNT_CAP / (the priority's share) rows, 40 times more at 10^6 tickets than at
# 10^3 (docs/performance.md). With it the count walks at most COUNT_CAP + 1 index entries.
STATUS_PRIORITY_INDEX = Index("ix_tickets_company_status_priority_modified",
                              tickets.c.company_id, tickets.c.status, tickets.c.priority,
                              tickets.c.modified_at, tickets.c.id)

# Follow-ups (migration 0011): a ticket's page names the tickets that follow it up. Few
# tickets do, so the index holds only those rows.
FOLLOWS = "follows_id IS NOT NULL"
FOLLOW_UP_INDEX = Index("ix_tickets_follows_id", tickets.c.follows_id, tickets.c.created_at,
                        tickets.c.id, sqlite_where=text(FOLLOWS),
                        postgresql_where=text(FOLLOWS))

# The staff queue (migration 0013): ``Nieprzypisane`` (open, nobody's), ``Moje`` and the
# engineer filter (open, one engineer's) walk these in the list's order (SQLite may search
# the second for ``assignee_id IS NULL`` too; PostgreSQL, when few open tickets are
# nobody's, takes the first rather than filter the open ones); ``Oczekuje na klienta``
# walks ix_tickets_status_modified, ``Wszystkie otwarte`` ix_tickets_open_modified.
# ``ticket_list`` spells the filters as these predicates.
UNASSIGNED_OPEN_TICKET = f"{OPEN_TICKET} AND assignee_id IS NULL"
QUEUE_INDEXES = (
    Index("ix_tickets_unassigned_open_modified", tickets.c.modified_at, tickets.c.id,
          sqlite_where=text(UNASSIGNED_OPEN_TICKET),
          postgresql_where=text(UNASSIGNED_OPEN_TICKET)),
    Index("ix_tickets_assignee_open_modified", tickets.c.assignee_id, tickets.c.modified_at,
          tickets.c.id, sqlite_where=text(OPEN_TICKET), postgresql_where=text(OPEN_TICKET)),
)

# The staff queue by due time (migration 0017), the queue's default order: each view walks
# its own index in ``(sla_order, id)`` order like the modified-time ones above
# (``Wszystkie otwarte``, ``Nieprzypisane``, ``Moje`` and the engineer filter, ``Oczekuje na
# klienta`` and any one status, and every ticket with the closed ones shown).
DUE_INDEXES = (
    Index("ix_tickets_due", tickets.c.sla_order, tickets.c.id),
    Index("ix_tickets_status_due", tickets.c.status, tickets.c.sla_order, tickets.c.id),
    Index("ix_tickets_open_due", tickets.c.sla_order, tickets.c.id,
          sqlite_where=text(OPEN_TICKET), postgresql_where=text(OPEN_TICKET)),
    Index("ix_tickets_unassigned_open_due", tickets.c.sla_order, tickets.c.id,
          sqlite_where=text(UNASSIGNED_OPEN_TICKET),
          postgresql_where=text(UNASSIGNED_OPEN_TICKET)),
    Index("ix_tickets_assignee_open_due", tickets.c.assignee_id, tickets.c.sla_order,
          tickets.c.id, sqlite_where=text(OPEN_TICKET), postgresql_where=text(OPEN_TICKET)),
)
