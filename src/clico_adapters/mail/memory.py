"""A transport that keeps messages in a list, for tests and embedders."""

from __future__ import annotations

import threading
from email.message import EmailMessage

from clico_core.mail import OutboxMessage


class MemoryTransport:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.messages: list[EmailMessage] = []

    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        with self._lock:
            self.messages.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose ``To`` holds the address (case-insensitive), oldest first."""
        wanted = address.casefold()
        with self._lock:
            return [m for m in self.messages
                    if any(a.addr_spec.casefold() == wanted for a in m["To"].addresses)]
