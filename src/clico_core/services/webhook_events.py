"""Recording webhook events inside the unit of work of the change that causes them."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..articles import Article, ArticleKind
from ..ports import SecretGenerator, UnitOfWork
from ..tickets import Ticket
from ..webhooks import GIVE_UP_AFTER_HOURS, WebhookDelivery, WebhookEvent, delivery_body


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def ticket_data(ticket: Ticket) -> dict[str, object]:
    """What every event says about its ticket (what the company's people see of it)."""
    return {"id": ticket.id, "number": ticket.number, "subject": ticket.subject,
            "kind": ticket.kind.value, "status": ticket.status.value,
            "priority": ticket.priority.value, "company_id": ticket.company_id,
            "created_at": _iso(ticket.created_at), "modified_at": _iso(ticket.modified_at)}


def record_event(uow: UnitOfWork, secrets: SecretGenerator, event: WebhookEvent, ticket: Ticket,
                 now: datetime, **data: object) -> int:
    """Queue one delivery of ``event`` for each endpoint that wants it; return how many."""
    endpoints = uow.webhooks.matching(event, ticket.company_id)
    for endpoint in endpoints:
        delivery_id = secrets.new_id()
        body = delivery_body(delivery_id, event, now, {"ticket": ticket_data(ticket), **data})
        uow.webhooks.enqueue(WebhookDelivery(
            id=delivery_id, endpoint_id=endpoint.id, event=event, ticket_id=ticket.id,
            body=body, created_at=now, give_up_at=now + timedelta(hours=GIVE_UP_AFTER_HOURS),
            next_attempt_at=now))
    return len(endpoints)


def record_reply(uow: UnitOfWork, secrets: SecretGenerator, ticket: Ticket, article: Article,
                 now: datetime) -> int:
    """A public reply's event; an internal note is never one, for no endpoint at all."""
    if article.kind is not ArticleKind.PUBLIC_REPLY:
        return 0
    return record_event(uow, secrets, WebhookEvent.PUBLIC_REPLY, ticket, now, article={
        "id": article.id, "author_role": article.author_role.value,
        "author_name": article.author_name, "created_at": _iso(article.created_at),
        "body": article.body})
