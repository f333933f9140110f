"""What every handler reaches through ``request.app.state.portal``: services and helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from anyio import CapacityLimiter
from attrs import define, field
from babel.support import Translations
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from clico_adapters.compose import MailWorker
from clico_adapters.health import ReadinessReport, always_ready
from clico_core.services import FilterChoices, QueueChoices, Services

from . import metrics
from .choices import ChoiceCache
from .settings import Settings

T = TypeVar("T")


@define
class Portal:
    settings: Settings
    services: Services
    translations: dict[str, Translations]
    _limiter: CapacityLimiter | None = field(default=None, alias="_limiter")
    # this process's outbox worker, if it runs one: woken after each call so a sign-in code
    # leaves at once instead of at the next poll
    mail_worker: MailWorker | None = None
    choices: ChoiceCache[FilterChoices] = field(factory=ChoiceCache)
    queue_choices: ChoiceCache[QueueChoices] = field(factory=ChoiceCache)
    # /readyz's check and /metrics' database gauges (from the composition root's backend)
    readiness: Callable[[], ReadinessReport] = always_ready
    gauges: Collector | None = None
    # False only for services that answer from memory without blocking (no database): their
    # calls then run on the event loop, without the thread pool's hop
    services_block: bool = True

    def _wake_mail(self) -> None:
        if self.mail_worker is not None:
            self.mail_worker.wake()

    async def call(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run a (blocking) service call in the thread pool; inline when the services
        never block (``services_block`` False)."""
        try:
            if not self.services_block:
                return function(*args, **kwargs)
            return await run_in_threadpool(function, *args, **kwargs)
        finally:
            self._wake_mail()

    async def call_hashing(self, function: Callable[..., T], *args: object,
                           **kwargs: object) -> T:
        """Run an argon2-bound service call behind a small limiter of its own.

        A flood of sign-ins then queues here instead of taking every worker thread, so the
        other pages keep answering.
        """
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.settings.argon2_concurrency)
        waiting = True
        metrics.ARGON2_QUEUE.inc()

        def bound() -> T:
            nonlocal waiting
            waiting = False
            metrics.ARGON2_QUEUE.dec()  # the limiter let it through: no longer queued
            return function(*args, **kwargs)

        try:
            return await anyio.to_thread.run_sync(bound, limiter=self._limiter)
        finally:
            if waiting:  # cancelled while queued
                metrics.ARGON2_QUEUE.dec()
            self._wake_mail()


def portal_of(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def client_address(request: Request) -> str:
    """The peer address for rate limits.

    Behind a reverse proxy run uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>``
    so that ``request.client`` is the real client taken from the trusted proxy's
    ``X-Forwarded-For`` (and never from a header any client could send).
    """
    return request.client.host if request.client else ""
