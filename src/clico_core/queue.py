"""The staff queue's link (``Kolejka``): its saved views, its filters beyond the customer
list's (engineer, vendor, age) and the reading of a queue link into a ``TicketQuery``.

A queue link is the ticket list's link (``ListParams``, read by ``read_query``) plus the
view and the staff filters, read as leniently: what does not read is left out. The view's
own conditions ("mine", ages) need the viewer and the moment, so ``QueueQuery.for_viewer``
adds them once the viewer is known; ``check_query`` judges the result like any list query.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import evolve, field, frozen

from .ticket_query import MAX_ID, MAX_VENDOR, ListParams, read_query
from .tickets import SortColumn, TicketQuery, TicketRow, TicketStatus
from .values import AccountId

AGE_CHOICES = (1, 3, 7, 30)  # ``Wiek``: tickets older than this many days
# The queue's order unless its link names another: the nearest SLA due time first, tickets
# with no running clock after every due one, oldest first (``tickets.due_order``)
DEFAULT_SORT = SortColumn.DUE


class DueMark(enum.StrEnum):
    """A queue row's SLA mark: a running clock past 75 % of its target, or past 100 %."""

    WARNING = "warning"
    BREACH = "breach"


def due_mark(row: TicketRow, now: datetime) -> DueMark | None:
    """The row's mark at ``now``, from what the row stores (the nearest due time and the
    nearest 75 % instant of the running clocks): a breach from the due time on, a warning
    from the 75 % instant on (exactly 75 % is a warning), none for a ticket whose clocks
    are paused or stopped (nothing is running towards a target)."""
    if row.sla_due is not None and now >= row.sla_due:
        return DueMark.BREACH
    if row.sla_warning_at is not None and now >= row.sla_warning_at:
        return DueMark.WARNING
    return None


class QueueView(enum.StrEnum):
    """The saved views: ``Nieprzypisane``, ``Moje``, ``Oczekuje na klienta``,
    ``Wszystkie otwarte``."""

    UNASSIGNED = "unassigned"
    MINE = "mine"
    WAITING = "waiting"
    OPEN = "open"


_VIEWS = {v.value: v for v in QueueView}
_AGES = {str(days): days for days in AGE_CHOICES}


@frozen
class QueueParams:
    """A queue link's parameters as text (None: not given)."""

    view: str | None = None
    list: ListParams = field(factory=ListParams)
    engineer: str | None = None  # an engineer's account id
    vendor: str | None = None
    age: str | None = None  # days, one of ``AGE_CHOICES``


@frozen
class QueueQuery:
    """A queue link read: the view, the list query with the staff filters, the age."""

    view: QueueView = QueueView.UNASSIGNED
    query: TicketQuery = field(factory=TicketQuery)
    age_days: int | None = None

    def for_viewer(self, me: AccountId, now: datetime) -> TicketQuery:
        """The list query this view asks for when ``me`` looks at it at ``now``."""
        query = self.query
        if self.view is QueueView.UNASSIGNED:
            query = evolve(query, unassigned=True)
        elif self.view is QueueView.MINE:
            query = evolve(query, assignee_id=me)
        elif self.view is QueueView.WAITING and not query.statuses:
            query = evolve(query, statuses=frozenset({TicketStatus.WAITING_FOR_CUSTOMER}))
        if self.age_days is not None:
            query = evolve(query, created_before=now - timedelta(days=self.age_days))
        return query


def _text(raw: str | None, limit: int) -> str | None:
    if not raw or len(raw) > limit or not raw.isprintable() or not raw.strip():
        return None
    return raw.strip()


def read_queue(params: QueueParams) -> QueueQuery:
    """The queue a link asks for; a cursor that does not decode is ``ValidationFailed``."""
    query = read_query(params.list, DEFAULT_SORT)
    vendor = _text(params.vendor, MAX_VENDOR)
    query = evolve(query, assignee_id=_text(params.engineer, MAX_ID),
                   vendor=vendor.lower() if vendor else None)
    return QueueQuery(_VIEWS.get(params.view or "", QueueView.UNASSIGNED), query,
                      _AGES.get(params.age or ""))
