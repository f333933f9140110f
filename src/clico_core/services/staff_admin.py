"""``Personel`` (administrators): the staff list, invitations, disabling and re-enabling.

Every use case starts with ``require_admin`` (docs/security.md, "Roles") and leaves an audit
event naming the administrator.
"""

from __future__ import annotations

from attrs import frozen

from ..accounts import UNUSABLE_PASSWORD, Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..errors import NotFound, PolicyViolation
from ..roles import require_admin
from .context import Ports, Viewer
from .staff import CreateStaff, add_staff


@frozen
class StaffMember:
    """One line of the staff list."""

    id: str
    name: str
    email: str
    role: str  # Role's value: engineer / admin
    totp: bool
    disabled: bool
    invited: bool  # the set-password link was not used yet


def _member(account: Account) -> StaffMember:
    return StaffMember(account.id, account.full_name, account.email, account.role.value,
                       bool(account.totp_secret), account.state is AccountState.DISABLED,
                       account.password_hash == UNUSABLE_PASSWORD)


def list_staff(viewer: Viewer, ports: Ports) -> list[StaffMember]:
    """Every engineer and administrator, by last and first name."""
    require_admin(viewer.account)
    with ports.uow(readonly=True) as uow:
        accounts = uow.accounts.list_for_companies()
    return [_member(a) for a in accounts if a.is_staff]


def invite_staff(viewer: Viewer, cmd: CreateStaff, ports: Ports) -> StaffMember:
    """A new engineer or administrator, mailed a single-use link to set a password."""
    require_admin(viewer.account)
    now = ports.clock.now()
    with ports.uow() as uow:
        account, _ = add_staff(uow, cmd, ports, now)
        uow.audit.record(AuditEvent(AuditKind.STAFF_INVITED, now, account.id,
                                    detail=f"by:{viewer.account.id}"))
        uow.commit()
    return _member(account)


def set_staff_disabled(viewer: Viewer, account_id: str, disabled: bool,
                       ports: Ports) -> StaffMember:
    """Disable a staff account (it cannot sign in, its sessions end at once) or enable it
    again. An administrator cannot disable themselves."""
    require_admin(viewer.account)
    if disabled and account_id == viewer.account.id:
        raise PolicyViolation("cannot_disable_self")
    now = ports.clock.now()
    with ports.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or not account.is_staff:
            raise NotFound()
        by = f"by:{viewer.account.id}"
        if disabled and account.state is not AccountState.DISABLED:
            account.disable()
            uow.sessions.revoke_all(account.id, now)
            uow.audit.record(AuditEvent(AuditKind.ACCOUNT_DISABLED, now, account.id, detail=by))
        elif not disabled and account.state is AccountState.DISABLED:
            account.state = (AccountState.MUST_RESET_PASSWORD
                             if account.password_hash == UNUSABLE_PASSWORD
                             else AccountState.ACTIVE)
            account.security_stamp += 1
            uow.audit.record(AuditEvent(AuditKind.ACCOUNT_ENABLED, now, account.id, detail=by))
        uow.accounts.update(account)
        uow.commit()
    return _member(account)
