"""``Historia`` on a ticket's page, for staff only: when, who, what changed, before → after.

The core's ``ticket_history`` refuses customers; the page does not even ask for it then.
"""

from __future__ import annotations

from attrs import frozen
from babel.dates import format_datetime
from starlette.requests import Request

from clico_core.audit import AuditKind
from clico_core.services import HistoryEntry

from ..rendering import STATUS_LABELS, renderer_of
from .ticket_labels import PRIORITY_LABELS


@frozen
class HistoryRow:
    when: str
    who: str
    what: str
    before: str
    after: str


def _what(request: Request, entry: HistoryEntry) -> str:
    gettext = renderer_of(request).gettext
    kind = entry.kind
    if kind is AuditKind.TICKET_OPENED:
        return gettext(request, "Ticket opened")
    if kind is AuditKind.ARTICLE_POSTED:
        if entry.after == "internal_note":
            return gettext(request, "Internal note added")
        return gettext(request, "Public reply added")
    if kind is AuditKind.TICKET_STATUS_CHANGED:
        return gettext(request, "Status")
    if kind is AuditKind.TICKET_PRIORITY_CHANGED:
        return gettext(request, "Priority")
    if kind is AuditKind.TICKET_ASSIGNED:
        return gettext(request, "Assigned engineer")
    if kind is AuditKind.TICKET_CLOSE_REMINDED:
        return gettext(request, "Closing reminder sent")
    if kind is AuditKind.TICKET_SLA:
        return "SLA"
    return kind.value


SLA_EVENTS = {"apply": "Targets applied", "pause": "Paused", "resume": "Resumed",
              "warn": "Three quarters of the time used", "breach": "Breached", "met": "Met",
              "recompute": "Targets recomputed"}
SLA_CLOCKS = {"first_response": "Response due", "resolution": "Resolution due"}


def _sla(request: Request, detail: str) -> str:
    """``breach first_response`` as ``Termin reakcji: Przekroczony``."""
    gettext = renderer_of(request).gettext
    event, _, clock = detail.partition(" ")
    shown = gettext(request, SLA_EVENTS[event]) if event in SLA_EVENTS else event
    if clock in SLA_CLOCKS:
        return f"{gettext(request, SLA_CLOCKS[clock])}: {shown}"
    return shown


def _value(request: Request, entry: HistoryEntry, raw: str) -> str:
    gettext = renderer_of(request).gettext
    if entry.kind is AuditKind.TICKET_STATUS_CHANGED and raw in STATUS_LABELS:
        return gettext(request, STATUS_LABELS[raw])
    if entry.kind is AuditKind.TICKET_PRIORITY_CHANGED and raw in PRIORITY_LABELS:
        return gettext(request, PRIORITY_LABELS[raw])
    if entry.kind is AuditKind.TICKET_ASSIGNED:
        return raw or gettext(request, "Nobody")
    if entry.kind is AuditKind.TICKET_SLA and raw:
        return _sla(request, raw)
    return ""  # an article's kind is in what changed


def history_rows(request: Request, entries: list[HistoryEntry]) -> list[HistoryRow]:
    renderer = renderer_of(request)
    language = renderer.language(request)
    portal = renderer.gettext(request, "Automatic")
    return [HistoryRow(format_datetime(e.at, "medium", locale=language),
                       e.actor_name or portal, _what(request, e),
                       _value(request, e, e.before), _value(request, e, e.after))
            for e in entries]
