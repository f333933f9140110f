"""Who hears about a ticket: the reporter, the colleagues who asked for their company's
tickets (``Powiadamiaj mnie o zgłoszeniach mojej firmy``), and on the customer's side the
assigned engineer or the support inbox; and the history staff read on the ticket page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from attrs import define

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.audit import AuditKind
from clico_core.errors import NotFound, PermissionDenied
from clico_core.mail import MailTemplate
from clico_core.services import OpenTicket, PostReply, Viewer

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
INBOX = "support@clico.pl"


@define
class Cast:
    world: World
    jan: Viewer  # reported the ticket
    ola: Viewer  # a colleague who asked for the company's tickets
    piotr: Viewer  # a colleague who did not
    max: Viewer  # another company's customer, who asked for his own company's tickets
    eng: Viewer
    number: str

    def mailed(self, template: MailTemplate) -> list[str]:
        return sorted(m.mail.to for m in self.world.mails.all()
                      if m.mail.template is template)

    def forget_mails(self) -> int:
        return len(self.world.mails.all())

    def since(self, count: int, template: MailTemplate) -> list[str]:
        return sorted(m.mail.to for m in self.world.mails.all()[count:]
                      if m.mail.template is template)


@pytest.fixture
def cast(hasher: Argon2Hasher) -> Cast:
    store = MemoryStore()
    clock = SteppingClock(START, step=timedelta(seconds=1))
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher,
                         support_inbox=INBOX)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    acme = world.issue("C-1", "Acme")
    for login in ("jan", "ola", "piotr"):
        world.register(login, contract=acme)
    world.register("max", contract=world.issue("C-2", "Beta"), company="Beta")
    for login in ("ola", "max"):
        assert services.set_company_notifications(world.viewer(login), True) is True
    jan = world.viewer("jan")
    ticket = services.open_ticket(jan, OpenTicket("VPN down", "<p>The tunnel drops.</p>"))
    return Cast(world, jan, world.viewer("ola"), world.viewer("piotr"), world.viewer("max"),
                world.engineer(), ticket.number)


def test_the_setting_is_stored_and_shown_on_the_next_request(cast: Cast) -> None:
    assert cast.ola.account.notify_company_tickets
    assert not cast.piotr.account.notify_company_tickets
    assert cast.world.services.set_company_notifications(cast.ola, False) is False
    assert not cast.world.viewer("ola").account.notify_company_tickets
    with pytest.raises(NotFound):  # staff see every ticket; the setting is a customer's
        cast.world.services.set_company_notifications(cast.eng, True)


def test_an_engineers_reply_reaches_the_reporter_and_colleagues_who_asked(cast: Cast) -> None:
    services = cast.world.services
    services.post_reply(cast.eng, PostReply(cast.number, "<p>Looking into it</p>"))
    assert cast.mailed(MailTemplate.TICKET_REPLY) == ["jan@example.com", "ola@example.com"]
    [to_ola] = [m.mail for m in cast.world.mails.all() if m.mail.to == "ola@example.com"
                and m.mail.template is MailTemplate.TICKET_REPLY]
    assert to_ola.context["name"] == "Jan Kowalski" and to_ola.context["about"] == "company"
    before = cast.forget_mails()
    services.post_reply(cast.eng, PostReply(cast.number, "<p>old firmware</p>", internal=True))
    assert cast.forget_mails() == before  # an internal note tells nobody
    services.change_status(cast.eng, cast.number, "waiting_for_customer")
    assert cast.since(before, MailTemplate.TICKET_CHANGED) == ["jan@example.com",
                                                              "ola@example.com"]


def test_a_colleague_who_reported_the_ticket_gets_one_mail(cast: Cast) -> None:
    services = cast.world.services
    own = services.open_ticket(cast.ola, OpenTicket("Printer", "<p>jammed</p>"))
    before = cast.forget_mails()
    services.post_reply(cast.eng, PostReply(own.number, "<p>on it</p>"))
    assert cast.since(before, MailTemplate.TICKET_REPLY) == ["ola@example.com"]


def test_a_customer_closing_tells_staff_the_reporter_and_watchers_but_not_themselves(
        cast: Cast) -> None:
    services = cast.world.services
    before = cast.forget_mails()
    services.close_ticket(cast.ola, cast.number)
    assert cast.since(before, MailTemplate.TICKET_CHANGED) == [
        "jan@example.com", INBOX]  # unassigned: the support inbox


def test_a_customer_closing_an_assigned_ticket_tells_the_engineer(cast: Cast) -> None:
    services = cast.world.services
    services.assign_ticket(cast.eng, cast.number, cast.eng.account.id)
    before = cast.forget_mails()
    services.close_ticket(cast.jan, cast.number)
    assert cast.since(before, MailTemplate.TICKET_CHANGED) == [
        "eng@clico.pl", "ola@example.com"]
    [to_engineer] = [m.mail for m in cast.world.mails.all()[before:]
                     if m.mail.to == "eng@clico.pl"]
    assert to_engineer.context["status"] == "closed"


def test_a_customer_reply_goes_to_the_engineer_or_the_inbox_never_to_colleagues(
        cast: Cast) -> None:
    services = cast.world.services
    before = cast.forget_mails()
    services.post_reply(cast.jan, PostReply(cast.number, "<p>more logs</p>"))
    assert cast.since(before, MailTemplate.TICKET_REPLY) == [INBOX]
    services.assign_ticket(cast.eng, cast.number, cast.eng.account.id)
    before = cast.forget_mails()
    services.post_reply(cast.piotr, PostReply(cast.number, "<p>and more</p>"))
    assert cast.since(before, MailTemplate.TICKET_REPLY) == ["eng@clico.pl"]


def test_a_watcher_who_cannot_see_the_ticket_hears_nothing(cast: Cast) -> None:
    cast.world.services.post_reply(cast.eng, PostReply(cast.number, "<p>fixed</p>"))
    assert "max@example.com" not in cast.mailed(MailTemplate.TICKET_REPLY)


def test_the_history_names_who_changed_what_from_and_to(cast: Cast) -> None:
    services = cast.world.services
    other = cast.world.engineer("adam@clico.pl", "Adam", "Nowak")
    services.assign_ticket(cast.eng, cast.number, cast.eng.account.id)
    services.assign_ticket(cast.eng, cast.number, other.account.id)
    services.change_priority(other, cast.number, "high")
    services.post_reply(other, PostReply(cast.number, "<p>note</p>", internal=True,
                                         new_status="waiting_for_customer"))
    services.assign_ticket(other, cast.number, "")
    shown = [(e.kind, e.actor_name, e.before, e.after)
             for e in services.ticket_history(cast.eng, cast.number)
             if e.kind is not AuditKind.TICKET_SLA]
    assert shown == [
        (AuditKind.TICKET_OPENED, "Jan Kowalski", "", ""),
        (AuditKind.TICKET_ASSIGNED, "Ewa Inżynier", "", "Ewa Inżynier"),
        (AuditKind.TICKET_ASSIGNED, "Ewa Inżynier", "Ewa Inżynier", "Adam Nowak"),
        (AuditKind.TICKET_PRIORITY_CHANGED, "Adam Nowak", "normal", "high"),
        (AuditKind.ARTICLE_POSTED, "Adam Nowak", "", "internal_note"),
        (AuditKind.TICKET_STATUS_CHANGED, "Adam Nowak", "new", "waiting_for_customer"),
        (AuditKind.TICKET_ASSIGNED, "Adam Nowak", "Adam Nowak", ""),
    ]
    with pytest.raises(PermissionDenied):
        services.ticket_history(cast.jan, cast.number)
