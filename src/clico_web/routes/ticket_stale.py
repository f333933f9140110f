"""The message of a change refused as stale (``StaleTicket``): what changed since the form
was rendered, by whom and when, and that nothing was saved (``collaboration.po``)."""

from __future__ import annotations

from collections.abc import Mapping

from babel.dates import format_time
from starlette.requests import Request

from clico_core.errors import StaleTicket, TicketChange

from ..rendering import PORTAL_ZONE, STATUS_LABELS, renderer_of
from .ticket_labels import PRIORITY_LABELS

STATUS_CHANGED = "Status changed from %(before)s to %(after)s by %(actor)s at %(time)s"
PRIORITY_CHANGED = "Priority changed from %(before)s to %(after)s by %(actor)s at %(time)s"
ASSIGNED = "Assigned to %(after)s by %(actor)s at %(time)s"
UNASSIGNED = "Unassigned by %(actor)s at %(time)s"
REPLIED = "New reply by %(actor)s at %(time)s"
NOT_SAVED = "%(changes)s; your change was not saved."
NOT_SAVED_UNKNOWN = "The ticket was changed since you opened it; your change was not saved."
THE_PORTAL = "the portal"  # a change nobody made by hand (the auto-close job)
STALE_MSGIDS = (STATUS_CHANGED, PRIORITY_CHANGED, ASSIGNED, UNASSIGNED, REPLIED, NOT_SAVED,
                NOT_SAVED_UNKNOWN, THE_PORTAL)


def _sentence(request: Request, change: TicketChange) -> str:
    renderer = renderer_of(request)
    language = renderer.language(request)

    def _(msgid: str) -> str:
        return renderer.gettext(request, msgid)

    def label(labels: Mapping[str, str], value: str) -> str:
        return _(labels[value]) if value in labels else value

    values = {"actor": change.actor or _(THE_PORTAL),
              # on the portal's wall clock, as the conversation shows them
              "time": format_time(change.at, "HH:mm", tzinfo=PORTAL_ZONE, locale=language)}
    if change.what == "status":
        return renderer.gettext(request, STATUS_CHANGED, **values,
                                before=label(STATUS_LABELS, change.before),
                                after=label(STATUS_LABELS, change.after))
    if change.what == "priority":
        return renderer.gettext(request, PRIORITY_CHANGED, **values,
                                before=label(PRIORITY_LABELS, change.before),
                                after=label(PRIORITY_LABELS, change.after))
    if change.what == "assignee":
        if not change.after:
            return renderer.gettext(request, UNASSIGNED, **values)
        return renderer.gettext(request, ASSIGNED, **values, after=change.after)
    return renderer.gettext(request, REPLIED, **values)


def stale_message(request: Request, error: StaleTicket) -> str:
    """One sentence naming every change since (latest last), ending with "not saved"."""
    if not error.changes:
        return renderer_of(request).gettext(request, NOT_SAVED_UNKNOWN)
    changes = "; ".join(_sentence(request, c) for c in error.changes)
    return renderer_of(request).gettext(request, NOT_SAVED, changes=changes)
