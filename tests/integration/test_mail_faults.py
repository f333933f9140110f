"""Faults between the outbox and a real SMTP server: down, 4xx, 5xx, rollbacks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_adapters.mail import transport_from_url
from clico_core.mail import DeliveryState, MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

from .mail_support import EMAIL, START, MailRig, link_in, register
from .smtp import SmtpServer


def only_message(rig: MailRig) -> OutboxMessage:
    messages = rig.queue.all()  # type: ignore[attr-defined]
    assert len(messages) == 1
    return messages[0]  # type: ignore[no-any-return]


def test_server_down_the_change_commits_and_the_mail_goes_out_once_it_is_back(
        mail_rig: MailRig) -> None:
    server = SmtpServer()  # not started: connections are refused
    worker = mail_rig.worker(transport_from_url(server.url))
    register(mail_rig)
    assert worker.run_once() == 0
    message = only_message(mail_rig)
    assert message.state is DeliveryState.PENDING
    assert message.attempts == 1
    assert "unavailable" in message.last_error
    assert mail_rig.queue.stats().pending == 1

    with server:
        assert worker.run_once() == 0  # still backing off
        mail_rig.advance(timedelta(minutes=1))
        assert worker.run_once() == 1
        mail_rig.advance()
        assert worker.run_once() == 0
        assert len(server.received) == 1
        secret = link_in(server.wait_for(EMAIL), "/confirm/").rsplit("/", 1)[-1]
        mail_rig.world.services.confirm_email(secret)  # the account was committed meanwhile
    assert only_message(mail_rig).state is DeliveryState.SENT


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_a_temporary_refusal_then_success_delivers_once(
        mail_rig: MailRig, smtp_server: SmtpServer, stage: str) -> None:
    smtp_server.fail("451 4.3.0 Try again later", times=1, stage=stage)  # type: ignore[arg-type]
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    register(mail_rig)

    assert worker.run_once() == 0
    retried = only_message(mail_rig)
    assert retried.state is DeliveryState.PENDING
    assert "451" in retried.last_error
    # back-off: base 30 s doubled per try, jitter 0.5 → 0.75 of it
    assert retried.next_attempt_at == START + timedelta(seconds=22.5)

    mail_rig.advance(timedelta(seconds=23))
    assert worker.run_once() == 1
    mail_rig.advance()
    assert worker.run_once() == 0
    assert smtp_server.refused == 1
    assert len(smtp_server.received) == 1
    assert only_message(mail_rig).state is DeliveryState.SENT


def test_a_permanent_refusal_parks_the_mail_as_failed_at_once(
        mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    smtp_server.fail("550 5.1.1 Mailbox unavailable")
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    register(mail_rig)

    assert worker.run_once() == 0
    mail_rig.advance(timedelta(days=1))
    assert worker.run_once() == 0  # 5xx means "do not repeat": no second try
    failed = only_message(mail_rig)
    assert failed.state is DeliveryState.FAILED
    assert failed.attempts == 1
    assert "550 5.1.1 Mailbox unavailable" in failed.last_error
    stats = mail_rig.queue.stats()
    assert (stats.pending, stats.sent, stats.failed) == (0, 0, 1)
    assert smtp_server.received == []

    # an operator fixes the cause and puts it back in the queue
    smtp_server.clear_faults()
    assert mail_rig.queue.retry_failed(mail_rig.clock.now()) == 1
    assert worker.run_once() == 1
    assert len(smtp_server.received) == 1


def test_temporary_refusals_park_the_mail_after_max_attempts(
        mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    smtp_server.fail("452 4.2.2 Mailbox full")
    worker = mail_rig.worker(transport_from_url(smtp_server.url), max_attempts=3)
    register(mail_rig)

    for _ in range(5):
        worker.run_once()
        mail_rig.advance()
    failed = only_message(mail_rig)
    assert failed.state is DeliveryState.FAILED
    assert failed.attempts == 3
    assert "gave up after 3 tries" in failed.last_error
    assert "452 4.2.2 Mailbox full" in failed.last_error
    assert smtp_server.refused == 3
    assert mail_rig.queue.stats().failed == 1


def test_a_rolled_back_unit_of_work_leaves_no_outbox_row(
        mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    mail = OutgoingMail(MailTemplate.PASSWORD_CHANGED, EMAIL, Language.PL,
                        {"name": "Jan", "login": "jan"})
    with mail_rig.backend.uow() as uow:
        uow.outbox.add(mail, START)  # no commit: leaving the block rolls back
    with pytest.raises(RuntimeError), mail_rig.backend.uow() as uow:
        uow.outbox.add(mail, START)
        uow.commit()
        uow.outbox.add(mail, START)
        raise RuntimeError("boom after the commit")

    stats = mail_rig.queue.stats()
    assert (stats.pending, stats.sent, stats.failed) == (1, 0, 0)  # only the committed one
    assert mail_rig.worker(transport_from_url(smtp_server.url)).run_once() == 1
    assert len(smtp_server.received) == 1
