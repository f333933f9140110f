"""The webhook delivery loop: claim due deliveries, sign, POST, mark the outcome."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from clico_core.ports import Clock, WebhookQueue
from clico_core.webhooks import ClaimedDelivery

from ..background import LoopThread
from .signing import signature_header

log = logging.getLogger("clico.webhooks")

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


class Sender(Protocol):
    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body``; the response's status code, or an exception when none came."""
        ...


def retry_delay(attempt: int, rand: Callable[[], float]) -> timedelta:
    """The wait after failed try ``attempt`` (1, 2, …): 30 s doubling up to 1 h, scaled
    into its upper half at random so endpoints that failed together are not retried
    together (30 s, 1 min, 2 min, … 32 min, then hourly until 24 h after the event)."""
    ceiling = min(LONGEST_WAIT.total_seconds(),
                  FIRST_RETRY.total_seconds() * 2.0 ** min(max(attempt - 1, 0), 32))
    return timedelta(seconds=ceiling * (0.5 + 0.5 * min(max(rand(), 0.0), 1.0)))


def headers_for(claimed: ClaimedDelivery, body: bytes, now: datetime) -> dict[str, str]:
    delivery = claimed.delivery
    return {"Content-Type": "application/json", "X-Clico-Delivery": delivery.id,
            "X-Clico-Event": delivery.event.value,
            "X-Clico-Signature": signature_header(claimed.secret, int(now.timestamp()), body)}


class WebhookWorker(LoopThread):
    """Delivers recorded webhook events; ``run_once`` for tests, ``start``/``stop`` live.

    A claim is a lease: a worker that dies mid-request leaves the delivery due again when
    the lease ends, and it is sent again with the same delivery id (at least once).
    """

    thread_name = "clico-webhook-worker"

    def __init__(self, queue: WebhookQueue, sender: Sender, clock: Clock, *, batch: int = 20,
                 lease: timedelta = timedelta(minutes=2), poll_interval: float = 2.0,
                 rand: Callable[[], float] | None = None) -> None:
        super().__init__()
        if batch < 1 or poll_interval <= 0:
            raise ValueError("batch and poll_interval must be positive")
        self.queue = queue
        self.sender = sender
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.poll_interval = poll_interval
        self.rand = rand or random.SystemRandom().random

    def run_once(self) -> int:
        """Claim the due deliveries (at most ``batch``), try each once; return how many
        were delivered."""
        claimed = self.queue.claim_due(self.clock.now(), self.batch, self.lease)
        return sum(self._deliver(c) for c in claimed)

    def _deliver(self, claimed: ClaimedDelivery) -> bool:
        delivery = claimed.delivery
        body = delivery.body.encode()
        status: int | None = None
        try:
            status = self.sender.send(claimed.url, body,
                                      headers_for(claimed, body, self.clock.now()))
        except Exception as error:  # refused address, DNS, connection, timeout, TLS, …
            outcome = f"{type(error).__name__}: {error}"
        else:
            if 200 <= status < 300:
                self.queue.mark_delivered(delivery.id, status, self.clock.now())
                return True
            outcome = f"HTTP {status}"
        now = self.clock.now()
        if now >= delivery.give_up_at:
            log.error("webhook delivery %s failed for good after %d tries: %s", delivery.id,
                      delivery.attempts, outcome)
            self.queue.mark_failed(delivery.id, status, outcome[:500])
        else:
            next_at = min(now + retry_delay(delivery.attempts, self.rand), delivery.give_up_at)
            log.warning("webhook delivery %s try %d failed: %s", delivery.id,
                        delivery.attempts, outcome)
            self.queue.mark_retry(delivery.id, status, outcome[:500], next_at)
        return False

    def run_forever(self, stop_event: threading.Event) -> None:
        """Deliver until ``stop_event`` is set (checked at least every ``poll_interval``)."""
        while not stop_event.is_set():
            try:
                full = self.run_once() >= self.batch
            except Exception:  # the database may be briefly away: log and keep going
                log.exception("webhook delivery round failed")
                stop_event.wait(self.poll_interval)  # a full pause, wakes or not
                self._wake.clear()
                continue
            if not full:
                self._wake.wait(self.poll_interval)
            self._wake.clear()
