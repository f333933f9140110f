"""The bench-only ASGI app the load phases run under uvicorn: the real portal, plus

- ``/_bench/hello``: a bare route, the server's floor;
- ``/_bench/memory/tickets``: the real ``/tickets`` handler, middleware and template in a
  second instance of the portal whose services answer from memory (the first answers are
  computed once from the database, then reused): the page without its database, the
  practical ceiling of the real list page;
- ``/_bench/list-only/tickets``: the same with the session lookup (and the filter choices)
  from memory, so that only the list's own queries reach the database: what the page would
  cost with the session cached, a change docs/performance.md proposes;
- ``/_bench/hasher``: how many argon2 operations the server has run (the rate-limit check).

Nothing here is part of the product; the product app is built by ``create_app`` unchanged.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from clico_adapters.bootstrap import bootstrap
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.services import Services, Viewer
from clico_web import Settings, create_app

T = TypeVar("T")


class CountingHasher:
    """The product's hasher, counting the argon2 work it does.

    With ``nice`` > 0 (set through ``/_bench/hasher?nice=N``) the work runs on threads of
    lower CPU priority instead, the change docs/performance.md proposes; the flood phase
    measures the product as it is, then that proposal.
    """

    def __init__(self, inner: Argon2Hasher) -> None:
        self.inner = inner
        self.calls = 0
        self.nice = 0
        self._lock = threading.Lock()
        self._pools: dict[int, ThreadPoolExecutor] = {}

    def _run(self, function: Callable[..., T], *args: Any) -> T:
        with self._lock:
            self.calls += 1
            nice = self.nice
            if nice and nice not in self._pools:
                self._pools[nice] = ThreadPoolExecutor(
                    4, thread_name_prefix=f"argon2-nice{nice}", initializer=_lower_priority,
                    initargs=(nice,))
        if not nice:
            return function(*args)
        # argon2's own lane threads are created by the niced thread and inherit its priority
        return self._pools[nice].submit(function, *args).result()

    def hash(self, password: str) -> str:
        return self._run(self.inner.hash, password)

    def verify(self, stored_hash: str, password: str) -> bool:
        return self._run(self.inner.verify, stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return self.inner.needs_rehash(stored_hash)

    def dummy_verify(self, password: str) -> None:
        self._run(self.inner.dummy_verify, password)


def _lower_priority(nice: int) -> None:
    # Linux: a thread is a task, and PRIO_PROCESS with a thread id sets that thread's nice
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)


# (older versions of the page read the filter choices through the last two)
FILTER_CHOICES = ("filter_choices", "customer_overview", "list_covered_assets")
EVERYTHING_THE_LIST_READS = ("authenticate", "list_tickets", *FILTER_CHOICES)
SESSION_AND_CHOICES = ("authenticate", *FILTER_CHOICES)


class MemoryServices:
    """The real services, except that some calls are answered from memory after the first."""

    def __init__(self, real: Services, memoized: tuple[str, ...]) -> None:
        self._real = real
        self.MEMOIZED = memoized
        self.ports = real.ports
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
    db = SqlDatabase.from_url(database_url)
    hasher = CountingHasher(Argon2Hasher())
    services = bootstrap(uow=db.uow_factory, hasher=hasher)
    settings = Settings(secret_key=secret_key, data_dir=data_dir, start_mail_worker=False)
    portal = create_app(settings, services)
    variants = {
        "/_bench/memory": create_app(settings, MemoryServices(  # type: ignore[arg-type]
            services, EVERYTHING_THE_LIST_READS)),
        "/_bench/list-only": create_app(settings, MemoryServices(  # type: ignore[arg-type]
            services, SESSION_AND_CHOICES)),
    }

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith("/_bench/"):
            if path == "/_bench/hello":
                await _respond(send, 200, b"hello", b"text/plain")
                return
            if path == "/_bench/hasher":
                nice = parse_qs(scope.get("query_string", b"").decode()).get("nice")
                if nice:
                    hasher.nice = int(nice[0])
                await _json(send, {"calls": hasher.calls, "nice": hasher.nice})
                return
            prefix = "/".join(path.split("/")[:3])
            if prefix in variants:
                inner = path[len(prefix):]
                await variants[prefix]({**scope, "path": inner, "raw_path": inner.encode()},
                                       receive, send)
                return
        await portal(scope, receive, send)

    return app
