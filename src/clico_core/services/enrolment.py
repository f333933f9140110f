"""A staff member's first sign-in with an authenticator app: enrolling it before anything else.

After both sign-in steps a staff account without the app holds a session of level
``ENROL_TOTP``: it opens no page but this enrolment (docs/security.md, "Roles"). The first
code from the app proves the enrolment; the session then becomes a full one and the recovery
codes are shown once.
"""

from __future__ import annotations

from attrs import frozen

from ..errors import InvalidCode, SignInExpired, ValidationFailed
from ..policies import AccountSignsInOnlyWhenConfirmedAndEnabled, check_rule
from ..ports import UnitOfWork
from ..sessions import MAX_CODE_FAILURES, Session, SessionLevel
from .context import Ports
from .ratelimit import record_failure
from .signin import SignInStep, _start_full_session, code_key, session_hash
from .totp import TotpSetup, _verifier, record_switch, valid_secret


@frozen
class Enrolled:
    """The full session that follows, and the recovery codes to show once."""

    step: SignInStep
    recovery_codes: tuple[str, ...]


def _enrolling(uow: UnitOfWork, ports: Ports, token: str) -> Session:
    session = uow.sessions.get(session_hash(token))
    if (session is None or session.level is not SessionLevel.ENROL_TOTP
            or not session.alive(at=ports.clock.now())):
        raise SignInExpired()
    return session


def begin_enrolment(session_token: str, ports: Ports) -> TotpSetup:
    """A new secret for the app of the staff member this enrolment session belongs to."""
    verifier = _verifier(ports)
    with ports.uow(readonly=True) as uow:
        session = _enrolling(uow, ports, session_token)
        account = uow.accounts.get(session.account_id)
    if account is None:
        raise SignInExpired()
    secret = verifier.new_secret()
    return TotpSetup(secret, verifier.provisioning_uri(secret, account.email,
                                                       ports.product_name))


def finish_enrolment(session_token: str, secret: str, code: str, ports: Ports,
                     client: str = "") -> Enrolled:
    """The app's first code: the app is enrolled, the recovery codes made, and the session
    replaced by a full one. Wrong codes count like wrong sign-in codes."""
    verifier = _verifier(ports)
    checked = valid_secret(secret)
    if checked is None:
        raise ValidationFailed({"secret": "invalid"})
    now = ports.clock.now()
    with ports.uow() as uow:
        session = _enrolling(uow, ports, session_token)
        step = verifier.matching_step(checked, "".join(code.split())[:12], now)
        if step is None:
            failures = uow.sessions.record_code_failure(session.session_hash)
            record_failure(uow, [code_key(session.account_id)], now)
            if failures >= MAX_CODE_FAILURES:
                uow.sessions.revoke(session.session_hash, now)
                uow.commit()
                raise SignInExpired()
            uow.commit()
            raise InvalidCode(MAX_CODE_FAILURES - failures)
        account = uow.accounts.get(session.account_id)
        if account is None or not uow.sessions.revoke(session.session_hash, now):
            raise SignInExpired()
        check_rule(AccountSignsInOnlyWhenConfirmedAndEnabled(account))
        account.totp_secret, account.totp_last_step = checked, step
        uow.accounts.update(account)
        codes = record_switch(uow, ports, account, now)
        full = _start_full_session(uow, ports, account, client)
        uow.commit()
        return Enrolled(full, codes)
