"""Operator actions on accounts: listing every account, disabling one."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account
from ..audit import AuditEvent, AuditKind
from ..errors import NotFound
from .context import Ports
from .lookup import find_account


@frozen
class AccountSummary:
    account: Account
    company_name: str  # "" when the company record is missing


def list_accounts(ports: Ports) -> list[AccountSummary]:
    """Every account with its company's name, ordered by last and first name (operators)."""
    with ports.uow(readonly=True) as uow:
        names = {c.id: c.name for c in uow.companies.list_by_ids()}
        accounts = uow.accounts.list_for_companies()
    return [AccountSummary(a, names.get(a.company_id, "")) for a in accounts]


def disable_account(login_or_email: str, ports: Ports) -> Account:
    """Disable an account and end its sessions at once."""
    now = ports.clock.now()
    with ports.uow() as uow:
        account = find_account(uow, login_or_email)
        if account is None:
            raise NotFound()
        account.disable()
        uow.accounts.update(account)
        uow.sessions.revoke_all(account.id, now)
        uow.audit.record(AuditEvent(AuditKind.ACCOUNT_DISABLED, now, account.id))
        uow.commit()
        return account
