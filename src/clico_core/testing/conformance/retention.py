"""Conformance: pruning. Old rows go, recent ones stay, a batch never exceeds its limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ...audit import AuditEvent, AuditKind
from ...mail import DeliveryState, MailTemplate, OutgoingMail
from ...ports import MailQueue, UnitOfWork, UnitOfWorkFactory
from ...sessions import Session, SessionLevel
from ...tokens import Token, TokenPurpose
from ...values import Language
from .. import builders as b

T0 = b.T0
CUTOFF = T0 - timedelta(days=30)
OLD = [CUTOFF - timedelta(days=d) for d in (9, 5, 3, 1)]
RECENT = [CUTOFF + timedelta(seconds=1), T0]


def _batches(uow_factory: UnitOfWorkFactory, prune: Callable[[UnitOfWork], int]
             ) -> list[int]:
    """Rows deleted by successive batches of at most 3, until one deletes nothing."""
    counts: list[int] = []
    while not counts or counts[-1]:
        with uow_factory() as uow:
            counts.append(prune(uow))
            uow.commit()
    return counts


def _account(uow_factory: UnitOfWorkFactory) -> str:
    company = b.company()
    account = b.account(company.id)
    with uow_factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(account)
        uow.commit()
    return account.id


class RetentionConformance:
    def test_attempts_older_than_the_cutoff_go_in_batches(
            self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            for index, at in enumerate(OLD + RECENT):
                uow.attempts.add(f"key-{index % 2}", at)
            uow.commit()
        with uow_factory() as uow:  # a delete rolled back deletes nothing
            assert uow.attempts.delete_older_than(CUTOFF, 3) == 3
        assert _batches(uow_factory, lambda u: u.attempts.delete_older_than(CUTOFF, 3)) == [
            3, 1, 0]
        with uow_factory(readonly=True) as uow:
            since = CUTOFF - timedelta(days=365)
            assert uow.attempts.count_since("key-0", since) == 1
            assert uow.attempts.count_since("key-1", since) == 1
            assert uow.attempts.oldest_since("key-0", since) == RECENT[0]

    def test_claims_that_lapsed_before_the_cutoff_go_after_the_attempts(
            self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.attempts.add("key", OLD[0])
            for index, until in enumerate(OLD + RECENT):
                assert uow.attempts.claim(f"notice-{index}", until - timedelta(hours=1), until)
            uow.commit()
        assert _batches(uow_factory, lambda u: u.attempts.delete_older_than(CUTOFF, 3)) == [
            3, 2, 0]
        with uow_factory() as uow:  # a lapsed claim taken again; the held ones still hold
            assert [uow.attempts.claim(f"notice-{index}", CUTOFF, T0 + timedelta(days=1))
                    for index in range(6)] == [True] * 4 + [False] * 2
            assert uow.attempts.count_since("key", OLD[0] - timedelta(days=1)) == 0

    def test_audit_events_older_than_the_cutoff_go_in_batches(
            self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            for at in OLD + RECENT:
                uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, at, None, "", at.isoformat()))
            uow.commit()
        with uow_factory() as uow:
            assert uow.audit.delete_older_than(CUTOFF, 10) == 4
        with uow_factory(readonly=True) as uow:
            assert len(uow.audit.recent()) == 6
        assert _batches(uow_factory, lambda u: u.audit.delete_older_than(CUTOFF, 3)) == [
            3, 1, 0]
        with uow_factory(readonly=True) as uow:
            assert [e.at for e in uow.audit.recent()] == list(reversed(RECENT))

    def test_sessions_last_seen_before_the_cutoff_go_in_batches(
            self, uow_factory: UnitOfWorkFactory) -> None:
        account_id = _account(uow_factory)
        with uow_factory() as uow:
            for index, at in enumerate(OLD + RECENT):
                # created long ago, but one recent session was seen lately and stays
                uow.sessions.add(Session(f"session-{index}", account_id, SessionLevel.FULL,
                                         OLD[0], at, revoked_at=at if index == 1 else None))
            uow.commit()
        assert _batches(uow_factory, lambda u: u.sessions.delete_older_than(CUTOFF, 3)) == [
            3, 1, 0]
        with uow_factory(readonly=True) as uow:
            assert [uow.sessions.get(f"session-{i}") is not None for i in range(6)] == [
                False, False, False, False, True, True]

    def test_tokens_expired_before_the_cutoff_go_in_batches(
            self, uow_factory: UnitOfWorkFactory) -> None:
        account_id = _account(uow_factory)
        with uow_factory() as uow:
            for index, expiry in enumerate(OLD + RECENT):
                uow.tokens.add(Token(f"token-{index}", TokenPurpose.RESET_PASSWORD, account_id, 0,
                                     expiry - timedelta(hours=1), expiry,
                                     used_at=expiry if index == 0 else None))
            uow.commit()
        assert _batches(uow_factory, lambda u: u.tokens.delete_older_than(CUTOFF, 3)) == [
            3, 1, 0]
        with uow_factory(readonly=True) as uow:
            kept = [uow.tokens.get(TokenPurpose.RESET_PASSWORD, f"token-{i}") for i in range(6)]
            assert [t is not None for t in kept] == [False] * 4 + [True] * 2

    def test_only_mail_sent_before_the_cutoff_goes(
            self, uow_factory: UnitOfWorkFactory, mail_queue: MailQueue) -> None:
        long_ago = OLD[0] - timedelta(days=1)

        def queue(count: int) -> list[str]:
            with uow_factory() as uow:
                ids = [uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED,
                                                   f"m{i}@example.com", Language.PL,
                                                   {"name": "Jan"}), long_ago)
                       for i in range(count)]
                uow.commit()
            return ids

        ids = queue(8)
        claimed = mail_queue.claim_due(long_ago, 10, timedelta(days=1000))
        assert len(claimed) == 8
        sent_at: list[datetime] = [*OLD, *RECENT]
        for message_id, at in zip(ids, sent_at, strict=False):
            mail_queue.mark_sent(message_id, at)
        mail_queue.mark_failed(ids[6], "550 no such user", long_ago)  # parked: stays
        # ids[7] is still pending (claimed long ago): stays
        assert _batches(uow_factory, lambda u: u.outbox.delete_older_than(CUTOFF, 3)) == [
            3, 1, 0]
        remaining = [mail_queue.get(i) for i in ids]
        assert [m is not None for m in remaining] == [False] * 4 + [True] * 4
        states = [m.state for m in remaining if m is not None]
        assert states == [DeliveryState.SENT, DeliveryState.SENT, DeliveryState.FAILED,
                          DeliveryState.PENDING]
