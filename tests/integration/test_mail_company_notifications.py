"""Who is mailed about a ticket, through the outbox and the worker to a real SMTP server
(aiosmtpd): an engineer's public reply and every status change reach the reporter and the
colleagues who ticked ``Powiadamiaj mnie o zgłoszeniach mojej firmy`` (each once, never
the one who did not, never for an internal note); a customer closing the ticket reaches the
assigned engineer, or the support inbox when nobody is assigned. Memory, SQLite, PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from clico_adapters.bootstrap import bootstrap
from clico_adapters.mail import MailWorker, transport_from_url
from clico_adapters.memory import SeededSecrets
from clico_adapters.passwords import Argon2Hasher
from clico_core.services import OpenTicket, PostReply

from ..support import World
from .mail_support import MailRig, text_of
from .smtp import SmtpServer

INBOX = "support@clico.example"
PEOPLE = ("jan@example.com", "ola@example.com", "piotr@example.com")


def deliver_all(rig: MailRig, worker: MailWorker) -> None:
    for _ in range(20):
        if rig.queue.stats().pending == 0:
            return
        worker.run_once()
        rig.advance(timedelta(hours=1))  # past any retry delay
    raise AssertionError("the outbox did not empty")


def test_replies_and_status_changes_reach_the_reporter_and_watching_colleagues_once(
        mail_rig: MailRig, mail_hasher: Argon2Hasher, smtp_server: SmtpServer) -> None:
    services = bootstrap(uow=mail_rig.backend.uow, clock=mail_rig.clock,
                         secrets=SeededSecrets(42), hasher=mail_hasher, support_inbox=INBOX)
    world = World(services, mail_rig.clock, mail_rig.queue, today=date(2026, 11, 25))  # type: ignore[arg-type]
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    acme = world.issue("C-1", "Acme")
    for address in PEOPLE:
        world.register(address.split("@")[0], contract=acme, email=address)
    services.set_company_notifications(world.viewer("ola"), True)
    engineer, jan = world.engineer(), world.viewer("jan")  # signing in mails a code
    number = services.open_ticket(jan, OpenTicket("VPN down", "<p>drops</p>")).number
    deliver_all(mail_rig, worker)

    def new_mail() -> dict[str, list[str]]:
        seen = len(smtp_server.received)
        deliver_all(mail_rig, worker)
        got: dict[str, list[str]] = {}
        for received in smtp_server.received[seen:]:
            for to in received.rcpt_tos:
                got.setdefault(to, []).append(text_of(received.message))
        return got

    services.post_reply(engineer, PostReply(number, "<p>SECRET-REPLY-TEXT</p>"))
    replied = new_mail()
    assert sorted(replied) == ["jan@example.com", "ola@example.com"]
    assert all(len(texts) == 1 for texts in replied.values())
    assert "Ewa Inżynier" in replied["ola@example.com"][0]
    assert "SECRET-REPLY-TEXT" not in str(replied)

    services.post_reply(engineer, PostReply(number, "<p>NOTE</p>", internal=True))
    assert new_mail() == {}

    services.change_status(engineer, number, "waiting_for_customer")
    changed = new_mail()
    assert sorted(changed) == ["jan@example.com", "ola@example.com"]
    assert "w Twoim zgłoszeniu" in changed["jan@example.com"][0]
    assert "w zgłoszeniu" in changed["ola@example.com"][0]
    assert "Twoim" not in changed["ola@example.com"][0]

    services.close_ticket(jan, number)  # nobody assigned: the inbox
    closed = new_mail()
    assert sorted(closed) == sorted([INBOX, "ola@example.com"])
    assert len(closed[INBOX]) == 1 and number in closed[INBOX][0]


def test_a_customer_closing_an_assigned_ticket_mails_its_engineer(
        mail_rig: MailRig, mail_hasher: Argon2Hasher, smtp_server: SmtpServer) -> None:
    services = bootstrap(uow=mail_rig.backend.uow, clock=mail_rig.clock,
                         secrets=SeededSecrets(42), hasher=mail_hasher, support_inbox=INBOX)
    world = World(services, mail_rig.clock, mail_rig.queue, today=date(2026, 11, 25))  # type: ignore[arg-type]
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    world.register("jan", contract=world.issue("C-1", "Acme"))
    engineer = world.engineer()
    jan = world.viewer("jan")
    number = services.open_ticket(jan, OpenTicket("VPN down", "<p>drops</p>")).number
    services.assign_ticket(engineer, number, engineer.account.id)
    deliver_all(mail_rig, worker)
    seen = len(smtp_server.received)
    services.close_ticket(jan, number)
    deliver_all(mail_rig, worker)
    [received] = smtp_server.received[seen:]
    assert received.rcpt_tos == ("eng@clico.pl",)
    assert "Zamknięte" in text_of(received.message) and number in text_of(received.message)
