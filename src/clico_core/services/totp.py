"""An authenticator app (TOTP) as the second sign-in step, instead of the e-mailed code.

docs/security.md: e-mailed codes alone are weaker than NIST AAL2 (the reset link goes to the
same mailbox); TOTP with ±1 step and no replay of an accepted step is the stronger option.
"""

from __future__ import annotations

import re
from datetime import datetime

from attrs import frozen

from ..accounts import Account
from ..audit import AuditEvent, AuditKind
from ..errors import (
    InvalidCode,
    InvalidCredentials,
    NotFound,
    PolicyViolation,
    ValidationFailed,
)
from ..mail import MailTemplate, OutgoingMail
from ..ports import TotpVerifier, UnitOfWork
from .context import Ports, Viewer
from .lookup import find_account
from .ratelimit import enforce, record_failure
from .recovery_codes import issue_recovery_codes

_BASE32 = re.compile(r"^(?:[A-Z2-7]{8}){4,8}$")  # whole 40-bit groups: always decodable
_CODE = re.compile(r"^\d{6}$")


@frozen
class TotpSetup:
    """What the user types or scans into the authenticator app; nothing is stored yet."""

    secret: str
    uri: str


def _verifier(ports: Ports) -> TotpVerifier:
    if ports.totp is None:
        raise PolicyViolation("totp_unavailable")
    return ports.totp


def totp_step(ports: Ports, account: Account, code: str, at: datetime) -> int | None:
    """The accepted time step for ``code``, or None (wrong, malformed or a replay)."""
    code = "".join(code.split())
    if ports.totp is None or not account.totp_secret or not _CODE.match(code):
        return None
    step = ports.totp.matching_step(account.totp_secret, code, at)
    if step is None or (account.totp_last_step is not None and step <= account.totp_last_step):
        return None
    return step


def valid_secret(secret: str) -> str | None:
    """The secret as the app holds it, or None when it is no whole base32 secret."""
    secret = secret.strip().upper()
    return secret if _BASE32.match(secret) else None


def begin_totp(viewer: Viewer, ports: Ports) -> TotpSetup:
    """A new secret for the user to enrol; it takes effect only after ``enable_totp``."""
    verifier = _verifier(ports)
    secret = verifier.new_secret()
    return TotpSetup(secret, verifier.provisioning_uri(secret, viewer.account.email,
                                                       ports.product_name))


def check_password(viewer: Viewer, password: str, ports: Ports, now: datetime) -> None:
    """Changing the second step needs the password (wrong ones count like wrong sign-ins),
    so a stolen session alone cannot lock the owner out with the thief's app."""
    account_key = f"sign-in:account:{viewer.account.id}"
    with ports.uow() as uow:
        enforce(uow, [(account_key, ports.limits.sign_in_per_account)], now,
                account_id=viewer.account.id)
    if not ports.hasher.verify(viewer.account.password_hash, password):
        with ports.uow() as uow:
            record_failure(uow, [account_key], now)
            uow.commit()
        raise InvalidCredentials()


def _switch(ports: Ports, account_id: str, secret: str | None, step: int | None,
            now: datetime) -> tuple[Account, tuple[str, ...]]:
    """Turn the app on (with a new set of recovery codes, returned) or off (codes gone)."""
    with ports.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFound()
        account.totp_secret, account.totp_last_step = secret, step
        uow.accounts.update(account)
        codes = record_switch(uow, ports, account, now)
        uow.commit()
        return account, codes


def record_switch(uow: UnitOfWork, ports: Ports, account: Account,
                  now: datetime) -> tuple[str, ...]:
    """What follows the app being turned on or off, in the caller's unit of work: the audit
    event, the notice mail, the recovery codes (a new set, or none)."""
    enabled = account.totp_secret is not None
    uow.audit.record(AuditEvent(AuditKind.TOTP_ENABLED if enabled else AuditKind.TOTP_DISABLED,
                                now, account.id))
    uow.outbox.add(OutgoingMail(MailTemplate.TWO_FACTOR_CHANGED, account.email,
                                account.language,
                                {"name": account.full_name, "login": account.login,
                                 "enabled": "yes" if enabled else "no"}), now)
    if enabled:
        return issue_recovery_codes(uow, ports, account.id, now)
    uow.accounts.replace_recovery_codes(account.id, [], now)
    return ()


def enable_totp(viewer: Viewer, secret: str, code: str, password: str,
                ports: Ports) -> tuple[str, ...]:
    """Switch the second step to the app once a first code from it proves the enrolment;
    returns the new recovery codes (shown once)."""
    verifier = _verifier(ports)
    checked = valid_secret(secret)
    if checked is None:
        raise ValidationFailed({"secret": "invalid"})
    secret = checked
    now = ports.clock.now()
    check_password(viewer, password, ports, now)
    step = verifier.matching_step(secret, "".join(code.split())[:12], now)
    if step is None:
        raise InvalidCode(attempts_left=1)
    return _switch(ports, viewer.account.id, secret, step, now)[1]


def disable_totp(viewer: Viewer, password: str, ports: Ports) -> None:
    """Back to e-mailed codes; needs the password. Staff keep the app (docs/security.md,
    "Roles")."""
    if viewer.account.is_staff:
        raise PolicyViolation("staff_need_totp")
    now = ports.clock.now()
    check_password(viewer, password, ports, now)
    _switch(ports, viewer.account.id, None, None, now)


def reset_two_factor(login_or_email: str, ports: Ports) -> Account:
    """Operators: back to e-mailed codes for a user who lost the app; sessions end."""
    now = ports.clock.now()
    with ports.uow(readonly=True) as uow:
        account = find_account(uow, login_or_email)
    if account is None:
        raise NotFound()
    account, _ = _switch(ports, account.id, None, None, now)
    with ports.uow() as uow:
        uow.sessions.revoke_all(account.id, now)
        uow.commit()
    return account
