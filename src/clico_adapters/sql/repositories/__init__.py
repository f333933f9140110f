"""SQL repositories, one module per concept; each runs in a ``SqlUnitOfWork``."""

from .accounts import SqlAccounts, SqlCompanies
from .api_tokens import SqlApiTokens
from .articles import SqlArticles
from .attachments import SqlAttachments
from .collaboration import SqlPresence, SqlReplyTemplates
from .contracts import SqlAssets, SqlContracts
from .kb import SqlKb, SqlKbSearch
from .outbox import SqlOutbox
from .security import SqlAttempts, SqlAudit, SqlSessions, SqlTokens
from .sla import SqlSupportLevels
from .tickets import SqlTickets
from .webhooks import SqlWebhooks

__all__ = [
    "SqlAccounts", "SqlApiTokens", "SqlArticles", "SqlAssets", "SqlAttachments", "SqlAttempts",
    "SqlAudit", "SqlCompanies", "SqlContracts", "SqlKb", "SqlKbSearch", "SqlOutbox",
    "SqlPresence", "SqlReplyTemplates", "SqlSessions", "SqlSupportLevels", "SqlTickets",
    "SqlTokens", "SqlWebhooks",
]
