"""Follow-up tickets: once a closed ticket can no longer be reopened by a reply (more than
``StatusRules.reopen_within`` after it closed), a new ticket that links it is the way on.

``follow_up_draft`` is what the new-ticket form starts from (the old ticket's subject,
relation type, priority and asset); ``open_ticket(OpenTicket(follows=number))`` stores the
link after ``FollowUpAllowed`` has judged it inside the write; both ticket pages then name
each other (``ticket_detail``: ``follows`` / ``followed_by``).
"""

from __future__ import annotations

from attrs import frozen

from ..errors import NotFound, ValidationFailed
from ..policies import check_rule
from ..ports import UnitOfWork
from ..ticket_status import FollowUpAllowed
from ..tickets import Priority, RelationType, Ticket, TicketKind
from ..values import TicketId, lookup_text
from .context import Ports, Viewer


@frozen
class FollowUpDraft:
    """The new-ticket form of a follow-up, filled from the ticket it follows up."""

    follows: str  # the old ticket's number
    subject: str
    kind: TicketKind
    relation_type: RelationType
    priority: Priority
    asset_id: str | None  # a technical ticket's (first) asset; the form checks its cover


def _visible(uow: UnitOfWork, viewer: Viewer, number: str) -> Ticket | None:
    wanted = lookup_text(number, 32)
    ticket = uow.tickets.get_by_number(wanted) if wanted else None
    if ticket is None or not viewer.scope.allows_ticket(ticket.company_id, ticket.reporter_id):
        return None
    return ticket


def followed_ticket(uow: UnitOfWork, viewer: Viewer, number: str | None,
                    ports: Ports) -> TicketId | None:
    """Inside ``open_ticket``'s write: the id of the ticket a follow-up links, or a field
    error on ``follows`` (not the viewer's ticket, not closed, or still reopenable)."""
    if not number:
        return None
    old = _visible(uow, viewer, number)
    if old is None:
        raise ValidationFailed({"follows": "invalid"})
    check_rule(FollowUpAllowed(old, ports.clock.now(), ports.status_rules))
    return old.id


def follow_up_draft(viewer: Viewer, number: str, ports: Ports) -> FollowUpDraft:
    """The form of a new ticket following up ``number``. ``NotFound`` when the viewer
    cannot see it; ``ValidationFailed`` on ``follows`` when it is not (yet) one to follow
    up: open, or closed recently enough that a reply reopens it."""
    with ports.uow(readonly=True) as uow:
        old = _visible(uow, viewer, number)
    if old is None:
        raise NotFound()
    check_rule(FollowUpAllowed(old, ports.clock.now(), ports.status_rules))
    return FollowUpDraft(
        follows=old.number, subject=old.subject, kind=old.kind,
        relation_type=old.relation_type, priority=old.priority,
        asset_id=old.asset_ids[0] if old.asset_ids else None)
