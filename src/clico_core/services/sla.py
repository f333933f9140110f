"""The SLA worker job: warn at 75 % of a target and report a breach at 100 %, each once."""

from __future__ import annotations

from attrs import frozen

from ..audit import AuditKind
from ..mail import MailTemplate
from ..sla import SlaEventKind, alerts_due
from ..webhooks import WebhookEvent
from .context import Ports, _zone
from .sla_tracking import event_detail, store_due_times, support_level
from .ticket_changes import TicketChanges
from .webhook_events import record_event

BATCH = 100


@frozen
class SlaAlertReport:
    warnings: int
    breaches: int


def send_sla_alerts(ports: Ports) -> SlaAlertReport:
    """Mail the assigned engineer (or the support inbox) about each warning and breach now
    due. Each is marked on the ticket's locked row in the transaction that queues its mail,
    so a restart or a second worker never sends it twice; while an 8×5 level's calendar is
    closed nothing is sent (the ticket is looked at again when it opens)."""
    now = ports.clock.now()
    warnings = breaches = 0
    with ports.uow(readonly=True) as uow:
        candidates = uow.tickets.sla_alerts_due(now, BATCH)
    for ticket_id in candidates:
        with ports.uow() as uow:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None or ticket.sla is None or ticket.sla_alert_at is None \
                    or ticket.sla_alert_at > now:
                continue  # another worker got there first
            changes = TicketChanges(uow, ports, None, now)
            level = support_level(uow, ports, ticket.sla.level)
            ticket.sla, events = alerts_due(ticket.sla, level, now)
            store_due_times(ticket, level, now)
            for event in events:
                assert event.clock is not None
                changes.record(AuditKind.TICKET_SLA, ticket, event_detail(event))
                due = ticket.sla.clock(event.clock).due(level.calendar) or now
                changes.mail_staff(
                    MailTemplate.TICKET_SLA_ALERT, ticket, alert=event.kind.value,
                    clock=event.clock.value,
                    due=due.astimezone(_zone(ports.timezone)).strftime("%Y-%m-%d %H:%M"))
                record_event(uow, ports.secrets, WebhookEvent.SLA_BREACH
                             if event.kind is SlaEventKind.BREACH else WebhookEvent.SLA_WARNING,
                             ticket, now, sla={"clock": event.clock.value,
                                               "due": due.isoformat().replace("+00:00", "Z")})
                if event.kind is SlaEventKind.BREACH:
                    breaches += 1
                else:
                    warnings += 1
            changes.save(ticket)
            uow.commit()
    return SlaAlertReport(warnings, breaches)
