"""Server-side sign-in sessions: a pending (password-checked) step and a full session.

The browser holds only a random session secret; the store keeps its hash. A pending session
also carries the hashed one-time code of the second step and its failure count.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import define

from .values import AccountId

SESSION_BYTES = 32
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
PENDING_TIMEOUT = timedelta(minutes=10)
CODE_LIFETIME = timedelta(minutes=10)
CODE_DIGITS = 6
MAX_CODE_FAILURES = 5
RESEND_INTERVAL = timedelta(seconds=30)
MAX_CODES_PER_SIGN_IN = 5


class SecondFactor(enum.StrEnum):
    EMAIL = "email"  # a one-time code e-mailed for this pending sign-in (the default)
    TOTP = "totp"  # a code from the account's authenticator app


class SessionLevel(enum.StrEnum):
    PENDING_CODE = "pending_code"  # password checked, waiting for the e-mailed code
    # Both steps done by a staff member without an authenticator app: the session opens
    # nothing but the enrolment of one (docs/security.md, "Roles").
    ENROL_TOTP = "enrol_totp"
    FULL = "full"


@define(eq=False)
class Session:
    session_hash: str
    account_id: AccountId
    level: SessionLevel
    created_at: datetime
    last_seen_at: datetime
    client: str = ""
    revoked_at: datetime | None = None
    code_hash: str | None = None
    code_expires_at: datetime | None = None
    code_sent_at: datetime | None = None
    codes_sent: int = 0
    code_failures: int = 0
    second_factor: SecondFactor = SecondFactor.EMAIL

    def alive(self, *, at: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        if self.level is not SessionLevel.FULL:
            return at - self.created_at < PENDING_TIMEOUT
        return at - self.last_seen_at < IDLE_TIMEOUT and at - self.created_at < ABSOLUTE_TIMEOUT
