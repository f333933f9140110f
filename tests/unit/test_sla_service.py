"""SLA through the use cases: clocks start with the ticket, pause while the customer is
asked, stop on answers, and the alert job mails each warning and breach once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clico_core.mail import MailTemplate
from clico_core.services import IssueContract, OpenTicket, PostReply
from clico_core.services.contracts import AssetSpec
from clico_core.sla import ClockName
from clico_core.tickets import Ticket

from ..support import PALO_ALTO_ANSWERS, World

WARSAW = ZoneInfo("Europe/Warsaw")


def _technical(world: World, level: str, priority: str = "critical") -> tuple[World, str]:
    issued = world.services.issue_contract(IssueContract(
        "C-9", "Acme", world.today + timedelta(days=365), support_level=level,
        assets=(AssetSpec("PAN-PA-450", "PALO_ALTO", "SN-9"),)))
    world.register(contract=issued)
    viewer = world.viewer()
    asset_id = world.services.list_covered_assets(viewer).rows[0].id
    ticket = world.services.open_ticket(viewer, OpenTicket(
        "HA failover", "<p>down</p>", priority=priority, asset_id=asset_id,
        answers=PALO_ALTO_ANSWERS))
    return world, ticket.number


def _ticket(world: World, number: str) -> Ticket:
    return world.services.ticket_detail(world.viewer(), number).ticket


def test_a_critical_ticket_on_a_premium_contract_is_due_in_one_and_four_hours(world: World):
    world, number = _technical(world, "premium")
    ticket = _ticket(world, number)
    assert ticket.sla is not None and ticket.sla.level == "premium"
    assert ticket.first_response_due == ticket.created_at + timedelta(hours=1)
    assert ticket.resolution_due == ticket.created_at + timedelta(hours=4)
    assert ticket.sla_alert_at == ticket.created_at + timedelta(minutes=45)


def test_an_administrative_ticket_takes_the_default_level(world: World):
    world.register(contract=world.issue())
    ticket = world.services.open_ticket(world.viewer(), OpenTicket("Faktura", "<p>?</p>"))
    assert ticket.sla is not None and ticket.sla.level == "standard"


def test_waiting_for_the_customer_pauses_and_their_reply_resumes(world: World):
    world, number = _technical(world, "premium")
    engineer = world.engineer()
    world.clock.advance(timedelta(minutes=30))
    world.services.post_reply(engineer, PostReply(number, "<p>logs?</p>",
                                                  new_status="waiting_for_customer"))
    paused = _ticket(world, number)
    assert paused.sla_paused and paused.resolution_due is None
    assert paused.first_response_due is None  # answered: the first-response clock stopped
    world.clock.advance(timedelta(hours=10))  # waiting time does not count
    world.services.post_reply(world.viewer(), PostReply(number, "<p>here</p>"))
    resumed = _ticket(world, number)
    now = world.clock.now()
    assert not resumed.sla_paused
    assert resumed.resolution_due == now + timedelta(hours=3, minutes=30)


def test_a_priority_change_recomputes_from_the_ticket_start(world: World):
    world, number = _technical(world, "premium", priority="low")
    created = _ticket(world, number).created_at
    world.clock.advance(timedelta(minutes=20))
    world.services.change_priority(world.engineer(), number, "critical")
    assert _ticket(world, number).first_response_due == created + timedelta(hours=1)


def test_each_warning_and_breach_is_mailed_once(world: World):
    world, number = _technical(world, "premium")
    engineer = world.engineer()
    world.services.assign_ticket(engineer, number, engineer.account.id)
    sent = lambda: [m.mail.context for m in world.mails.all()  # noqa: E731
                    if m.mail.template is MailTemplate.TICKET_SLA_ALERT]
    world.clock.advance(timedelta(minutes=44))
    assert world.services.send_sla_alerts().warnings == 0
    world.clock.advance(timedelta(minutes=2))
    assert world.services.send_sla_alerts().warnings == 1
    assert world.services.send_sla_alerts().warnings == 0  # a second run (or worker): nothing
    world.clock.advance(timedelta(minutes=15))
    report = world.services.send_sla_alerts()
    assert (report.warnings, report.breaches) == (0, 1)
    world.clock.advance(timedelta(hours=3))
    report = world.services.send_sla_alerts()
    assert (report.warnings, report.breaches) == (0, 1)  # the resolution clock's breach
    mails = sent()
    assert [(m["alert"], m["clock"]) for m in mails] == [
        ("warn", "first_response"), ("breach", "first_response"), ("breach", "resolution")]
    assert all(m["number"] == number for m in mails)
    history = world.services.ticket_history(engineer, number)
    # past both 75 % and 100 % of the resolution target at once: only the breach is sent
    assert [e.detail for e in history if e.detail.startswith(("warn", "breach"))] == [
        f"warn {ClockName.FIRST_RESPONSE}", f"breach {ClockName.FIRST_RESPONSE}",
        f"breach {ClockName.RESOLUTION}"]


def test_no_alert_at_night_on_an_office_hours_level(world: World):
    # the fixture's clock starts on Wednesday 25 November 2026, 10:00 in Warsaw
    world, number = _technical(world, "standard")  # critical: 2 h response on 8×5
    engineer = world.engineer()
    world.services.assign_ticket(engineer, number, engineer.account.id)
    evening = datetime(2026, 11, 25, 20, 0, tzinfo=WARSAW).astimezone(UTC)
    world.clock.advance(evening - world.clock.now())
    report = world.services.send_sla_alerts()  # due at noon, unsent: the office is closed
    assert (report.warnings, report.breaches) == (0, 0)
    assert _ticket(world, number).sla_alert_at == datetime(
        2026, 11, 26, 8, 0, tzinfo=WARSAW).astimezone(UTC)  # looked at again at opening
    morning = datetime(2026, 11, 26, 8, 0, tzinfo=WARSAW).astimezone(UTC)
    world.clock.advance(morning - world.clock.now())
    assert world.services.send_sla_alerts().breaches == 1


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_resolving_stops_both_clocks_and_reopening_resumes_resolution(world: World, status):
    world, number = _technical(world, "premium")
    engineer = world.engineer()
    world.clock.advance(timedelta(hours=1, minutes=30))
    world.services.post_reply(engineer, PostReply(number, "<p>fixed</p>", new_status="resolved"))
    done = _ticket(world, number)
    assert done.first_response_due is None and done.resolution_due is None
    assert done.sla_alert_at is None
    world.clock.advance(timedelta(days=1))
    world.services.post_reply(world.viewer(), PostReply(number, "<p>again</p>", reopen=True))
    reopened = _ticket(world, number)
    assert reopened.resolution_due == world.clock.now() + timedelta(hours=2, minutes=30)
    assert reopened.first_response_due is None
