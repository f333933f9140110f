"""Prometheus metrics (prometheus-client): what the portal counts and how /metrics shows it.

Counters and histograms are module-level, as prometheus-client expects. With
``PROMETHEUS_MULTIPROC_DIR`` set before the process starts (``clico serve --workers N``),
every server process writes its values to files there and a scrape of any process sums
them all (``MultiProcessCollector``). The outbox and SLA gauges are read from the database
at scrape time, so they are the same whichever process answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector

from clico_core.errors import ClicoError, InvalidCode, InvalidCredentials, TooManyAttempts
from clico_core.mail import OutboxStats

# no ``_created`` series beside each counter: Prometheus does not need them
disable_created_metrics()  # type: ignore[no-untyped-call]
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter("clico_http_requests", "Requests answered, by route template and status",
                   ["method", "route", "status"])
LATENCY = Histogram("clico_http_request_duration_seconds",
                    "Time to answer a request, by route template", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
STATEMENTS = Histogram("clico_sql_statements_per_request",
                       "SQL statements one request ran, by route template", ["route"],
                       buckets=(0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100))
SIGN_IN_FAILURES = Counter("clico_signin_failures",
                           "Wrong passwords and wrong sign-in codes", ["reason"])
THROTTLED = Counter("clico_throttled_requests",
                    "Requests refused by a rate limit (sign-in throttles among them)",
                    ["route"])
ARGON2_QUEUE = Gauge("clico_argon2_queue_length",
                     "Password hashes waiting for the argon2 limiter",
                     multiprocess_mode="livesum")

_SIGN_IN_FAILURES = {InvalidCredentials: "password", InvalidCode: "code"}


def count_failure(route: str, error: ClicoError) -> None:
    """A core error shown to someone: a sign-in failure or a throttle is counted."""
    if isinstance(error, TooManyAttempts):
        THROTTLED.labels(route).inc()
        return
    reason = _SIGN_IN_FAILURES.get(type(error))
    if reason is not None:
        SIGN_IN_FAILURES.labels(reason).inc()


class DatabaseGauges(Collector):
    """The outbox's depth and oldest pending age, and the tickets past an SLA due time,
    read when scraped (the callables reach the database; a failure shows no gauge)."""

    def __init__(self, outbox: Callable[[], OutboxStats], sla_overdue: Callable[[], int],
                 now: Callable[[], datetime]) -> None:
        self.outbox = outbox
        self.sla_overdue = sla_overdue
        self.now = now

    def collect(self) -> Iterator[Metric]:
        stats = self.outbox()
        yield GaugeMetricFamily("clico_outbox_pending", "Mails waiting to be sent",
                                value=stats.pending)
        yield GaugeMetricFamily("clico_outbox_failed", "Mails parked after too many tries",
                                value=stats.failed)
        age = 0.0 if stats.oldest_pending_at is None else max(
            0.0, (self.now() - stats.oldest_pending_at).total_seconds())
        yield GaugeMetricFamily("clico_outbox_oldest_pending_age_seconds",
                                "Age of the oldest mail waiting to be sent (0: none)",
                                value=age)
        yield GaugeMetricFamily("clico_sla_overdue_tickets",
                                "Open tickets past an SLA due time with their clock running",
                                value=self.sla_overdue())


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROCESS_VARIABLE))


def process_stopping() -> None:
    """A server process that stops drops its live gauges' files (``livesum``: the argon2
    queue), so that a scrape stops adding a value no process holds any more; its counters
    and histograms stay, as prometheus-client's multiprocess mode intends."""
    if multiprocess():
        mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def exposition(gauges: Collector | None) -> bytes:
    """Everything in Prometheus' text format: this process's (or every process's) metrics,
    then the database gauges."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if gauges is not None:
        extra = CollectorRegistry()
        extra.register(gauges)
        body += generate_latest(extra)
    return body
