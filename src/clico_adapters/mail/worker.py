"""The delivery loop of the outbox: claim due messages, render, send, mark the outcome."""

from __future__ import annotations

import functools
import logging
import random
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from clico_core.mail import OutboxMessage
from clico_core.ports import Clock, MailQueue

from ..background import LoopThread
from ..scheduled import ScheduledJob
from .backoff import backoff_delay
from .errors import PermanentDeliveryError, TemporaryDeliveryError
from .renderer import MailRenderer, header_text
from .transport import Transport

log = logging.getLogger("clico.mail")
HEARTBEAT_EVERY = timedelta(seconds=10)
NOT_TRIED_DATABASE = "not tried: the database was unavailable"


class Unrecorded(Exception):
    """The queue could not record a mail's outcome (``error``: the database went away);
    ``record`` records it when called again."""

    def __init__(self, message_id: str, record: Callable[[], None], error: Exception) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.record = record
        self.error = error


class MailWorker(LoopThread):
    """Delivers queued mail; ``run_once`` for tests, ``start``/``stop`` or ``run_forever`` live.

    A claim is a lease: if the process dies mid-send, the message becomes due again when the
    lease ends and is resent with the same Message-ID. Several workers may share one queue.
    """

    thread_name = "clico-mail-worker"

    def __init__(self, queue: MailQueue, transport: Transport, renderer: MailRenderer,
                 clock: Clock, *, max_attempts: int = 10, batch: int = 20,
                 backoff_base: timedelta = timedelta(seconds=30),
                 backoff_cap: timedelta = timedelta(minutes=30),
                 lease: timedelta = timedelta(minutes=10), poll_interval: float = 3.0,
                 rand: Callable[[], float] | None = None,
                 jobs: Sequence[ScheduledJob] = (),
                 heartbeat: Callable[[datetime], None] | None = None,
                 heartbeat_every: timedelta = HEARTBEAT_EVERY) -> None:
        super().__init__()
        if max_attempts < 1 or batch < 1 or poll_interval <= 0:
            raise ValueError("max_attempts, batch and poll_interval must be positive")
        self.queue = queue
        self.transport = transport
        self.renderer = renderer
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.lease = lease
        self.poll_interval = poll_interval
        self.rand = rand or random.SystemRandom().random
        self.jobs = tuple(jobs)  # housekeeping between rounds (pruning), each when due
        # the loop's sign of life for /readyz, written at most every ``heartbeat_every``
        self.heartbeat = heartbeat
        self.heartbeat_every = heartbeat_every
        self._last_beat: datetime | None = None
        # what a round that lost the database could not record, with its claim's end
        self._owed: list[tuple[datetime, Callable[[], None]]] = []

    # --- one round ----------------------------------------------------------------------

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim the due messages (at most ``batch``), try each once; return how many were sent.

        When ``stop`` is set mid-batch the mail being sent is finished and the others are
        handed back at once (due now, for another worker), not held until the lease ends.
        When the database goes away mid-batch the round ends (its error raised); the outcome
        it could not record and the mails it did not try are recorded first thing in a
        later round, as long as the claim lasts: once the database is back they go at once,
        and the mail that was sent is not sent again.
        """
        self._settle()
        now = self.clock.now()
        claimed = self.queue.claim_due(now, self.batch, self.lease)
        settled: set[str] = set()
        sent = 0
        try:
            for index, message in enumerate(claimed):
                if stop is not None and stop.is_set():
                    self._release(claimed[index:])
                    break
                try:
                    if self._deliver(message):
                        sent += 1
                    settled.add(message.id)
                except TemporaryDeliveryError as error:  # the server is unusable: end the round
                    settled.add(message.id)
                    for untried in claimed[index + 1:]:
                        self._retry(untried, f"not tried: {error}")
                        settled.add(untried.id)
                    break
        except Unrecorded as lost:
            self._owe(now + self.lease, lost, [m for m in claimed if m.id not in settled])
            raise lost.error from None
        return sent

    def _owe(self, until: datetime, lost: Unrecorded, unsettled: list[OutboxMessage]) -> None:
        self._owed.append((until, lost.record))
        at = self.clock.now()
        for message in unsettled:
            if message.id != lost.message_id:
                self._owed.append((until, functools.partial(
                    self.queue.mark_retry, message.id, NOT_TRIED_DATABASE, at)))
        log.warning("mail round lost the database: %d outcomes to record when it is back",
                    len(self._owed))

    def _settle(self) -> None:
        """Record what an earlier round could not; raises while the database is still away.
        Past its claim's end a record is dropped: the lease already made the mail due."""
        while self._owed:
            until, record = self._owed[0]
            if self.clock.now() < until:
                record()
            self._owed.pop(0)

    def _record(self, message_id: str, record: Callable[[], None]) -> None:
        try:
            record()
        except Exception as error:
            raise Unrecorded(message_id, record, error) from error

    def _deliver(self, message: OutboxMessage) -> bool:
        mail = message.mail
        try:
            rendered = self.renderer.render(message, now=self.clock.now())
        except Exception as error:  # a template or data bug: retrying the same data won't help
            log.exception("mail %s (%s) cannot be rendered", message.id, mail.template)
            self._fail(message, f"cannot render: {type(error).__name__}: {error}")
            return False
        try:
            self.transport.send(rendered, message)
        except PermanentDeliveryError as error:
            self._fail(message, str(error))
            return False
        except TemporaryDeliveryError as error:
            self._retry(message, str(error))
            if error.unavailable:
                raise
            return False
        except Exception as error:  # an unexpected transport fault: treat it as temporary
            log.exception("mail %s (%s): unexpected transport error", message.id, mail.template)
            self._retry(message, f"{type(error).__name__}: {error}")
            return False
        self._record(message.id, functools.partial(self.queue.mark_sent, message.id,
                                                   self.clock.now()))
        log.debug("mail %s (%s) sent", message.id, mail.template)
        return True

    def _retry(self, message: OutboxMessage, error: str) -> None:
        if message.attempts >= self.max_attempts:
            self._fail(message, f"gave up after {message.attempts} tries: {error}")
            return
        delay = backoff_delay(message.attempts, self.backoff_base, self.backoff_cap, self.rand)
        log.warning("mail %s (%s) try %d failed, next in %ds: %s", message.id,
                    message.mail.template, message.attempts, delay.total_seconds(), error)
        self._record(message.id, functools.partial(self.queue.mark_retry, message.id,
                                                   _short(error), self.clock.now() + delay))

    def _release(self, untried: Sequence[OutboxMessage]) -> None:
        now = self.clock.now()
        for message in untried:  # the claim counted a try: the error says it was not made
            self.queue.mark_retry(message.id, "not tried: the worker stopped", now)
        log.info("worker stopping: %d claimed mails handed back unsent", len(untried))

    def _fail(self, message: OutboxMessage, error: str) -> None:
        log.error("mail %s (%s) parked as failed after %d tries: %s", message.id,
                  message.mail.template, message.attempts, error)
        self._record(message.id, functools.partial(self.queue.mark_failed, message.id,
                                                   _short(error), self.clock.now()))

    def beat(self) -> None:
        """Write the heartbeat if the last one is ``heartbeat_every`` old (a failure is
        logged: /readyz then reports the worker as stale, which is the truth)."""
        now = self.clock.now()
        if self.heartbeat is None or (self._last_beat is not None
                                      and now - self._last_beat < self.heartbeat_every):
            return
        try:
            self.heartbeat(now)
        except Exception:
            log.exception("mail worker heartbeat failed")
            return
        self._last_beat = now

    def run_due_jobs(self) -> int:
        """Run the scheduled jobs that are due; return how many ran."""
        now = self.clock.now()
        return sum(job.run_if_due(now) for job in self.jobs)

    # --- the loop -----------------------------------------------------------------------

    def run_forever(self, stop_event: threading.Event) -> None:
        """Deliver until ``stop_event`` is set (checked at least every ``poll_interval``)."""
        while not stop_event.is_set():
            self.beat()
            try:
                sent_full_batch = self.run_once(stop_event) >= self.batch
            except Exception:  # the database may be briefly away: log and keep going
                log.exception("mail delivery round failed")
                # a full pause, wakes or not: new mail cannot go out while it is away, and
                # each wake would otherwise be one more failed round and log line
                stop_event.wait(self.poll_interval)
                self._wake.clear()
                continue
            if stop_event.is_set():
                break
            self.run_due_jobs()  # between rounds: a job never holds up a due mail for long
            if not sent_full_batch:
                self._wake.wait(self.poll_interval)
            self._wake.clear()


def _short(error: str, limit: int = 500) -> str:
    return header_text(error, limit)
