"""Sign-up with a support certificate, and e-mail confirmation."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..contracts import Activation, Contract
from ..errors import InvalidToken, ValidationFailed
from ..mail import MailTemplate, OutgoingMail
from ..passwords import password_problem
from ..policies import ContractActivatesOnValidKey, ContractActivatesWithinValidity
from ..ports import UnitOfWork
from ..tokens import LIFETIMES, TOKEN_BYTES, Token, TokenPurpose, hash_secret
from ..values import (
    Language,
    clean_line,
    email_key,
    normalise_email,
    normalise_login,
    normalise_phone,
)
from .context import Ports
from .ratelimit import enforce, record_failure


@frozen
class RegisterAccount:
    login: str
    email: str
    first_name: str
    last_name: str
    password: str
    password_confirm: str
    phone: str
    contract_number: str
    activation_code: str
    company: str
    language: Language = Language.PL
    client: str = ""


@frozen
class _CleanRegistration:
    login: str
    email: str
    first_name: str
    last_name: str
    phone: str
    contract_number: str
    company: str


def _validate(cmd: RegisterAccount) -> _CleanRegistration:
    problems: dict[str, str] = {}

    def need(field_name: str, value: str | None, code: str = "invalid") -> str:
        if value is None:
            problems.setdefault(field_name, code)  # "required" wins over format complaints
            return ""
        return value

    raw = {
        "login": cmd.login, "email": cmd.email, "first_name": cmd.first_name,
        "last_name": cmd.last_name, "phone": cmd.phone, "contract_number": cmd.contract_number,
        "activation_code": cmd.activation_code, "company": cmd.company,
        "password": cmd.password, "password_confirm": cmd.password_confirm,
    }
    for name, value in raw.items():
        if not value.strip():
            problems[name] = "required"
    login = need("login", normalise_login(cmd.login), "invalid_login")
    email = need("email", normalise_email(cmd.email), "invalid_email")
    first = need("first_name", clean_line(cmd.first_name, 100))
    last = need("last_name", clean_line(cmd.last_name, 100))
    phone = need("phone", normalise_phone(cmd.phone), "invalid_phone")
    number = need("contract_number", clean_line(cmd.contract_number, 64))
    company = need("company", clean_line(cmd.company, 200))
    personal = [login, email.split("@")[0], first, last, company]
    problem = password_problem(cmd.password, personal)
    if problem:
        problems.setdefault("password", problem)
    if cmd.password != cmd.password_confirm:
        problems.setdefault("password_confirm", "passwords_differ")
    if problems:
        raise ValidationFailed(problems)
    return _CleanRegistration(login, email, first, last, phone, number, company)


def register_account(cmd: RegisterAccount, ports: Ports) -> None:
    """Create an account awaiting confirmation and activate its contract on it.

    Once the contract number and key are right, the answer is the same whatever the login
    and e-mail: a new account gets a confirmation link, and otherwise the address is told
    by mail (its account exists, or the login is taken), so only the owner of the address
    learns which. See docs/security.md.
    """
    clean = _validate(cmd)
    contract = _admit(cmd, clean, ports)
    # Every admitted sign-up costs one hash, used or not, so the time taken does not tell
    # a new account from a notice; refused ones (form, contract, limits) cost none. Slow:
    # outside any transaction.
    password_hash = ports.hasher.hash(cmd.password)
    now = ports.clock.now()
    with ports.uow() as uow:
        if not _notify_if_taken(uow, ports, cmd, clean, now):
            try:
                _create(uow, ports, cmd, clean, contract, password_hash, now)
            except ValidationFailed:
                # a concurrent sign-up took the login or e-mail first (the unique keys
                # decided, inside a savepoint): answer as if it had been there all along
                if not _notify_if_taken(uow, ports, cmd, clean, now):
                    raise
        uow.commit()


def _admit(cmd: RegisterAccount, clean: _CleanRegistration, ports: Ports) -> Contract:
    """Check the limits and the contract before any hashing; return the contract."""
    now = ports.clock.now()
    sign_up_key = f"sign-up:client:{cmd.client}"
    key_client_key = f"contract-key:client:{cmd.client}"
    limits = ports.limits
    with ports.uow() as uow:
        enforce(uow, [(sign_up_key, limits.sign_up_per_client),
                      (key_client_key, limits.contract_key_per_client)], now, client=cmd.client)
        uow.attempts.add(sign_up_key, now)  # every sign-up reaching here counts
        contract = uow.contracts.get_by_number(clean.contract_number)
        if contract is None or ContractActivatesOnValidKey(contract, cmd.activation_code
                                                           ).is_broken():
            # one answer for an unknown number and a wrong key: numbers cannot be probed
            record_failure(uow, [key_client_key], now)
            uow.audit.record(AuditEvent(AuditKind.CONTRACT_KEY_FAILED, now, None, cmd.client,
                                        clean.contract_number))
            uow.commit()
            raise ValidationFailed({"contract_number": "invalid_contract_key",
                                    "activation_code": "invalid_contract_key"})
        if ContractActivatesWithinValidity(contract, ports.today()).is_broken():
            uow.commit()
            raise ValidationFailed({"contract_number": "contract_not_valid_now"})
        # counted only with the right key, so nobody without it can use up a contract's
        # sign-ups
        contract_key = f"sign-up:contract:{contract.id}"
        enforce(uow, [(contract_key, limits.sign_up_per_contract)], now, client=cmd.client)
        uow.attempts.add(contract_key, now)
        uow.commit()
    return contract


def _notify_if_taken(uow: UnitOfWork, ports: Ports, cmd: RegisterAccount,
                     clean: _CleanRegistration, now: datetime) -> bool:
    """If the e-mail is registered or the login taken, mail the address instead; True then."""
    existing = uow.accounts.get_by_email(clean.email)
    if existing is not None:
        mail = OutgoingMail(MailTemplate.ACCOUNT_EXISTS, existing.email, existing.language,
                            {"login": existing.login, "reset_path": "/password/forgot"})
    elif uow.accounts.get_by_login(clean.login) is not None:
        mail = OutgoingMail(MailTemplate.LOGIN_TAKEN, clean.email, cmd.language,
                            {"login": clean.login, "signup_path": "/signup",
                             "signin_path": "/signin"})
    else:
        return False
    # at most one such notice per address and interval, whoever asks how often
    key = f"sign-up-notice:{email_key(mail.to)}"
    if uow.attempts.claim(key, now, now + ports.limits.sign_up_notice_interval):
        uow.outbox.add(mail, now)
    return True


def _create(uow: UnitOfWork, ports: Ports, cmd: RegisterAccount, clean: _CleanRegistration,
            contract: Contract, password_hash: str, now: datetime) -> None:
    account = Account(
        id=ports.secrets.new_id(), login=clean.login, email=clean.email,
        first_name=clean.first_name, last_name=clean.last_name, phone=clean.phone,
        company_id=contract.company_id, password_hash=password_hash, created_at=now,
        language=cmd.language, state=AccountState.AWAITING_CONFIRMATION,
        password_changed_at=now, organisation=clean.company,
    )
    uow.accounts.add(account)
    uow.contracts.activate(Activation(contract.id, account.id, now))
    secret = ports.secrets.token(TOKEN_BYTES)
    purpose = TokenPurpose.CONFIRM_EMAIL
    uow.tokens.add(Token(hash_secret(purpose, secret), purpose, account.id,
                         account.security_stamp, now, now + LIFETIMES[purpose]))
    uow.outbox.add(OutgoingMail(MailTemplate.CONFIRM_EMAIL, account.email, account.language,
                                {"name": account.full_name, "login": account.login,
                                 "link_path": f"/confirm/{secret}"}), now)
    uow.audit.record(AuditEvent(AuditKind.REGISTERED, now, account.id, cmd.client))
    uow.audit.record(AuditEvent(AuditKind.CONTRACT_ACTIVATED, now, account.id, cmd.client,
                                contract.number))


def confirm_email(secret: str, ports: Ports) -> None:
    """Activate the account the confirmation link was sent to; the link works once."""
    now = ports.clock.now()
    purpose = TokenPurpose.CONFIRM_EMAIL
    with ports.uow() as uow:
        token = uow.tokens.get(purpose, hash_secret(purpose, secret))
        account = uow.accounts.get(token.account_id) if token else None
        if token is None or account is None:
            raise InvalidToken()
        if not token.usable(at=now, stamp=account.security_stamp):
            raise InvalidToken()
        if not uow.tokens.consume(token.token_hash, now):
            raise InvalidToken()
        account.confirm_email()
        uow.accounts.update(account)
        uow.audit.record(AuditEvent(AuditKind.EMAIL_CONFIRMED, now, account.id))
        uow.commit()

