"""An authenticator app (TOTP) as the second sign-in step, instead of the e-mailed code.

SECURITY.md: e-mailed codes alone are weaker than NIST AAL2 (the reset link goes to the
same mailbox); TOTP with ±1 step and no replay of an accepted step is the stronger option.
"""

from __future__ import annotations

import re
from datetime import datetime

from attrs import frozen

from ..accounts import Account
from ..audit import AuditEvent, AuditKind
from ..errors import InvalidCode, InvalidCredentials, PolicyViolation, ValidationFailed
from ..ports import TotpVerifier
from .context import Ports, Viewer
from .ratelimit import enforce, record_failure

_BASE32 = re.compile(r"^[A-Z2-7]{32,64}$")
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


def begin_totp(viewer: Viewer, ports: Ports) -> TotpSetup:
    """A new secret for the user to enrol; it takes effect only after ``enable_totp``."""
    verifier = _verifier(ports)
    secret = verifier.new_secret()
    return TotpSetup(secret, verifier.provisioning_uri(secret, viewer.account.email,
                                                       ports.product_name))


def enable_totp(viewer: Viewer, secret: str, code: str, ports: Ports) -> None:
    """Switch the second step to the app once a first code from it proves the enrolment."""
    verifier = _verifier(ports)
    secret = secret.strip().upper()
    if not _BASE32.match(secret):
        raise ValidationFailed({"secret": "invalid"})
    now = ports.clock.now()
    step = verifier.matching_step(secret, "".join(code.split()), now)
    if step is None:
        raise InvalidCode(attempts_left=1)
    with ports.uow() as uow:
        account = uow.accounts.get(viewer.account.id)
        if account is None:
            raise InvalidCredentials()
        account.totp_secret, account.totp_last_step = secret, step
        uow.accounts.update(account)
        uow.audit.record(AuditEvent(AuditKind.TOTP_ENABLED, now, account.id))
        uow.commit()


def disable_totp(viewer: Viewer, password: str, ports: Ports) -> None:
    """Back to e-mailed codes; needs the password (wrong ones count like wrong sign-ins)."""
    account_key = f"sign-in:account:{viewer.account.id}"
    now = ports.clock.now()
    with ports.uow() as uow:
        enforce(uow, [(account_key, ports.limits.sign_in_per_account)], now,
                account_id=viewer.account.id)
    if not ports.hasher.verify(viewer.account.password_hash, password):
        with ports.uow() as uow:
            record_failure(uow, [account_key], now)
            uow.commit()
        raise InvalidCredentials()
    with ports.uow() as uow:
        account = uow.accounts.get(viewer.account.id)
        if account is None:
            raise InvalidCredentials()
        account.totp_secret, account.totp_last_step = None, None
        uow.accounts.update(account)
        uow.audit.record(AuditEvent(AuditKind.TOTP_DISABLED, now, account.id))
        uow.commit()
