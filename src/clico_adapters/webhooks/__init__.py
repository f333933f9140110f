"""Webhook delivery: signing, the HTTP sender (httpx) and the worker loop."""

from .sender import HttpxSender
from .signing import signature_header
from .worker import WebhookWorker

__all__ = ["HttpxSender", "WebhookWorker", "signature_header"]
