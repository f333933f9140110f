"""Sign-up with a support certificate, and e-mail confirmation."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..contracts import Activation
from ..errors import InvalidToken, ValidationFailed
from ..mail import MailTemplate, OutgoingMail
from ..passwords import password_problem
from ..policies import ContractActivatesOnValidKey, ContractActivatesWithinValidity
from ..tokens import LIFETIMES, TOKEN_BYTES, Token, TokenPurpose, hash_secret
from ..values import (
    Language,
    clean_line,
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

    The answer is the same whether or not the e-mail is already registered: in that case
    the owner gets a mail instead of a second account.
    """
    clean = _validate(cmd)
    now = ports.clock.now()
    number_key = f"contract-key:number:{clean.contract_number.casefold()}"
    client_key = f"contract-key:client:{cmd.client}"
    limits = [(number_key, ports.limits.contract_key_per_number),
              (client_key, ports.limits.contract_key_per_account)]
    with ports.uow() as uow:  # a client over its limit costs no argon2 work
        enforce(uow, limits, now, client=cmd.client)
    password_hash = ports.hasher.hash(cmd.password)  # slow: outside the transaction
    now = ports.clock.now()
    with ports.uow() as uow:
        enforce(uow, limits, now, client=cmd.client)
        contract = uow.contracts.get_by_number(clean.contract_number)
        if contract is None:
            record_failure(uow, [number_key, client_key], now)
            uow.commit()
            raise ValidationFailed({"contract_number": "unknown_contract"})
        if ContractActivatesOnValidKey(contract, cmd.activation_code).is_broken():
            record_failure(uow, [number_key, client_key], now)
            uow.audit.record(AuditEvent(AuditKind.CONTRACT_KEY_FAILED, now, None, cmd.client,
                                        contract.number))
            uow.commit()
            raise ValidationFailed({"activation_code": "invalid_contract_key"})
        if ContractActivatesWithinValidity(contract, ports.today()).is_broken():
            raise ValidationFailed({"contract_number": "contract_not_valid_now"})
        # only someone holding a valid certificate learns whether a login is taken
        if uow.accounts.get_by_login(clean.login) is not None:
            raise ValidationFailed({"login": "login_taken"})
        existing = uow.accounts.get_by_email(clean.email)
        if existing is not None:
            uow.outbox.add(OutgoingMail(MailTemplate.ACCOUNT_EXISTS, existing.email,
                                        existing.language, {"login": existing.login,
                                                            "reset_path": "/password/forgot"}), now)
            uow.commit()
            return
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
        uow.commit()


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

