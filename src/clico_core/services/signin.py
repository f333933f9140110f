"""Signing in: the password step, the e-mailed code step, sessions and signing out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from attrs import frozen

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..devices import DEVICE_ID_BYTES, TrustedDevice
from ..errors import (
    InvalidCode,
    InvalidCredentials,
    SignInExpired,
    TooManyAttempts,
)
from ..mail import MailTemplate, OutgoingMail
from ..policies import (
    AccountSignsInOnlyWhenConfirmedAndEnabled,
    MigratedAccountMustResetPassword,
    check_rule,
    visible_scope,
)
from ..ports import UnitOfWork
from ..sessions import (
    CODE_DIGITS,
    CODE_LIFETIME,
    MAX_CODE_FAILURES,
    MAX_CODES_PER_SIGN_IN,
    RESEND_INTERVAL,
    SESSION_BYTES,
    SecondFactor,
    Session,
    SessionLevel,
)
from ..tokens import hash_secret, secrets_equal
from .context import Ports, Viewer, best_effort
from .lookup import find_account
from .ratelimit import enforce, record_failure, refuse_if_waiting
from .recovery_codes import recovery_code_hash
from .signin_limits import Throttle, forgive_address, trusted_device
from .totp import totp_step

SESSION_PURPOSE = "session"
CODE_PURPOSE = "sign-in-code"
TOUCH_EVERY_SECONDS = 60


@frozen
class SignIn:
    login: str  # a login, or the e-mail address (migrated accounts sign in with it)
    password: str
    client: str = ""
    # the device cookies the browser holds, their signatures already checked by the web
    devices: tuple[TrustedDevice, ...] = ()


@frozen
class SignInStep:
    """A new session secret for the cookie; ``complete`` is False while a code is awaited."""

    session_token: str
    complete: bool
    second_factor: SecondFactor = SecondFactor.EMAIL  # which code the next step asks for
    device: TrustedDevice | None = None  # when complete: what the browser's cookie now claims
    # not complete: a staff member without an authenticator app must enrol one first
    enrol_totp: bool = False


def session_hash(token: str) -> str:
    return hash_secret(SESSION_PURPOSE, token)


def code_key(account_id: str) -> str:
    return f"sign-in-code:account:{account_id}"


def _new_code(ports: Ports, session: Session) -> str:
    code = ports.secrets.digits(CODE_DIGITS)
    now = ports.clock.now()
    session.code_hash = hash_secret(CODE_PURPOSE + session.session_hash, code)
    session.code_expires_at = now + CODE_LIFETIME
    session.code_sent_at = now
    session.codes_sent += 1
    return code


def _code_mail(account: Account, code: str) -> OutgoingMail:
    return OutgoingMail(MailTemplate.SIGN_IN_CODE, account.email, account.language,
                        {"name": account.full_name, "code": code,
                         "minutes": str(int(CODE_LIFETIME.total_seconds() // 60))})


def must_enrol_totp(account: Account, ports: Ports) -> bool:
    """Staff sign in with an authenticator app; one without it enrols first (docs/security.md,
    "Roles"). Only where the portal offers the app at all."""
    return account.is_staff and not account.totp_secret and ports.totp is not None


def _start_full_session(uow: UnitOfWork, ports: Ports, account: Account,
                        client: str) -> SignInStep:
    """Both steps done: a full session, and a device cookie for this browser; for staff
    without the app, a session that opens only its enrolment."""
    now = ports.clock.now()
    if must_enrol_totp(account, ports):
        token = ports.secrets.token(SESSION_BYTES)
        uow.sessions.add(Session(session_hash(token), account.id, SessionLevel.ENROL_TOTP,
                                 now, now, client))
        return SignInStep(token, complete=False, enrol_totp=True)
    token = ports.secrets.token(SESSION_BYTES)
    uow.sessions.add(Session(session_hash(token), account.id, SessionLevel.FULL, now, now, client))
    account.record_sign_in(at=now)
    uow.accounts.update(account)
    uow.attempts.clear(f"sign-in:account:{account.id}")
    forgive_address(uow, account, client)
    uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, now, account.id, client))
    device = TrustedDevice(account.id, ports.secrets.token(DEVICE_ID_BYTES), now)
    return SignInStep(token, complete=True, device=device)


def sign_in(cmd: SignIn, ports: Ports) -> SignInStep:
    """Check the password; then either e-mail a code (2FA, the default) or sign in."""
    now = ports.clock.now()
    limits = ports.limits
    with ports.uow() as uow:
        account = find_account(uow, cmd.login)
        throttle = Throttle.of(cmd.login, cmd.client, trusted_device(cmd.devices, account, now))
        # checked before any hashing, with the same keys whether the account exists or not
        refuse_if_waiting(uow, throttle.waits(uow, limits, now), now,
                          account_id=account.id if account else None, client=cmd.client)
        stored = account.password_hash if account else None

    # Argon2 is slow on purpose: verify outside any transaction so no lock is held.
    if stored is None:
        ports.hasher.dummy_verify(cmd.password)
        ok = False
    else:
        ok = ports.hasher.verify(stored, cmd.password)
    new_hash = ports.hasher.hash(cmd.password) if ok and stored and ports.hasher.needs_rehash(
        stored) else None

    with ports.uow() as uow:
        account = uow.accounts.get(account.id) if account else None
        if account is None or not ok:
            record_failure(uow, throttle.failure_keys(), now)
            uow.audit.record(AuditEvent(AuditKind.SIGN_IN_FAILED, now,
                                        account.id if account else None, cmd.client))
            uow.commit()
            if account is not None:
                check_rule(MigratedAccountMustResetPassword(account))
            raise InvalidCredentials()
        check_rule(MigratedAccountMustResetPassword(account))
        check_rule(AccountSignsInOnlyWhenConfirmedAndEnabled(account))
        # only someone who knows the password learns that the codes are locked
        enforce(uow, [(code_key(account.id), limits.code_failures_per_account)], now,
                account_id=account.id, client=cmd.client)
        if new_hash is not None:
            account.password_hash = new_hash
            uow.accounts.update(account)
        if not account.two_factor:
            step = _start_full_session(uow, ports, account, cmd.client)
            uow.commit()
            return step
        token = ports.secrets.token(SESSION_BYTES)
        uow.audit.record(AuditEvent(AuditKind.SIGN_IN_PASSWORD_OK, now, account.id, cmd.client))
        if account.totp_secret and ports.totp is not None:
            uow.sessions.add(Session(session_hash(token), account.id, SessionLevel.PENDING_CODE,
                                     now, now, cmd.client, second_factor=SecondFactor.TOTP))
            uow.commit()
            return SignInStep(token, complete=False, second_factor=SecondFactor.TOTP)
        session = Session(session_hash(token), account.id, SessionLevel.PENDING_CODE, now, now,
                          cmd.client)
        code = _new_code(ports, session)
        uow.sessions.add(session)
        uow.outbox.add(_code_mail(account, code), now)
        uow.audit.record(AuditEvent(AuditKind.SIGN_IN_CODE_SENT, now, account.id, cmd.client))
        uow.commit()
        return SignInStep(token, complete=False)


def _pending(uow: UnitOfWork, ports: Ports, token: str) -> Session:
    session = uow.sessions.get(session_hash(token))
    if (session is None or session.level is not SessionLevel.PENDING_CODE
            or not session.alive(at=ports.clock.now())):
        raise SignInExpired()
    return session


def _code_matches(uow: UnitOfWork, ports: Ports, pending: Session, code: str,
                  now: datetime) -> tuple[bool, bool]:
    """(matches, still fresh) for the pending sign-in's second factor."""
    if pending.second_factor is SecondFactor.TOTP:
        account = uow.accounts.get(pending.account_id)
        step = totp_step(ports, account, code, now) if account else None
        # the conditional update refuses a step already used: no replay, even concurrently
        return step is not None and uow.accounts.advance_totp_step(pending.account_id,
                                                                   step), True
    expected = pending.code_hash or ""
    given = hash_secret(CODE_PURPOSE + pending.session_hash, code.strip())
    fresh = pending.code_expires_at is not None and now < pending.code_expires_at
    return fresh and secrets_equal(expected, given), fresh


def _recovery_code_matches(uow: UnitOfWork, ports: Ports, pending: Session, code: str,
                           now: datetime) -> tuple[bool, bool]:
    """A recovery code instead of the app's: deleted as it is used (a conditional delete,
    so two requests with one code cannot both win)."""
    if pending.second_factor is not SecondFactor.TOTP:
        return False, True
    used = uow.accounts.use_recovery_code(pending.account_id,
                                          recovery_code_hash(pending.account_id, code))
    if used:
        uow.audit.record(AuditEvent(AuditKind.RECOVERY_CODE_USED, now, pending.account_id))
    return used, True


Matcher = Callable[[UnitOfWork, Ports, Session, str, datetime], tuple[bool, bool]]


def verify_code(session_token: str, code: str, ports: Ports, client: str = "") -> SignInStep:
    """Finish a pending sign-in with its code (e-mailed, or from the authenticator app);
    the session id is replaced."""
    return _second_step(session_token, code, ports, client, _code_matches)


def verify_recovery_code(session_token: str, code: str, ports: Ports,
                         client: str = "") -> SignInStep:
    """``Użyj kodu odzyskiwania``: finish a sign-in waiting for the app's code with one of
    the account's recovery codes; wrong ones count as wrong codes."""
    return _second_step(session_token, code, ports, client, _recovery_code_matches)


def _second_step(session_token: str, code: str, ports: Ports, client: str,
                 matcher: Matcher) -> SignInStep:
    now = ports.clock.now()
    with ports.uow() as uow:
        pending = _pending(uow, ports, session_token)
        matches, fresh = matcher(uow, ports, pending, code[:64], now)
        if not matches:
            failures = uow.sessions.record_code_failure(pending.session_hash)
            record_failure(uow, [code_key(pending.account_id)], now)
            uow.audit.record(AuditEvent(AuditKind.SIGN_IN_CODE_FAILED, now, pending.account_id,
                                        client))
            if failures >= MAX_CODE_FAILURES or not fresh:
                uow.sessions.revoke(pending.session_hash, now)
                uow.commit()
                raise SignInExpired()
            uow.commit()
            raise InvalidCode(MAX_CODE_FAILURES - failures)
        if not uow.sessions.revoke(pending.session_hash, now):
            raise SignInExpired()  # a concurrent request used this code first
        account = uow.accounts.get(pending.account_id)
        if account is None:
            raise SignInExpired()
        check_rule(AccountSignsInOnlyWhenConfirmedAndEnabled(account))
        step = _start_full_session(uow, ports, account, client)
        uow.commit()
        return step


def resend_code(session_token: str, ports: Ports) -> None:
    """E-mail a new code for a pending sign-in; throttled, and failures are not forgiven."""
    now = ports.clock.now()
    with ports.uow() as uow:
        pending = _pending(uow, ports, session_token)
        if pending.second_factor is SecondFactor.TOTP:
            return  # the authenticator app shows a new code every 30 seconds
        if pending.codes_sent >= MAX_CODES_PER_SIGN_IN:
            raise TooManyAttempts(pending.created_at + CODE_LIFETIME - now)
        if pending.code_sent_at and now - pending.code_sent_at < RESEND_INTERVAL:
            raise TooManyAttempts(pending.code_sent_at + RESEND_INTERVAL - now)
        account = uow.accounts.get(pending.account_id)
        if account is None:
            raise SignInExpired()
        code = _new_code(ports, pending)
        uow.sessions.update(pending)
        uow.outbox.add(_code_mail(account, code), now)
        uow.audit.record(AuditEvent(AuditKind.SIGN_IN_CODE_SENT, now, account.id, pending.client))
        uow.commit()


def authenticate(session_token: str, ports: Ports) -> Viewer | None:
    """The viewer behind a session cookie, or None when it is unknown, ended or timed out."""
    with ports.uow(readonly=True) as uow:
        signed_in = viewer_in(uow, session_token, ports)
    if signed_in is None:
        return None
    viewer, last_seen_at = signed_in
    touch_if_due(viewer, last_seen_at, ports)
    return viewer


def viewer_in(uow: UnitOfWork, session_token: str, ports: Ports
              ) -> tuple[Viewer, datetime] | None:
    """``authenticate``'s lookup inside a unit of work the caller holds (so that a read
    can share it), with the session's last activity for ``touch_if_due``."""
    digest = session_hash(session_token)
    holder = uow.sessions.get_with_holder(digest, ports.today())
    if holder is None:
        return None
    session, account, contracts = holder.session, holder.account, holder.active_contracts
    if (session.level is not SessionLevel.FULL or not session.alive(at=ports.clock.now())
            or account.state is not AccountState.ACTIVE or must_enrol_totp(account, ports)):
        return None
    viewer = Viewer(account, digest, contracts, visible_scope(account, contracts))
    return viewer, session.last_seen_at


def touch_if_due(viewer: Viewer, last_seen_at: datetime, ports: Ports) -> None:
    """Record the session's activity, at most once a minute (the idle timeout counts from
    it), in a write unit of work of its own after the read; skipped while the store cannot
    take writes (the idle timeout then counts from the last activity recorded)."""
    now = ports.clock.now()
    if (now - last_seen_at).total_seconds() < TOUCH_EVERY_SECONDS:
        return

    def touch() -> None:
        with ports.uow() as uow:
            uow.sessions.touch(viewer.session_hash, now)
            uow.commit()

    best_effort(ports, touch)  # a store that cannot write still serves pages


def sign_out(session_token: str, ports: Ports) -> None:
    """End the session at once (works for pending and full sessions; idempotent)."""
    now = ports.clock.now()
    digest = session_hash(session_token)
    with ports.uow() as uow:
        session = uow.sessions.get(digest)
        if session is not None and uow.sessions.revoke(digest, now):
            uow.audit.record(AuditEvent(AuditKind.SIGNED_OUT, now, session.account_id))
            uow.commit()
