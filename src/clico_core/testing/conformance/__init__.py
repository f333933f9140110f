"""The adapter conformance suite: behaviour every ``UnitOfWork`` implementation must show.

Subclass ``UnitOfWorkConformance`` in your tests and provide two fixtures::

    class TestMyAdapter(UnitOfWorkConformance):
        @pytest.fixture
        def uow_factory(self):          # a fresh, empty database per test
            return MyUnitOfWorkFactory(...)

        @pytest.fixture
        def mail_queue(self, uow_factory):   # the MailQueue over the same database
            return MyMailQueue(...)

        @pytest.fixture
        def webhook_queue(self, uow_factory):   # the WebhookQueue over the same database
            return MyWebhookQueue(...)

The same tests run against the in-memory, SQLite and PostgreSQL adapters. A blob store
(``BlobStoreConformance``) needs one fixture, ``blob_store``.
"""

from .articles import ArticleConformance
from .attachments import AttachmentRepositoryConformance
from .blobs import BlobStoreConformance
from .collaboration import CollaborationConformance
from .companies import CompanyConformance
from .kb import KbConformance
from .mail import MailQueueConformance
from .notifications import NotificationConformance
from .queue import QueueConformance
from .repositories import RepositoryConformance
from .retention import RetentionConformance
from .session_holder import SessionHolderConformance
from .sla import SlaConformance
from .ticket_list import TicketListConformance
from .webhooks import WebhookConformance


class UnitOfWorkConformance(RepositoryConformance, SessionHolderConformance,
                            TicketListConformance, MailQueueConformance, RetentionConformance,
                            AttachmentRepositoryConformance, ArticleConformance,
                            CollaborationConformance, CompanyConformance,
                            NotificationConformance, QueueConformance, SlaConformance,
                            KbConformance, WebhookConformance):
    """Everything at once."""


__all__ = [
    "ArticleConformance", "AttachmentRepositoryConformance", "BlobStoreConformance",
    "CollaborationConformance",
    "CompanyConformance", "KbConformance",
    "MailQueueConformance", "NotificationConformance",
    "QueueConformance",
    "RepositoryConformance", "RetentionConformance", "SessionHolderConformance",
    "SlaConformance",
    "TicketListConformance",
    "UnitOfWorkConformance", "WebhookConformance",
]
