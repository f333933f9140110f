"""Accounts: people who sign in to the portal, and the rules of their life cycle."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import define

from .errors import AccountDisabled, AccountNotConfirmed, PasswordResetRequired
from .values import AccountId, CompanyId, Language, Role

# A stored password hash that no password verifies: migrated CLICO TAC accounts carry it
# until they reset their password.
UNUSABLE_PASSWORD = "!unusable"


class AccountState(enum.StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    ACTIVE = "active"
    MUST_RESET_PASSWORD = "must_reset_password"
    DISABLED = "disabled"


@define(eq=False)
class Account:
    id: AccountId
    login: str
    email: str
    first_name: str
    last_name: str
    phone: str
    company_id: CompanyId
    password_hash: str
    created_at: datetime
    language: Language = Language.PL
    role: Role = Role.CUSTOMER
    state: AccountState = AccountState.AWAITING_CONFIRMATION
    two_factor: bool = True
    password_changed_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    failed_sign_ins: int = 0
    # Incremented whenever something that must invalidate outstanding links changes
    # (password, e-mail, state); tokens remember the value they were issued under.
    security_stamp: int = 0
    # What the person typed as their company at sign-up; visibility never depends on it
    # (company_id comes from the contract used to register, or from an operator).
    organisation: str = ""
    # An authenticator app (TOTP, RFC 6238) instead of the e-mailed code, when enrolled;
    # the last accepted time step is kept so a code cannot be replayed.
    totp_secret: str | None = None
    totp_last_step: int | None = None
    # ``Powiadamiaj mnie o zgłoszeniach mojej firmy``: mail me about my colleagues' tickets
    # too (public replies by staff and status changes), not only about the ones I reported
    notify_company_tickets: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ENGINEER, Role.ADMIN)

    def ensure_can_sign_in(self) -> None:
        """Raise the precise reason this account may not sign in, if any."""
        if self.state is AccountState.DISABLED:
            raise AccountDisabled()
        if self.state is AccountState.MUST_RESET_PASSWORD:
            raise PasswordResetRequired()
        if self.state is AccountState.AWAITING_CONFIRMATION:
            raise AccountNotConfirmed()

    def confirm_email(self) -> None:
        if self.state is AccountState.AWAITING_CONFIRMATION:
            self.state = AccountState.ACTIVE
            self.security_stamp += 1

    def set_password(self, password_hash: str, *, at: datetime) -> None:
        """Store a new password; a migrated account becomes active; old links die."""
        self.password_hash = password_hash
        self.password_changed_at = at
        self.failed_sign_ins = 0
        self.security_stamp += 1
        if self.state in (AccountState.MUST_RESET_PASSWORD, AccountState.AWAITING_CONFIRMATION):
            # a reset link proves the mailbox as well as a confirmation link does
            self.state = AccountState.ACTIVE

    def record_sign_in(self, *, at: datetime) -> None:
        self.last_sign_in_at = at
        self.failed_sign_ins = 0
        self.security_stamp += 1

    def disable(self) -> None:
        self.state = AccountState.DISABLED
        self.security_stamp += 1
