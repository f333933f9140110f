"""How a transport tells the worker whether trying again can help."""

from __future__ import annotations


class DeliveryError(Exception):
    """Sending failed; ``str()`` is what the outbox records as the last error."""


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying later (SMTP 4xx, a timeout, a refused connection).

    ``unavailable`` means the server itself could not be used (not this message's fault),
    so the worker stops the round instead of trying every other message against it.
    """

    def __init__(self, message: str, *, unavailable: bool = False) -> None:
        super().__init__(message)
        self.unavailable = unavailable


class PermanentDeliveryError(DeliveryError):
    """Retrying the same message cannot help (SMTP 5xx): the message is parked as failed."""
