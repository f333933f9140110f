"""Forgotten passwords (the reset link) and changing a password while signed in."""

from __future__ import annotations

from datetime import datetime

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..errors import InvalidCredentials, InvalidToken, ValidationFailed
from ..mail import MailTemplate, OutgoingMail
from ..passwords import password_problem
from ..ports import UnitOfWork
from ..tokens import LIFETIMES, TOKEN_BYTES, Token, TokenPurpose, hash_secret
from .context import Ports, Viewer
from .lookup import find_account, identifier_key
from .ratelimit import enforce, record_failure, retry_after
from .signin_limits import forgive_slowdown


def _personal(account: Account) -> list[str]:
    return [account.login, account.email.split("@")[0], account.first_name,
            account.last_name, account.organisation]


def _check_new_password(account: Account, password: str, confirm: str) -> None:
    problems: dict[str, str] = {}
    problem = password_problem(password, _personal(account))
    if problem:
        problems["password"] = problem
    if password != confirm:
        problems["password_confirm"] = "passwords_differ"
    if problems:
        raise ValidationFailed(problems)


def request_password_reset(login_or_email: str, ports: Ports, client: str = "") -> None:
    """E-mail a reset link if the account exists; the caller learns nothing either way.

    A known account costs more work (the link, the mail) than an unknown one: a caller whose
    answer can be timed answers first and calls this afterwards, as the web portal does."""
    now = ports.clock.now()
    limits = ports.limits
    identifier = login_or_email
    with ports.uow() as uow:
        keys = [(f"reset:id:{identifier_key(identifier)}", limits.reset_per_identifier),
                (f"reset:client:{client}", limits.reset_per_client)]
        # Over the limit: silently send nothing (same answer, no mail bombing).
        if any(retry_after(uow, key, rule, now) for key, rule in keys):
            return
        for key, _ in keys:
            uow.attempts.add(key, now)
        account = find_account(uow, identifier)
        if account is not None:  # typing the login or the e-mail counts for one account
            account_key = f"reset:account:{account.id}"
            if retry_after(uow, account_key, limits.reset_per_identifier, now):
                uow.commit()
                return
            uow.attempts.add(account_key, now)
        if account is not None and account.state is not AccountState.DISABLED:
            secret = ports.secrets.token(TOKEN_BYTES)
            purpose = TokenPurpose.RESET_PASSWORD
            uow.tokens.add(Token(hash_secret(purpose, secret), purpose, account.id,
                                 account.security_stamp, now, now + LIFETIMES[purpose]))
            uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_RESET, account.email,
                                        account.language,
                                        {"name": account.full_name, "login": account.login,
                                         "link_path": f"/password/reset/{secret}",
                                         "minutes": "60"}), now)
            uow.audit.record(AuditEvent(AuditKind.RESET_REQUESTED, now, account.id, client))
        uow.commit()


def _usable_reset(uow: UnitOfWork, ports: Ports, secret: str) -> tuple[Token, Account]:
    purpose = TokenPurpose.RESET_PASSWORD
    token = uow.tokens.get(purpose, hash_secret(purpose, secret))
    account = uow.accounts.get(token.account_id) if token else None
    if (token is None or account is None or account.state is AccountState.DISABLED
            or not token.usable(at=ports.clock.now(), stamp=account.security_stamp)):
        raise InvalidToken()
    return token, account


def check_reset_token(secret: str, ports: Ports) -> None:
    """Raise ``InvalidToken`` unless the reset link can still be used (to show the form)."""
    with ports.uow(readonly=True) as uow:
        _usable_reset(uow, ports, secret)


def _password_changed(uow: UnitOfWork, account: Account, now: datetime, client: str) -> None:
    uow.outbox.add(OutgoingMail(MailTemplate.PASSWORD_CHANGED, account.email, account.language,
                                {"name": account.full_name, "login": account.login}), now)
    uow.audit.record(AuditEvent(AuditKind.PASSWORD_CHANGED, now, account.id, client))


def reset_password(secret: str, password: str, confirm: str, ports: Ports,
                   client: str = "") -> None:
    """Set a new password through a reset link; the link, other links and sessions die."""
    with ports.uow(readonly=True) as uow:
        _, account = _usable_reset(uow, ports, secret)
    _check_new_password(account, password, confirm)
    new_hash = ports.hasher.hash(password)
    now = ports.clock.now()
    with ports.uow() as uow:
        token, account = _usable_reset(uow, ports, secret)
        if not uow.tokens.consume(token.token_hash, now):
            raise InvalidToken()
        account.set_password(new_hash, at=now)
        uow.accounts.update(account)
        uow.sessions.revoke_all(account.id, now)
        uow.attempts.clear(f"sign-in:account:{account.id}")
        forgive_slowdown(uow, account)
        _password_changed(uow, account, now, client)
        uow.commit()


def change_password(viewer: Viewer, current: str, password: str, confirm: str,
                    ports: Ports) -> None:
    """Change the password of the signed-in account; every other session ends."""
    account = viewer.account
    account_key = f"sign-in:account:{account.id}"
    now = ports.clock.now()
    with ports.uow() as uow:  # wrong current passwords count like wrong sign-ins
        enforce(uow, [(account_key, ports.limits.sign_in_per_account)], now,
                account_id=account.id)
    if not ports.hasher.verify(account.password_hash, current):
        with ports.uow() as uow:
            record_failure(uow, [account_key], now)
            uow.audit.record(AuditEvent(AuditKind.SIGN_IN_FAILED, now, account.id, "",
                                        "change_password"))
            uow.commit()
        raise InvalidCredentials()
    _check_new_password(account, password, confirm)
    new_hash = ports.hasher.hash(password)
    with ports.uow() as uow:
        fresh = uow.accounts.get(account.id)
        if fresh is None:
            raise InvalidCredentials()
        fresh.set_password(new_hash, at=now)
        uow.accounts.update(fresh)
        uow.sessions.revoke_all(fresh.id, now, except_hash=viewer.session_hash)
        _password_changed(uow, fresh, now, "")
        uow.commit()
