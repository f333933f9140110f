"""The delivery loop over the in-memory outbox with a scripted transport."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clico_adapters.mail import (
    MailRenderer,
    MailWorker,
    PermanentDeliveryError,
    TemporaryDeliveryError,
    backoff_delay,
)
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_adapters.memory import MemoryMailQueue, MemoryStore, MemoryUnitOfWork, SteppingClock
from clico_core.mail import DeliveryState, MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class ScriptedTransport:
    """Raises the scripted errors in order (None = accept), then accepts everything."""

    def __init__(self, *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[EmailMessage] = []
        self.tries = 0

    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        self.tries += 1
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        self.sent.append(message)


class Rig:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.queue = MemoryMailQueue(self.store)
        self.clock = SteppingClock(START)
        self.renderer = MailRenderer("https://x.example")

    def add(self, count: int = 1, template: MailTemplate = MailTemplate.PASSWORD_CHANGED,
            **context: str) -> list[str]:
        ids = iter(f"m{n}" for n in range(len(self.store.outbox), 10_000))
        with MemoryUnitOfWork(self.store, lambda: next(ids)) as uow:
            added = [uow.outbox.add(OutgoingMail(template, f"u{i}@example.com", Language.PL,
                                                 dict(SAMPLE_CONTEXTS[template], **context)),
                                    self.clock.now()) for i in range(count)]
            uow.commit()
        return added

    def worker(self, transport: ScriptedTransport, **options: Any) -> MailWorker:
        options.setdefault("poll_interval", 0.01)
        return MailWorker(self.queue, transport, self.renderer, self.clock,
                          rand=lambda: 0.0, **options)

    def state(self, message_id: str) -> OutboxMessage:
        message = self.queue.get(message_id)
        assert message is not None
        return message


@pytest.fixture
def rig() -> Rig:
    return Rig()


def test_sends_and_marks_sent(rig: Rig) -> None:
    ids = rig.add(3)
    transport = ScriptedTransport()
    assert rig.worker(transport).run_once() == 3
    assert [m["Message-ID"] for m in transport.sent] == [f"<{i}@clico-support>" for i in ids]
    assert all(rig.state(i).state is DeliveryState.SENT for i in ids)
    assert rig.worker(transport).run_once() == 0


def test_batch_limits_one_round(rig: Rig) -> None:
    rig.add(5)
    worker = rig.worker(ScriptedTransport(), batch=2)
    assert [worker.run_once() for _ in range(4)] == [2, 2, 1, 0]


def test_a_temporary_error_retries_with_exponential_backoff(rig: Rig) -> None:
    (mid,) = rig.add()
    errors = [TemporaryDeliveryError(f"451 busy {n}") for n in range(3)]
    worker = rig.worker(ScriptedTransport(*errors), backoff_base=timedelta(seconds=10))
    waits = []
    for _ in range(3):
        before = rig.clock.now()
        assert worker.run_once() == 0
        message = rig.state(mid)
        assert message.state is DeliveryState.PENDING
        assert message.next_attempt_at is not None
        waits.append(message.next_attempt_at - before)
        assert worker.run_once() == 0  # not due yet
        rig.clock.advance(waits[-1])
    assert waits == [timedelta(seconds=5), timedelta(seconds=10), timedelta(seconds=20)]
    assert rig.state(mid).last_error == "451 busy 2"
    assert worker.run_once() == 1


def test_a_permanent_error_parks_the_message_at_once(rig: Rig) -> None:
    (mid,) = rig.add()
    worker = rig.worker(ScriptedTransport(PermanentDeliveryError("550 no such user")))
    assert worker.run_once() == 0
    failed = rig.state(mid)
    assert (failed.state, failed.attempts, failed.last_error) == (
        DeliveryState.FAILED, 1, "550 no such user")
    assert rig.queue.stats().failed == 1


def test_after_max_attempts_the_last_error_is_kept(rig: Rig) -> None:
    (mid,) = rig.add()
    transport = ScriptedTransport(*(TemporaryDeliveryError(f"451 try {n}") for n in range(9)))
    worker = rig.worker(transport, max_attempts=4)
    for _ in range(6):
        worker.run_once()
        rig.clock.advance(timedelta(hours=1))
    failed = rig.state(mid)
    assert failed.state is DeliveryState.FAILED
    assert transport.tries == 4
    assert failed.last_error == "gave up after 4 tries: 451 try 3"


def test_an_unavailable_server_ends_the_round_without_trying_the_rest(rig: Rig) -> None:
    ids = rig.add(4)
    transport = ScriptedTransport(TemporaryDeliveryError("connection refused", unavailable=True))
    assert rig.worker(transport).run_once() == 0
    assert transport.tries == 1
    for mid in ids:
        message = rig.state(mid)
        assert message.state is DeliveryState.PENDING
        assert message.next_attempt_at is not None and message.next_attempt_at > START
    assert "not tried: connection refused" in rig.state(ids[1]).last_error


def test_a_message_that_cannot_render_is_parked_and_others_still_go(rig: Rig) -> None:
    (bad,) = rig.add(template=MailTemplate.CONFIRM_EMAIL, link_path="https://evil.example/x")
    (good,) = rig.add()
    transport = ScriptedTransport()
    assert rig.worker(transport).run_once() == 1
    assert rig.state(bad).state is DeliveryState.FAILED
    assert rig.state(bad).last_error.startswith("cannot render: ValueError")
    assert rig.state(good).state is DeliveryState.SENT


def test_an_unexpected_transport_error_is_treated_as_temporary(rig: Rig) -> None:
    (mid,) = rig.add()
    assert rig.worker(ScriptedTransport(RuntimeError("bug"))).run_once() == 0
    assert rig.state(mid).state is DeliveryState.PENDING
    assert rig.state(mid).last_error == "RuntimeError: bug"


def test_errors_are_stored_on_one_short_line(rig: Rig) -> None:
    (mid,) = rig.add()
    rig.worker(ScriptedTransport(PermanentDeliveryError("550 a\r\nb" + "x" * 900))).run_once()
    error = rig.state(mid).last_error
    assert "\n" not in error and len(error) <= 500


def test_start_and_stop_run_the_loop_in_a_daemon_thread(rig: Rig) -> None:
    transport = ScriptedTransport()
    worker = rig.worker(transport)
    worker.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            worker.start()
        rig.add(2)
        worker.wake()
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while len(transport.sent) < 2 and datetime.now(UTC) < deadline:
            threading.Event().wait(0.01)
    finally:
        worker.stop()
    assert len(transport.sent) == 2
    assert not any(t.name == "clico-mail-worker" for t in threading.enumerate())


def test_run_forever_survives_a_failing_queue_and_stops_on_the_event(
        rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    stop = threading.Event()
    calls = iter(range(1000))

    def broken(*_: object) -> list[OutboxMessage]:
        if next(calls) >= 2:
            stop.set()
        raise ConnectionError("database away")

    rig.queue.claim_due = broken  # type: ignore[method-assign,assignment]
    rig.worker(ScriptedTransport()).run_forever(stop)
    assert caplog.text.count("mail delivery round failed") >= 3


def test_a_failed_round_pauses_a_full_poll_interval_whatever_wakes_it(rig: Rig) -> None:
    """While the database is away every wake (a page's commit) would otherwise be one more
    failed round and one more error in the log."""
    calls: list[int] = []

    def broken(*_: object) -> list[OutboxMessage]:
        calls.append(1)
        raise ConnectionError("database away")

    rig.queue.claim_due = broken  # type: ignore[method-assign,assignment]
    worker = rig.worker(ScriptedTransport(), poll_interval=5.0)
    worker.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=1)
        while datetime.now(UTC) < deadline:
            worker.wake()
            threading.Event().wait(0.01)
    finally:
        worker.stop()
    assert len(calls) == 1


def test_worker_options_are_checked(rig: Rig) -> None:
    with pytest.raises(ValueError, match="positive"):
        rig.worker(ScriptedTransport(), max_attempts=0)


@given(attempt=st.integers(1, 200), jitter=st.floats(0, 1, exclude_max=True),
       base=st.integers(1, 10**7), cap=st.integers(1, 10**8))
def test_backoff_grows_doubles_and_stays_under_the_cap(attempt: int, jitter: float, base: int,
                                                       cap: int) -> None:
    base_d, cap_d = timedelta(seconds=base), timedelta(seconds=cap)
    delay = backoff_delay(attempt, base_d, cap_d, lambda: jitter)
    ceiling = min(cap, base * 2 ** (attempt - 1))
    assert ceiling / 2 - 1e-6 <= delay.total_seconds() <= ceiling + 1e-6


class FlakyDatabase:
    """``mark_sent`` of the queue fails (the database away) while ``down`` is set."""

    def __init__(self, rig: Rig, down_after: int) -> None:
        self.down = False
        self.marked = 0
        self.down_after = down_after
        self.mark_sent = rig.queue.mark_sent
        self.claim_due = rig.queue.claim_due
        rig.queue.mark_sent = self._mark_sent  # type: ignore[method-assign]
        rig.queue.claim_due = self._claim_due  # type: ignore[method-assign]

    def _mark_sent(self, message_id: str, at: datetime) -> None:
        self.marked += 1
        if self.marked > self.down_after:
            self.down = True
        if self.down:
            raise ConnectionError("database away")
        self.mark_sent(message_id, at)

    def _claim_due(self, *args: Any) -> list[OutboxMessage]:
        if self.down:
            raise ConnectionError("database away")
        return self.claim_due(*args)


def test_a_database_lost_mid_batch_costs_no_lease_and_no_second_copy(rig: Rig) -> None:
    ids = rig.add(3)
    database = FlakyDatabase(rig, down_after=1)
    transport = ScriptedTransport()
    worker = rig.worker(transport)
    with pytest.raises(ConnectionError):  # the second mail went out, its record did not
        worker.run_once()
    assert len(transport.sent) == 2
    with pytest.raises(ConnectionError):  # still away: nothing is lost meanwhile
        worker.run_once()
    database.down = False
    database.down_after = 1000
    assert worker.run_once() == 1  # back: the untried mail goes now, not after the lease
    assert [m["Message-ID"] for m in transport.sent] == [f"<{i}@clico-support>" for i in ids]
    assert all(rig.state(i).state is DeliveryState.SENT for i in ids)
    assert worker.run_once() == 0


def test_what_a_lost_round_owes_lapses_with_its_claim(rig: Rig) -> None:
    ids = rig.add(2)
    database = FlakyDatabase(rig, down_after=0)
    transport = ScriptedTransport()
    worker = rig.worker(transport, lease=timedelta(minutes=10))
    with pytest.raises(ConnectionError):
        worker.run_once()
    rig.clock.advance(timedelta(minutes=11))  # another worker may have claimed them since
    database.down = False
    database.down_after = 1000
    assert worker.run_once() == 2  # the lease made both due; nothing stale was written
    assert len(transport.sent) == 3  # the first was sent twice, as after a crash
    assert all(rig.state(i).state is DeliveryState.SENT for i in ids)
