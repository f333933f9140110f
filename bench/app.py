"""The bench-only ASGI app the load phases run under uvicorn: the real portal, plus

- ``/_bench/hello``: a bare route, the server's floor;
- ``/_bench/memory/tickets``: the real ``/tickets`` handler, middleware and template in a
  second instance of the portal whose services answer from memory (the first answers are
  computed once from the database, then reused; called on the event loop, as such services
  need no thread): the page without its database, the practical ceiling of the real list
  page. ``/_bench/stats`` says how many SQL statements
  that variant still ran after its first answers (0, or the ceiling is not one);
- ``/_bench/hasher``: how many argon2 operations the server has run (the rate-limit check),
  ``?nice=N`` to hash at another CPU priority than the product's setting, and ``?cpus=1``
  to hash on other CPUs than the server's (``?cpus=`` back to the server's own).

Nothing here is part of the product; the product app is built by ``create_app`` unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from attrs import evolve
from sqlalchemy import event
from starlette.types import ASGIApp, Receive, Scope, Send

from clico_adapters import compose
from clico_adapters.compose import hasher_for
from clico_adapters.config import Mode
from clico_adapters.passwords import Argon2Hasher
from clico_core.services import Services, Viewer
from clico_web import Settings, create_app

from .databases import BENCH_SECRET_KEY

T = TypeVar("T")


class CountingHasher:
    """The product's hasher (as ``clico serve`` builds it), counting the argon2 work it does.

    ``nice`` (set through ``/_bench/hasher?nice=N``) switches to the same hasher at another
    CPU priority; the flood phase compares the product's setting with hashing at nice 0.
    ``cpus`` (``?cpus=1``) is ``CLICO_HASHING_CPUS``: the hashing on those CPUs instead of
    the server's, the flood of a server with a core to spare for hashing.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.calls = 0
        self.nice = settings.hashing_nice
        self.cpus: frozenset[int] = settings.hashing_cpus
        self._lock = threading.Lock()
        self._hashers: dict[tuple[int, frozenset[int]], Argon2Hasher] = {}

    def _hasher(self) -> Argon2Hasher:
        key = (self.nice, self.cpus)
        if key not in self._hashers:
            self._hashers[key] = hasher_for(evolve(self.settings, hashing_nice=self.nice,
                                                   hashing_cpus=self.cpus))
        return self._hashers[key]

    def within_budget(self) -> int:
        """Hashes run at the pages' priority (within CLICO_HASHING_BUDGET_PERCENT)."""
        return sum(h.within_budget for h in self._hashers.values())

    def _run(self, method: str, *args: str) -> Any:
        with self._lock:
            self.calls += 1
            hasher = self._hasher()
        return getattr(hasher, method)(*args)

    def hash(self, password: str) -> str:
        return str(self._run("hash", password))

    def verify(self, stored_hash: str, password: str) -> bool:
        return bool(self._run("verify", stored_hash, password))

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher().needs_rehash(stored_hash)

    def dummy_verify(self, password: str) -> None:
        self._run("dummy_verify", password)


# every service call GET /tickets makes (its session lookup shares the list's call)
EVERYTHING_THE_LIST_READS = ("list_tickets_for_session", "authenticate", "list_tickets",
                             "filter_choices")
# set while the in-memory variant handles a request: its statements are counted
_IN_MEMORY_VARIANT: ContextVar[bool] = ContextVar("in_memory_variant", default=False)


class MemoryServices:
    """The real services, except that some calls are answered from memory after the first."""

    def __init__(self, real: Services, memoized: tuple[str, ...]) -> None:
        self._real = real
        self.MEMOIZED = memoized
        self._answers: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._real, name)
        if name not in self.MEMOIZED:
            return method
        return self._memoized(name, method)

    def _memoized(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            # a viewer is rebuilt on every request: remember answers per account instead
            key = (name, tuple(f"account:{a.account.id}" if isinstance(a, Viewer) else a
                               for a in args), tuple(sorted(kwargs.items())))
            try:
                return self._answers[key]
            except KeyError:
                pass
            answer = method(*args, **kwargs)
            with self._lock:
                self._answers.setdefault(key, answer)
            return answer
        return call


def _json(send: Send, payload: dict[str, Any]) -> Any:
    body = json.dumps(payload).encode()
    return _respond(send, 200, body, b"application/json")


async def _respond(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def build(database_url: str, secret_key: str, data_dir: Path) -> ASGIApp:
    """The portal over ``database_url`` with the bench routes in front of it."""
    # the seeded rows were sealed under the bench's database key: opened as a previous key
    # demo mode: a deployed portal's template handling (no re-reading of edited templates,
    # which development mode does), and, unlike production, no https base URL to meet
    settings = Settings(database_url=database_url, secret_key=secret_key, data_dir=data_dir,
                        mode=Mode.DEMO, start_mail_worker=False,
                        previous_secret_keys=(BENCH_SECRET_KEY,))
    hasher = CountingHasher(settings)
    backend = compose.build(settings, hasher=hasher)
    services = backend.services
    portal = create_app(settings, services)
    # the API's per-token limit would cap a load test at 10 req/s: the bench measures the list
    portal.routes[0].app.state.api_limiter.limit = 10**9  # type: ignore[attr-defined]
    # answers from memory need no thread: only the first of each (warming up) reads the
    # database, on the event loop
    memory = create_app(settings, MemoryServices(  # type: ignore[arg-type]
        services, EVERYTHING_THE_LIST_READS), services_block=False)
    counted = {"memory_statements": 0, "memory_requests": 0}

    def count(*_: Any) -> None:
        if _IN_MEMORY_VARIANT.get():
            counted["memory_statements"] += 1

    assert backend.database is not None
    event.listen(backend.database.engine, "before_cursor_execute", count)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/_bench/"):
            if path == "/_bench/hello":
                await _respond(send, 200, b"hello", b"text/plain")
                return
            if path == "/_bench/hasher":
                query = parse_qs(scope.get("query_string", b"").decode(),
                                 keep_blank_values=True)
                if "nice" in query:
                    hasher.nice = int(query["nice"][0])
                if "cpus" in query:
                    hasher.cpus = frozenset(int(c) for c in query["cpus"][0].split(",") if c)
                await _json(send, {"calls": hasher.calls, "nice": hasher.nice,
                                   "cpus": sorted(hasher.cpus),
                                   "budget_percent": settings.hashing_budget_percent,
                                   "within_budget": hasher.within_budget()})
                return
            if path == "/_bench/stats":
                await _json(send, counted)
                return
            if path.startswith("/_bench/memory/"):
                inner = path.removeprefix("/_bench/memory")
                token = _IN_MEMORY_VARIANT.set(True)
                try:
                    await memory({**scope, "path": inner, "raw_path": inner.encode()},
                                 receive, send)
                finally:
                    _IN_MEMORY_VARIANT.reset(token)
                    counted["memory_requests"] += 1
                return
        await portal(scope, receive, send)

    return app
