"""Administrators' webhooks: register, change, disable or delete an endpoint, read its
delivery log, resend one."""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from ..audit import AuditEvent, AuditKind
from ..errors import NotFound, ValidationFailed
from ..roles import require_admin
from ..webhooks import (
    GIVE_UP_AFTER_HOURS,
    SECRET_BYTES,
    WebhookDelivery,
    WebhookEndpoint,
    check_url,
    read_events,
)
from .context import Ports, Viewer

LOG_LIMIT = 100


@frozen
class RegisterWebhook:
    url: str
    company: str  # a company's name; "" for a global endpoint
    events: tuple[str, ...]


@frozen
class NewWebhook:
    """The endpoint and its signing secret, shown this once."""

    endpoint: WebhookEndpoint
    secret: str


@frozen
class WebhookRow:
    endpoint: WebhookEndpoint
    company_name: str  # "" for a global endpoint


@frozen
class WebhookLog:
    endpoint: WebhookEndpoint
    company_name: str
    deliveries: tuple[WebhookDelivery, ...]  # newest first, at most LOG_LIMIT


def register_webhook(viewer: Viewer, cmd: RegisterWebhook, ports: Ports) -> NewWebhook:
    """Register an endpoint for one company (by name) or for all; every problem with the
    form is one ``ValidationFailed`` naming each field."""
    require_admin(viewer.account)
    problems: dict[str, str] = {}
    url = ""
    try:
        url = check_url(cmd.url, allow_private=ports.webhooks_allow_private)
    except ValidationFailed as error:
        problems.update(error.fields)
    try:
        events = read_events(list(cmd.events))
    except ValidationFailed as error:
        problems.update(error.fields)
    now = ports.clock.now()
    with ports.uow() as uow:
        company_id = None
        if cmd.company.strip():
            company = uow.companies.get_by_name(cmd.company.strip())
            if company is None:
                problems["company"] = "unknown_company"
            else:
                company_id = company.id
        if problems:
            raise ValidationFailed(problems)
        secret = ports.secrets.token(SECRET_BYTES)
        endpoint = WebhookEndpoint(id=ports.secrets.new_id(), url=url, company_id=company_id,
                                   events=events, created_at=now, secret=secret)
        uow.webhooks.add_endpoint(endpoint)
        uow.audit.record(AuditEvent(AuditKind.WEBHOOK_REGISTERED, now, viewer.account.id,
                                    detail=f"{endpoint.id} {url}"))
        uow.commit()
    return NewWebhook(endpoint, secret)


def list_webhooks(viewer: Viewer, ports: Ports) -> tuple[WebhookRow, ...]:
    """Every endpoint, oldest first, with its company's name."""
    require_admin(viewer.account)
    with ports.uow(readonly=True) as uow:
        endpoints = uow.webhooks.endpoints()
        ids = sorted({e.company_id for e in endpoints if e.company_id})
        names = {c.id: c.name for c in uow.companies.list_by_ids(ids)} if ids else {}
    return tuple(WebhookRow(e, names.get(e.company_id or "", "")) for e in endpoints)


def webhook_log(viewer: Viewer, endpoint_id: str, ports: Ports) -> WebhookLog:
    """An endpoint and its latest deliveries; an unknown endpoint is ``NotFound``."""
    require_admin(viewer.account)
    with ports.uow(readonly=True) as uow:
        endpoint = uow.webhooks.get_endpoint(endpoint_id)
        if endpoint is None:
            raise NotFound()
        deliveries = uow.webhooks.deliveries(endpoint.id, LOG_LIMIT)
        company = uow.companies.get(endpoint.company_id) if endpoint.company_id else None
    return WebhookLog(endpoint, company.name if company else "", tuple(deliveries))


def redeliver_webhook(viewer: Viewer, endpoint_id: str, delivery_id: str,
                      ports: Ports) -> None:
    """``Wyślij ponownie``: the same delivery (id and body) is due again now and tried for
    another period; the receiver dedupes by its id."""
    require_admin(viewer.account)
    now = ports.clock.now()
    with ports.uow() as uow:
        if not uow.webhooks.resend(endpoint_id, delivery_id, now,
                                   now + timedelta(hours=GIVE_UP_AFTER_HOURS)):
            raise NotFound()
        uow.audit.record(AuditEvent(AuditKind.WEBHOOK_REDELIVERED, now, viewer.account.id,
                                    detail=delivery_id))
        uow.commit()


@frozen
class ChangeWebhook:
    """An endpoint's events and whether it is enabled (its address and company stay);
    None leaves that part as it is."""

    events: tuple[str, ...] | None = None
    enabled: bool | None = None


def change_webhook(viewer: Viewer, endpoint_id: str, cmd: ChangeWebhook, ports: Ports) -> None:
    """Set an endpoint's events and enable or disable it. A disabled endpoint records no
    new deliveries; its pending ones wait (they are not cancelled) and go out, in order, once
    it is enabled again. No event chosen is ``ValidationFailed`` on ``events``."""
    require_admin(viewer.account)
    chosen = None if cmd.events is None else read_events(list(cmd.events))
    now = ports.clock.now()
    with ports.uow() as uow:
        endpoint = uow.webhooks.get_endpoint(endpoint_id)
        if endpoint is None:
            raise NotFound()
        events = endpoint.events if chosen is None else chosen
        enabled = endpoint.enabled if cmd.enabled is None else cmd.enabled
        if not uow.webhooks.change_endpoint(endpoint_id, events, enabled):
            raise NotFound()
        state = "enabled" if enabled else "disabled"
        uow.audit.record(AuditEvent(
            AuditKind.WEBHOOK_CHANGED, now, viewer.account.id,
            detail=f"{endpoint_id} {state} {','.join(sorted(e.value for e in events))}"))
        uow.commit()


def delete_webhook(viewer: Viewer, endpoint_id: str, ports: Ports) -> int:
    """Delete an endpoint with every delivery of it (pending ones are never sent); the
    number of deliveries deleted. Audited with the endpoint's address."""
    require_admin(viewer.account)
    now = ports.clock.now()
    with ports.uow() as uow:
        endpoint = uow.webhooks.get_endpoint(endpoint_id)
        gone = uow.webhooks.delete_endpoint(endpoint_id) if endpoint else None
        if endpoint is None or gone is None:
            raise NotFound()
        uow.audit.record(AuditEvent(AuditKind.WEBHOOK_DELETED, now, viewer.account.id,
                                    detail=f"{endpoint_id} {endpoint.url} {gone} deliveries"))
        uow.commit()
    return gone
