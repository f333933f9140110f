"""Personal access tokens for the JSON API (``Tokeny API``): shown once, stored hashed.

A token carries a scope (``read`` or ``write``; ``write`` includes ``read``), may expire and
may be revoked. It opens the API only: the web portal takes nothing but its session cookie,
and the API takes nothing but a token (docs/security.md, "API tokens").
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import define

from .values import AccountId

TOKEN_PREFIX = "clico_pat_"
API_TOKEN_BYTES = 32  # 256 bits of entropy after the prefix, well above the 128 required
API_TOKEN_PURPOSE = "api_token"  # what the stored hash is bound to
MAX_TOKENS_PER_ACCOUNT = 50
MAX_LIFETIME = timedelta(days=3650)
NAME_MAX = 100
TOUCH_EVERY = timedelta(minutes=1)  # last-used time and address, written at most this often


class ApiScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


@define(eq=False)
class ApiToken:
    id: str
    account_id: AccountId
    name: str
    token_hash: str
    scope: ApiScope
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    last_used_from: str = ""

    def usable(self, *, at: datetime) -> bool:
        """Not revoked and not expired at ``at``."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or at < self.expires_at

    def grants(self, needed: ApiScope) -> bool:
        """``write`` includes ``read``; ``read`` grants nothing else."""
        return self.scope is ApiScope.WRITE or needed is ApiScope.READ

    def touch_due(self, *, at: datetime, client: str) -> bool:
        return (self.last_used_at is None or at - self.last_used_at >= TOUCH_EVERY
                or client != self.last_used_from)
