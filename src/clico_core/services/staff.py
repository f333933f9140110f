"""Staff accounts: support engineers and administrators, created by an operator."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ..accounts import UNUSABLE_PASSWORD, Account, AccountState
from ..errors import ValidationFailed
from ..mail import MailTemplate, OutgoingMail
from ..ports import UnitOfWork
from ..tokens import LIFETIMES, TOKEN_BYTES, Token, TokenPurpose, hash_secret
from ..values import Language, Role, clean_line, normalise_email
from .context import Ports
from .contracts import find_or_create_company


@frozen
class CreateStaff:
    email: str
    first_name: str
    last_name: str
    role: Role = Role.ENGINEER
    company: str = "CLICO"


def create_staff_account(cmd: CreateStaff, ports: Ports) -> tuple[Account, str]:
    """Create an engineer or admin; returns the account and a one-time set-password path."""
    now = ports.clock.now()
    with ports.uow() as uow:
        account, path = add_staff(uow, cmd, ports, now)
        uow.commit()
    return account, path


def add_staff(uow: UnitOfWork, cmd: CreateStaff, ports: Ports,
              now: datetime) -> tuple[Account, str]:
    """The new staff account and its mailed set-password link, in the caller's unit of work:
    the link's secret is stored hashed and works once, for a day (docs/security.md)."""
    email = normalise_email(cmd.email)
    first, last = clean_line(cmd.first_name, 100), clean_line(cmd.last_name, 100)
    problems = {k: "invalid" for k, v in
                (("email", email), ("first_name", first), ("last_name", last)) if v is None}
    if cmd.role is Role.CUSTOMER:
        problems["role"] = "invalid_choice"
    if problems or email is None or first is None or last is None:
        raise ValidationFailed(problems)
    if uow.accounts.get_by_email(email) or uow.accounts.get_by_login(email):
        raise ValidationFailed({"email": "email_taken"})
    company = find_or_create_company(uow, ports, cmd.company)
    account = Account(
        id=ports.secrets.new_id(), login=email, email=email, first_name=first,
        last_name=last, phone="", company_id=company.id, password_hash=UNUSABLE_PASSWORD,
        created_at=now, language=Language.PL, role=cmd.role,
        state=AccountState.MUST_RESET_PASSWORD, organisation=company.name,
    )
    uow.accounts.add(account)
    secret = ports.secrets.token(TOKEN_BYTES)
    purpose = TokenPurpose.RESET_PASSWORD
    # a staff invitation lives longer than a reset link: a day, like a confirmation
    uow.tokens.add(Token(hash_secret(purpose, secret), purpose, account.id,
                         account.security_stamp, now,
                         now + LIFETIMES[TokenPurpose.CONFIRM_EMAIL]))
    uow.outbox.add(OutgoingMail(MailTemplate.STAFF_INVITATION, email, account.language,
                                {"name": account.full_name, "login": account.login,
                                 "role": account.role.value,
                                 "link_path": f"/password/reset/{secret}",
                                 "minutes": "1440"}), now)
    return account, f"/password/reset/{secret}"
