"""Helpers of the webhook tests: a real HTTP receiver on loopback that can be down, and a
signature verifier written from docs/webhooks.md (it imports nothing of ours)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import define, field

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import SteppingClock, SystemSecrets
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_core.policies import visible_scope
from clico_core.services import CreateStaff, OpenTicket, Viewer
from clico_core.values import Role

from ..support import World, sealing_box
from .sql_support import START, TODAY


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/webhooks.md tells it: t and v1 from the header, the
    HMAC-SHA256 of "<t>.<body>" compared in constant time, t within the tolerance."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"]) and abs(now - timestamp) <= tolerance


@define
class Received:
    delivery: str
    event: str
    signature: str
    body: bytes
    path: str

    @property
    def document(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body)
        return result


@define
class Receiver:
    """Answers ``status`` to every POST and records what it answered 2xx to; ``stop()`` and
    ``start()`` take it off the network and back on the same port."""

    status: int = 204
    refuse_next: int = 0  # answer 503 to this many requests first, whatever ``status`` is
    accepted: list[Received] = field(factory=list)
    refused: int = 0
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(factory=threading.Lock)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    status = receiver.status
                    if receiver.refuse_next > 0:
                        receiver.refuse_next -= 1
                        status = 503
                    if 200 <= status < 300:
                        receiver.accepted.append(Received(
                            self.headers["X-Clico-Delivery"], self.headers["X-Clico-Event"],
                            self.headers["X-Clico-Signature"], body, self.path))
                    else:
                        receiver.refused += 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


def webhook_world(url: str, hasher: Argon2Hasher) -> tuple[World, SqlDatabase, SteppingClock]:
    """The core over the database, loopback endpoints allowed (as the tests' setting)."""
    db = SqlDatabase.from_url(url, box=sealing_box())
    clock = SteppingClock(START)
    services = bootstrap(uow=db.uow_factory, clock=clock, secrets=SystemSecrets(),
                         hasher=hasher, webhooks_allow_private=True)
    return World(services, clock, db.mail_queue, today=TODAY), db, clock


def admin(world: World, email: str = "admin@clico.pl") -> Viewer:
    account, _ = world.services.create_staff_account(
        CreateStaff(email, "Ada", "Admin", Role.ADMIN))
    return Viewer(account, f"session-{account.id}", (), visible_scope(account, ()))


def customer_ticket(world: World, login: str, company: str, number: str,
                    subject: str = "VPN down") -> tuple[Viewer, str]:
    """A customer of ``company`` (a new contract ``number``) and the ticket they open."""
    issued = world.issue(number, company)
    world.register(login, contract=issued, company=company)
    viewer = world.viewer(login)
    ticket = world.services.open_ticket(viewer, OpenTicket(subject, "<p>It drops.</p>"))
    return viewer, ticket.number
