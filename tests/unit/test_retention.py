"""Pruning: the use case, its batches and budget, its settings, and the worker's schedule."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import fields

from clico_adapters import compose
from clico_adapters.bootstrap import bootstrap
from clico_adapters.compose import PRUNE_EVERY
from clico_adapters.config import Settings, SettingsError
from clico_adapters.mail import MemoryTransport
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    MemoryWebhookQueue,
    SteppingClock,
)
from clico_adapters.scheduled import ScheduledJob
from clico_core.audit import AuditEvent, AuditKind
from clico_core.mail import MailTemplate, OutgoingMail
from clico_core.retention import MINIMUM, PruneReport, Retention
from clico_core.services import Limits, RateLimit, Slowdown
from clico_core.sessions import Session, SessionLevel
from clico_core.testing import builders as b
from clico_core.tokens import Token, TokenPurpose
from clico_core.values import Language
from clico_core.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _seed(factory: MemoryUnitOfWorkFactory, queue: MemoryMailQueue, periods: Retention,
          old: int) -> None:
    """``old`` rows a day past each period and one a day short of it, in every store."""
    company = b.company()
    account = b.account(company.id)
    ages = {name: [getattr(periods, name) + DAY] * old + [getattr(periods, name) - DAY]
            for name in ("audit", "attempts", "sessions", "tokens", "sent_mail",
                         "webhook_deliveries")}
    with factory() as uow:
        uow.companies.add(company)
        uow.accounts.add(account)
        for i, age in enumerate(ages["audit"]):
            uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, NOW - age, account.id, "", str(i)))
        for age in ages["attempts"]:
            uow.attempts.add("sign-in:client:198.51.100.7", NOW - age)
        for i, age in enumerate(ages["sessions"]):
            uow.sessions.add(Session(f"s{i}", account.id, SessionLevel.FULL, NOW - age, NOW - age))
        for i, age in enumerate(ages["tokens"]):
            uow.tokens.add(Token(f"t{i}", TokenPurpose.CONFIRM_EMAIL, account.id, 0,
                                 NOW - age - DAY, NOW - age))
        mail_ids = [uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED, account.email,
                                                Language.PL, {"name": "Jan"}), NOW - age)
                    for age in ages["sent_mail"]]
        endpoint = WebhookEndpoint("wh1", "https://hooks.example.com/", None,
                                   frozenset(WebhookEvent), NOW, "key")
        uow.webhooks.add_endpoint(endpoint)
        hooks = [WebhookDelivery(f"d{i}", endpoint.id, WebhookEvent.TICKET_CREATED, f"t{i}",
                                 "{}", NOW - age, NOW - age) for i, age in enumerate(
                                     ages["webhook_deliveries"])]
        for delivery in hooks:
            uow.webhooks.enqueue(delivery)
        # pending however old: never pruned
        uow.webhooks.enqueue(WebhookDelivery("pending", endpoint.id,
                                             WebhookEvent.TICKET_CREATED, "tp", "{}",
                                             NOW - 400 * DAY, NOW - 400 * DAY))
        uow.commit()
    webhooks = MemoryWebhookQueue(factory.store)
    webhooks.claim_due(NOW, 100, timedelta(minutes=5))
    for delivery in hooks:
        if delivery.ticket_id == "t0":
            webhooks.mark_failed(delivery.id, 500, "HTTP 500")  # tries ended at give_up_at
        else:
            webhooks.mark_delivered(delivery.id, 200, delivery.created_at)
    webhooks.mark_retry("pending", None, "refused", NOW)
    queue.claim_due(NOW, 100, timedelta(minutes=5))
    for message_id, age in zip(mail_ids, ages["sent_mail"], strict=True):
        queue.mark_sent(message_id, NOW - age)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


def prune(periods: Retention, factory: MemoryUnitOfWorkFactory, *,
          max_batches: int | None = None) -> PruneReport:
    services = bootstrap(uow=factory, clock=SteppingClock(NOW))
    return services.prune(periods, max_batches=max_batches)


def test_prune_deletes_each_kind_past_its_period_a_batch_at_a_time(store: MemoryStore) -> None:
    factory, queue = MemoryUnitOfWorkFactory(store), MemoryMailQueue(store)
    periods = Retention(batch=2)
    _seed(factory, queue, periods, old=3)
    report = prune(periods, factory)
    assert report == PruneReport(audit=3, attempts=3, sessions=3, tokens=3, sent_mail=3,
                                 webhook_deliveries=3)
    assert (len(store.audit), len(store.sessions), len(store.tokens), len(store.outbox)) == (
        1, 1, 1, 1)
    assert sorted(store.webhook_deliveries) == ["d3", "pending"]
    assert list(store.attempts.values()) == [[NOW - periods.attempts + DAY]]
    assert prune(periods, factory) == PruneReport()


def test_a_batch_budget_stops_the_run_and_the_next_run_goes_on(store: MemoryStore) -> None:
    factory, queue = MemoryUnitOfWorkFactory(store), MemoryMailQueue(store)
    periods = Retention(batch=2)
    _seed(factory, queue, periods, old=5)
    reports = []
    while not reports or not reports[-1].complete:
        reports.append(prune(periods, factory, max_batches=4))
    assert all(r.total <= 4 * periods.batch for r in reports)
    assert [r.complete for r in reports] == [False] * (len(reports) - 1) + [True]
    assert sum(r.total for r in reports) == 6 * 5
    assert (len(store.audit), len(store.sessions), len(store.tokens), len(store.outbox),
            len(store.webhook_deliveries)) == (1, 1, 1, 1, 2)


def test_periods_are_at_least_a_day_which_covers_every_rate_limit_window() -> None:
    windows = [getattr(Limits(), f.name).window for f in fields(Limits)
               if isinstance(getattr(Limits(), f.name), RateLimit | Slowdown)]
    assert len(windows) > 10  # every limit, the slow-down of an identifier among them
    assert max(windows) <= MINIMUM
    for name in ("audit", "attempts", "sessions", "tokens", "sent_mail",
                 "webhook_deliveries"):
        with pytest.raises(ValueError, match=name):
            Retention(**{name: timedelta(hours=23)})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch"):
        Retention(batch=0)


def test_retention_comes_from_the_environment() -> None:
    assert Settings.from_env({}).retention == Retention()
    assert Retention() == Retention(audit=400 * DAY, attempts=30 * DAY, sessions=7 * DAY,
                                    tokens=7 * DAY, sent_mail=30 * DAY,
                                    webhook_deliveries=30 * DAY, batch=1000)
    settings = Settings.from_env({"CLICO_RETENTION_AUDIT_DAYS": "730",
                                  "CLICO_RETENTION_ATTEMPTS_DAYS": "14",
                                  "CLICO_RETENTION_SESSIONS_DAYS": " 2 ",
                                  "CLICO_RETENTION_TOKENS_DAYS": "3",
                                  "CLICO_RETENTION_SENT_MAIL_DAYS": "90",
                                  "CLICO_RETENTION_WEBHOOK_DAYS": "60"})
    assert settings.retention == Retention(audit=730 * DAY, attempts=14 * DAY, sessions=2 * DAY,
                                           tokens=3 * DAY, sent_mail=90 * DAY,
                                           webhook_deliveries=60 * DAY)
    for bad in ("0", "-5", "seven", "1.5", "99999", ""):
        with pytest.raises(SettingsError, match="CLICO_RETENTION_AUDIT_DAYS"):
            Settings.from_env({"CLICO_RETENTION_AUDIT_DAYS": bad})
    with pytest.raises(SettingsError, match="CLICO_RETENTION_SENT_MAIL_DAYS"):
        Settings(retention_sent_mail_days=0)  # given in code: checked the same way
    with pytest.raises(SettingsError, match="CLICO_RETENTION_WEBHOOK_DAYS"):
        Settings.from_env({"CLICO_RETENTION_WEBHOOK_DAYS": "0"})
    with pytest.raises(ValueError, match="retention_batch"):
        Settings(retention_batch=0)


def test_a_job_runs_when_due_again_after_its_interval_and_at_once_if_unfinished() -> None:
    results = [True, False, True]
    runs: list[int] = []

    def job() -> bool:
        runs.append(1)
        return results.pop(0)

    scheduled = ScheduledJob("prune", timedelta(hours=1), job)
    assert scheduled.run_if_due(NOW)  # due at once
    assert not scheduled.run_if_due(NOW + timedelta(minutes=59))
    assert scheduled.run_if_due(NOW + timedelta(hours=1))  # unfinished …
    assert scheduled.run_if_due(NOW + timedelta(hours=1, seconds=3))  # … so again next round
    assert not scheduled.run_if_due(NOW + timedelta(hours=1, minutes=30))
    assert len(runs) == 3


def test_a_failing_job_is_logged_and_waits_its_interval(caplog: pytest.LogCaptureFixture
                                                         ) -> None:
    def job() -> bool:
        raise RuntimeError("database away")

    scheduled = ScheduledJob("prune", timedelta(hours=1), job)
    with caplog.at_level(logging.ERROR, logger="clico.jobs"):
        assert scheduled.run_if_due(NOW)
    assert "scheduled job prune failed" in caplog.text
    assert not scheduled.run_if_due(NOW + timedelta(minutes=5))


def test_the_worker_prunes_hourly_between_mail_rounds(store: MemoryStore, tmp_path: Path
                                                      ) -> None:
    factory, queue = MemoryUnitOfWorkFactory(store), MemoryMailQueue(store)
    settings = Settings(retention_batch=2, data_dir=tmp_path)
    _seed(factory, queue, settings.retention, old=2)  # within one round's budget
    clock = SteppingClock(NOW)
    backend = compose.build(settings, uow=factory, mail_queue=queue, clock=clock)
    worker = backend.mail_worker()
    worker.transport = MemoryTransport()
    hourly = 3  # pruning, and the blob sweep and the auto-closing beside it
    assert [job.name for job in worker.jobs] == ["prune", "sweep-blobs", "auto-close",
                                                 "sla-alerts"]
    worker.jobs = worker.jobs[:3]  # the hourly ones (SLA alerts run every minute)
    assert worker.run_due_jobs() == hourly
    assert (len(store.audit), len(store.sessions), len(store.tokens),
            len(store.webhook_deliveries)) == (1, 1, 1, 2)
    with factory() as uow:
        uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, NOW - 2 * settings.retention.audit))
        uow.commit()
    clock.advance(PRUNE_EVERY - timedelta(seconds=1))
    assert worker.run_due_jobs() == 0
    clock.advance(timedelta(seconds=1))
    assert worker.run_due_jobs() == hourly
    assert len(store.audit) == 1

    stop = threading.Event()
    rounds = threading.Thread(target=worker.run_forever, args=(stop,))
    with factory() as uow:
        uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, NOW - 2 * settings.retention.audit))
        uow.commit()
    clock.advance(PRUNE_EVERY)
    rounds.start()
    try:
        for _ in range(200):
            if len(store.audit) == 1:
                break
            threading.Event().wait(0.01)
    finally:
        stop.set()
        worker.wake()
        rounds.join(5)
        backend.close()
    assert len(store.audit) == 1  # the loop ran the due job too
