"""Tickets, their vocabulary, and the shape of a ticket-list query and its page."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from attrs import define, field, frozen

from .questionnaires import Questionnaire
from .values import AccountId, AssetId, CompanyId, ContractId, TicketId

if TYPE_CHECKING:
    from .sla import ClockView, TicketSla

TICKET_NUMBER_PREFIX = "CSS-"
MAX_SUBJECT = 200
MAX_DESCRIPTION = 100_000  # bytes of sanitised HTML


def format_ticket_number(sequence: int) -> str:
    """Human-readable, unique, sortable: ``CSS-000042``."""
    return f"{TICKET_NUMBER_PREFIX}{sequence:06d}"


class TicketKind(enum.StrEnum):
    ADMINISTRATIVE = "administrative"
    TECHNICAL = "technical"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(s for s in TicketStatus if s is not TicketStatus.CLOSED)


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"


class RelationType(enum.StrEnum):
    INCIDENT = "incident"
    QUESTION = "question"
    CONFIGURATION = "configuration"
    RMA = "rma"
    LICENSING = "licensing"
    PORTAL = "portal"


@define(eq=False)
class Ticket:
    id: TicketId
    number: str
    kind: TicketKind
    subject: str
    description: str  # HTML, sanitised by ``open_ticket`` (the sanitizer port) before it is stored
    priority: Priority
    relation_type: RelationType
    company_id: CompanyId
    reporter_id: AccountId
    created_at: datetime
    modified_at: datetime  # ``Data modyfikacji``: the last public activity
    status: TicketStatus = TicketStatus.NEW
    asset_ids: list[AssetId] = field(factory=list)
    contract_id: ContractId | None = None
    questionnaire_id: str | None = None
    answers: dict[str, str] = field(factory=dict)
    idempotency_key: str | None = None
    # the conversation (ticket_status.py): who handles it, when it was last resolved and
    # closed, when the "closing soon" reminder went out, the closed ticket it follows up
    assignee_id: AccountId | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    close_reminded_at: datetime | None = None
    follows_id: TicketId | None = None
    # bumped by every stored change of state: a write based on an older read is refused
    version: int = 0
    # the SLA (clico_core.sla): the clocks, and what they make due, stored so the queue
    # sorts and filters by an index; ``sla_alert_at`` is when the worker looks again
    sla: TicketSla | None = None
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    sla_paused: bool = False
    sla_alert_at: datetime | None = None
    # the nearest moment a running clock passes 75 % of its target: the queue's warning mark
    sla_warning_at: datetime | None = None

    @property
    def sla_due(self) -> datetime | None:
        """The nearest due time: what the queue sorts by."""
        dues = [due for due in (self.first_response_due, self.resolution_due) if due]
        return min(dues) if dues else None


class SortColumn(enum.StrEnum):
    NUMBER = "number"
    SUBJECT = "subject"
    MODIFIED = "modified"
    COMPANY = "company"
    CREATED = "created"  # the ``Wiek`` (age) column sorts by creation time
    STATUS = "status"
    DUE = "due"  # ``Termin``: the nearest SLA due time, none last (``due_order``)


# sorts whose values are instants (cursors carry them as ISO text with their offset)
TIME_SORTS = frozenset({SortColumn.MODIFIED, SortColumn.CREATED, SortColumn.DUE})
# sorts whose natural direction is newest first; the others (the due time too) ascend
DESCENDING_SORTS = frozenset({SortColumn.MODIFIED, SortColumn.CREATED})
# A ticket with no running clock (none applied, paused, stopped) sorts by due time as if due
# exactly 4,000 years after its creation: after every real due time, oldest first. 4,000
# years are 10 Gregorian cycles of 146,097 days, so the shifted instant is the same calendar
# date and time (the SQL migration shifts the year). Distinct values rather than one
# sentinel: a view of tickets none of which has a due time (``Oczekuje na klienta``: every
# clock paused) still pages along an index by a value the planner can estimate.
NO_DUE_SHIFT = timedelta(days=10 * 146_097)


def due_order(sla_due: datetime | None, created_at: datetime) -> datetime:
    """A ticket's key in the due order: its nearest due time, else its creation shifted
    past every due time (never None: the SQL adapter stores it in a non-null column, so
    keyset pages never meet a NULL)."""
    return sla_due if sla_due is not None else created_at + NO_DUE_SHIFT

PAGE_SIZES = (10, 25, 50, 100)
COUNT_CAP = 1000


@frozen
class Cursor:
    """Keyset position: the sort value and id of the row a page starts after (or before)."""

    value: str
    id: str
    backwards: bool = False


@frozen
class TicketQuery:
    """Filters, sort and page of the ticket list; all applied by the repository, before paging."""

    statuses: frozenset[TicketStatus] = frozenset()  # empty: every open status
    show_closed: bool = False
    priority: Priority | None = None
    company_id: CompanyId | None = None
    asset_id: AssetId | None = None
    text: str = ""
    modified_from: date | None = None
    modified_to: date | None = None
    sort: SortColumn = SortColumn.MODIFIED
    descending: bool = True
    page_size: int = 25
    cursor: Cursor | None = None
    # the staff queue's filters (clico_core/queue.py): who handles the ticket, nobody
    # (``unassigned``), a vendor of its assets, and created before a moment (its age)
    assignee_id: AccountId | None = None
    unassigned: bool = False
    vendor: str | None = None
    created_before: datetime | None = None

    def wanted_statuses(self) -> frozenset[TicketStatus]:
        """Explicitly chosen statuses win; otherwise the open ones, plus closed when shown."""
        if self.statuses:
            return self.statuses
        return frozenset(TicketStatus) if self.show_closed else OPEN_STATUSES

    def modified_bounds(self) -> tuple[datetime | None, datetime | None]:
        """The modified-date filter as instants: from the start of ``modified_from`` up to,
        not including, the start of the day after ``modified_to`` (UTC days; None: open)."""
        start = day_start(self.modified_from) if self.modified_from is not None else None
        end = (day_start(self.modified_to + timedelta(days=1))
               if self.modified_to is not None else None)
        return start, end


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


@frozen
class TicketRow:
    """One line of the ticket list: columns, not the entity."""

    id: TicketId
    number: str
    subject: str
    modified_at: datetime
    created_at: datetime
    company_name: str
    status: TicketStatus
    priority: Priority
    kind: TicketKind
    assignee_name: str = ""  # ``Przypisany``: filled for staff (the queue), else empty
    sla_due: datetime | None = None  # the nearest SLA due time (None: no running clock)
    sla_warning_at: datetime | None = None  # when the nearest running clock passes 75 %


@frozen
class TicketPage:
    rows: tuple[TicketRow, ...]
    total: int  # exact up to COUNT_CAP, else COUNT_CAP with ``total_capped``
    total_capped: bool
    next_cursor: Cursor | None
    previous_cursor: Cursor | None


def row_sort_value(row: TicketRow, column: SortColumn) -> str | datetime:
    """A row's value in the sort column: an aware datetime on ``TIME_SORTS``, else text."""
    if column is SortColumn.MODIFIED:
        return row.modified_at
    if column is SortColumn.CREATED:
        return row.created_at
    if column is SortColumn.DUE:
        return due_order(row.sla_due, row.created_at)
    return {
        SortColumn.NUMBER: row.number,
        SortColumn.SUBJECT: row.subject,
        SortColumn.COMPANY: row.company_name,
        SortColumn.STATUS: row.status.value,
    }[column]


def sort_key_of(row: TicketRow, column: SortColumn) -> str:
    """The string form of a row's sort value, as cursors carry it."""
    value = row_sort_value(row, column)
    return value.isoformat() if isinstance(value, datetime) else value


def cursor_time(key: str) -> datetime:
    """A cursor's time (``sort_key_of`` on ``TIME_SORTS``) back as an aware datetime;
    ``ValueError`` when it is mangled or lacks its UTC offset."""
    moment = datetime.fromisoformat(key)
    if moment.tzinfo is None:
        raise ValueError("a cursor's time carries its UTC offset")
    return moment


def cursor_sort_value(column: SortColumn, key: str) -> str | datetime:
    """A cursor's string back as the column's value (the inverse of ``sort_key_of``), to
    compare rows with: an aware datetime on ``TIME_SORTS`` (else ``ValueError``), else text."""
    return cursor_time(key) if column in TIME_SORTS else key


@frozen
class TicketScope:
    """What a viewer may see: the tickets of companies with a contract active on the account
    (or everything, for staff). An account with no active contract sees only the tickets it
    reported itself (``reporter_id``), e.g. the administrative ticket asking for help."""

    company_ids: frozenset[CompanyId]
    everything: bool = False
    reporter_id: AccountId | None = None

    def allows(self, company_id: CompanyId) -> bool:
        return self.everything or company_id in self.company_ids

    def allows_ticket(self, company_id: CompanyId, reporter_id: AccountId) -> bool:
        return self.allows(company_id) or (self.reporter_id is not None
                                           and reporter_id == self.reporter_id)


@frozen
class TicketDetail:
    """What the ticket page shows: the ticket with the names it refers to, its description
    made safe to show (sanitised HTML) and the questionnaire its answers reply to."""

    ticket: Ticket
    company_name: str
    reporter_name: str
    assets: tuple[tuple[str, str, str, str], ...]  # (asset id, name, vendor, serial)
    contract_number: str | None
    answers: Mapping[str, str]
    description: str = ""  # the ticket's description, sanitised again before it is shown
    questionnaire: Questionnaire | None = None  # technical tickets: the questions answered
    assignee_name: str = ""  # ``Przypisany``: the engineer handling it (empty: nobody)
    follows: str | None = None  # the number of the closed ticket this one follows up
    followed_by: tuple[str, ...] = ()  # the numbers of the tickets that follow this one up
    sla: tuple[ClockView, ...] = ()  # the SLA clocks as both sides see them (none: no SLA)


@frozen
class TicketLink:
    """A ticket another one links to (its follow-up): enough to show it to who may see it."""

    id: TicketId
    number: str
    company_id: CompanyId
    reporter_id: AccountId
