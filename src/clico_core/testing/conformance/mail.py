"""Conformance: the outbox (written in a unit of work) and its delivery queue."""

from __future__ import annotations

from datetime import timedelta

from ...mail import REDACTED, DeliveryState, MailTemplate, OutgoingMail
from ...ports import MailQueue, UnitOfWorkFactory
from ...values import Language
from .. import builders as b

T0 = b.T0
LEASE = timedelta(minutes=5)


def _mail(to: str = "jan@example.com") -> OutgoingMail:
    return OutgoingMail(MailTemplate.SIGN_IN_CODE, to, Language.PL,
                        {"name": "Jan Kowalski", "code": "123456", "minutes": "10"})


class MailQueueConformance:
    def _queue(self, uow_factory: UnitOfWorkFactory, *mails: OutgoingMail) -> list[str]:
        with uow_factory() as uow:
            ids = [uow.outbox.add(m, T0 + timedelta(seconds=i)) for i, m in enumerate(mails)]
            uow.commit()
        return ids

    def test_rolled_back_mail_is_never_queued(self, uow_factory: UnitOfWorkFactory,
                                              mail_queue: MailQueue) -> None:
        with uow_factory() as uow:
            uow.outbox.add(_mail(), T0)
        assert mail_queue.claim_due(T0 + timedelta(hours=1), 10, LEASE) == []
        assert mail_queue.stats().pending == 0

    def test_claim_is_a_lease(self, uow_factory: UnitOfWorkFactory, mail_queue: MailQueue
                              ) -> None:
        first, second = self._queue(uow_factory, _mail("a@example.com"), _mail("b@example.com"))
        claimed = mail_queue.claim_due(T0 + timedelta(minutes=1), 10, LEASE)
        assert [m.id for m in claimed] == [first, second]
        assert claimed[0].mail == _mail("a@example.com") and claimed[0].attempts == 1
        assert mail_queue.claim_due(T0 + timedelta(minutes=2), 10, LEASE) == []
        again = mail_queue.claim_due(T0 + timedelta(minutes=7), 1, LEASE)
        assert [m.id for m in again] == [first] and again[0].attempts == 2

    def test_sent_retry_and_failed(self, uow_factory: UnitOfWorkFactory,
                                   mail_queue: MailQueue) -> None:
        sent, retried, failed = self._queue(uow_factory, _mail(), _mail(), _mail())
        now = T0 + timedelta(minutes=1)
        mail_queue.claim_due(now, 10, LEASE)
        mail_queue.mark_sent(sent, now)
        mail_queue.mark_retry(retried, "451 try later", now + timedelta(minutes=30))
        mail_queue.mark_failed(failed, "550 no such user", now)
        assert mail_queue.claim_due(now + timedelta(minutes=10), 10, LEASE) == []
        stats = mail_queue.stats()
        assert (stats.pending, stats.sent, stats.failed) == (1, 1, 1)
        assert stats.oldest_pending_at == T0 + timedelta(seconds=1)
        message = mail_queue.get(failed)
        assert message is not None and message.state is DeliveryState.FAILED
        assert message.last_error == "550 no such user"
        done = mail_queue.get(sent)
        assert done is not None and done.sent_at == now
        # once delivered, the one-time code is no longer stored anywhere in clear
        assert done.mail.context["code"] == REDACTED and done.mail.context["name"] == "Jan Kowalski"
        parked = mail_queue.get(retried)
        assert parked is not None and parked.mail.context["code"] == "123456"
        due = mail_queue.claim_due(now + timedelta(minutes=31), 10, LEASE)
        assert [m.id for m in due] == [retried] and due[0].last_error == "451 try later"
        assert mail_queue.retry_failed(now) == 1
        assert [m.id for m in mail_queue.claim_due(now + timedelta(minutes=32), 10, LEASE)] == [
            failed]
        assert mail_queue.get("missing") is None
