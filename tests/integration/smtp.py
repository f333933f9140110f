"""A real SMTP server for tests: aiosmtpd on a free loopback port, recording what it accepts.

    with SmtpServer() as smtp:           # or the ``smtp_server`` fixture
        app_mail_url = smtp.url          # smtp://127.0.0.1:<port>
        message = smtp.wait_for("jan@example.com")   # the next mail to that address
        smtp.fail("451 4.3.0 Try again later", times=1)  # scripted refusals

Other suites (browser tests) reuse it to read the mails the portal sends.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Literal, Self

import pytest
from aiosmtpd.controller import Controller
from attrs import frozen

Stage = Literal["rcpt", "data"]


@frozen
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes  # exactly the bytes of DATA, for checking encoded headers
    tls: bool = False  # the session was encrypted (STARTTLS or implicit TLS)
    authenticated: bool = False


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd in a thread. ``stop()`` then ``start()`` brings it back on the same port."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1",
                 **controller_options: Any) -> None:
        """``controller_options`` go to aiosmtpd's ``Controller`` (``tls_context``,
        ``require_starttls``, ``ssl_context`` for implicit TLS, ``authenticator``, …)."""
        self.host = host
        self.controller_options = controller_options
        self.port = port or free_port(host)
        self._controller: Controller | None = None
        self._changed = threading.Condition()
        self._received: list[Received] = []
        self._returned: dict[str, int] = {}  # address → how many wait_for has handed out
        self._faults: list[tuple[Stage, str, int | None]] = []
        self.refused = 0  # commands answered with a scripted fault
        self.data_delay = 0.0  # seconds each DATA takes (a slow server: a batch takes time)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> Self:
        if self._controller is None:
            options: dict[str, Any] = {"enable_SMTPUTF8": True, **self.controller_options}
            controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                    ready_timeout=10.0, **options)
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- scripted faults ----------------------------------------------------------------

    def fail(self, reply: str, *, times: int | None = None, stage: Stage = "data") -> None:
        """Answer ``reply`` (e.g. ``"451 4.3.0 Try later"``) at ``stage``, ``times`` times
        (None: until ``clear_faults()``). Faults queue up in order."""
        with self._changed:
            self._faults.append((stage, reply, times))

    def clear_faults(self) -> None:
        with self._changed:
            self._faults.clear()

    def _take_fault(self, stage: Stage) -> str | None:
        with self._changed:
            if not self._faults or self._faults[0][0] != stage:
                return None
            _, reply, times = self._faults[0]
            if times is not None:
                if times <= 1:
                    self._faults.pop(0)
                else:
                    self._faults[0] = (stage, reply, times - 1)
            self.refused += 1
            return reply

    # --- what arrived -------------------------------------------------------------------

    def _record(self, mail_from: str, rcpt_tos: list[str], data: bytes, *, tls: bool,
                authenticated: bool) -> None:
        parsed = email.message_from_bytes(data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._changed:
            self._received.append(Received(mail_from, tuple(rcpt_tos), parsed, data, tls,
                                           authenticated))
            self._changed.notify_all()

    @property
    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """Every message delivered to the address so far (case-insensitive), oldest first."""
        wanted = address.casefold()
        return [r.message for r in self.received
                if wanted in (a.casefold() for a in r.rcpt_tos)]

    def wait_for(self, address: str, timeout: float = 10.0) -> EmailMessage:
        """The next message to ``address`` not yet returned by ``wait_for``; waits for it."""
        key = address.casefold()
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                matching = [r.message for r in self._received
                            if key in (a.casefold() for a in r.rcpt_tos)]
                seen = self._returned.get(key, 0)
                if len(matching) > seen:
                    self._returned[key] = seen + 1
                    return matching[seen]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no new mail to {address} within {timeout}s "
                                         f"({len(self._received)} received in all)")
                self._changed.wait(left)


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        fault = self.server._take_fault("rcpt")
        if fault:
            return fault
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        fault = self.server._take_fault("data")
        if fault:
            return fault
        if self.server.data_delay:
            await asyncio.sleep(self.server.data_delay)
        self.server._record(envelope.mail_from, list(envelope.rcpt_tos),
                            envelope.original_content or envelope.content,
                            tls=_encrypted(server, session),
                            authenticated=bool(session.authenticated))
        return "250 Message accepted for delivery"


def _encrypted(server: Any, session: Any) -> bool:
    transport = getattr(server, "transport", None)
    ssl_object = transport.get_extra_info("ssl_object") if transport is not None else None
    return ssl_object is not None or session.ssl is not None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port, stopped after the test."""
    with SmtpServer() as server:
        yield server
