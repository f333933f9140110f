"""Mail delivery: Jinja2 templates, a renderer, transports chosen by URL, the outbox worker.

    renderer = MailRenderer(base_url, sender)
    worker = MailWorker(queue, transport_from_url(mail_url), renderer, clock)
    worker.start()  # …  worker.stop()
"""

from .backoff import backoff_delay
from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError
from .maildir import MaildirTransport
from .memory import MemoryTransport
from .renderer import MailRenderer, RenderedMail
from .settings import DEFAULT_SENDER, MAINTENANCE_ADDRESS, default_mail_url
from .smtp import SmtpTransport, StartTls
from .transport import Transport, probe, transport_from_url
from .worker import MailWorker

__all__ = [
    "DEFAULT_SENDER", "MAINTENANCE_ADDRESS", "DeliveryError", "MailRenderer", "MailWorker",
    "MaildirTransport", "MemoryTransport", "PermanentDeliveryError", "RenderedMail",
    "SmtpTransport", "StartTls", "TemporaryDeliveryError", "Transport", "backoff_delay",
    "default_mail_url", "probe", "transport_from_url",
]
