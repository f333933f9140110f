"""Contracts: issuing them (operators), activating them with a key, listing them."""

from __future__ import annotations

from datetime import date, datetime

from attrs import frozen

from ..assets import DEFAULT_CATEGORY, Asset
from ..audit import AuditEvent, AuditKind
from ..companies import Company
from ..contracts import Activation, Contract, format_contract_key, hash_contract_key
from ..errors import (
    ContractAlreadyActive,
    ContractRevoked,
    DuplicateContractNumber,
    InvalidContractKey,
    NotFound,
    ValidationFailed,
)
from ..mail import MailTemplate, OutgoingMail
from ..policies import (
    ContractActivatesOncePerAccount,
    ContractActivatesOnValidKey,
    ContractActivatesWithinValidity,
    check_rule,
)
from ..ports import UnitOfWork
from ..values import AccountId, CompanyId, clean_line, lookup_text
from .context import Ports, Viewer
from .ratelimit import enforce, record_failure

KEY_BITS = 100  # docs/security.md asks for at least 80


@frozen
class AssetSpec:
    name: str
    vendor: str
    serial: str  # serial number or MAC address
    category: str = ""  # the picker's category; empty: the vendor's if known, else default


@frozen
class IssueContract:
    number: str
    company: str
    valid_until: date
    valid_from: date | None = None
    support_level: str = "standard"
    assets: tuple[AssetSpec, ...] = ()


@frozen
class IssuedContract:
    contract: Contract
    activation_key: str  # shown once; only its hash is stored


def find_or_create_company(uow: UnitOfWork, ports: Ports, name: str) -> Company:
    company = uow.companies.get_by_name(name)
    if company is None:
        company = Company(ports.secrets.new_id(), name)
        uow.companies.add(company)
    return company


def issue_contract(cmd: IssueContract, ports: Ports) -> IssuedContract:
    """Create the company if needed, the assets and the contract; return its key once."""
    return issue_with_key(cmd, ports, None)


def issue_with_key(cmd: IssueContract, ports: Ports, given_key: str | None,
                   actor: AccountId | None = None) -> IssuedContract:
    """``issue_contract``, with a fresh random key unless one is given (demo data only);
    ``actor`` is who issued it, for the contract's history (None: an operator's command)."""
    valid_from = cmd.valid_from or ports.today()
    checked = check_contract(cmd, valid_from)
    if isinstance(checked, dict):
        raise ValidationFailed(checked)
    key = given_key or new_contract_key(ports)
    with ports.uow() as uow:
        contract = issue_in(uow, ports, checked, key, actor, AuditKind.CONTRACT_CREATED)
        uow.commit()
    return IssuedContract(contract, key)


@frozen
class CheckedContract:
    number: str
    company: str
    support_level: str
    valid_from: date
    valid_until: date
    assets: tuple[AssetSpec, ...]  # cleaned


def check_asset(spec: AssetSpec) -> AssetSpec | None:
    """The asset's fields trimmed and checked (1-120 characters each), or None."""
    parts = [clean_line(p, 120) for p in (spec.name, spec.vendor, spec.serial)]
    category = clean_line(spec.category, 120) if spec.category.strip() else ""
    if parts[0] is None or parts[1] is None or parts[2] is None or category is None:
        return None
    return AssetSpec(parts[0], parts[1].upper(), parts[2], category)


def check_contract(cmd: IssueContract, valid_from: date) -> CheckedContract | dict[str, str]:
    """The command cleaned, or the problems with it by field."""
    problems: dict[str, str] = {}
    number = clean_line(cmd.number, 64)
    company_name = clean_line(cmd.company, 200)
    level = clean_line(cmd.support_level, 64) if cmd.support_level.strip() else "standard"
    if number is None:
        problems["number"] = "invalid"
    if company_name is None:
        problems["company"] = "invalid"
    if level is None:
        problems["support_level"] = "invalid"
    if cmd.valid_until < valid_from:
        problems["valid_until"] = "before_valid_from"
    specs = []
    for index, spec in enumerate(cmd.assets):
        checked = check_asset(spec)
        if checked is None:
            problems[f"asset_{index + 1}"] = "invalid_asset"
        else:
            specs.append(checked)
    if problems or number is None or company_name is None or level is None:
        return problems
    return CheckedContract(number, company_name, level, valid_from, cmd.valid_until,
                           tuple(specs))


def new_contract_key(ports: Ports) -> str:
    return format_contract_key(ports.secrets.key(KEY_BITS))


def make_asset(ports: Ports, spec: AssetSpec, company_id: CompanyId) -> Asset:
    """A new asset of the company from a checked spec (category: the vendor's if known)."""
    known = spec.vendor in ports.questionnaires.names()
    category = spec.category or (spec.vendor if known else DEFAULT_CATEGORY)
    return Asset(ports.secrets.new_id(), spec.name, spec.vendor, spec.serial, company_id,
                 category)


def issue_in(uow: UnitOfWork, ports: Ports, checked: CheckedContract, key: str,
             actor: AccountId | None, kind: AuditKind) -> Contract:
    """Write a checked contract, its company if new and its assets, and its first history
    event, inside the caller's unit of work."""
    if uow.contracts.get_by_number(checked.number) is not None:
        raise DuplicateContractNumber(checked.number)
    company = find_or_create_company(uow, ports, checked.company)
    asset_ids = []
    for spec in checked.assets:
        asset = make_asset(ports, spec, company.id)
        uow.assets.add(asset)
        asset_ids.append(asset.id)
    contract = Contract(ports.secrets.new_id(), checked.number, hash_contract_key(key),
                        company.id, checked.support_level, checked.valid_from,
                        checked.valid_until, asset_ids)
    uow.contracts.add(contract)
    uow.audit.record(AuditEvent(kind, ports.clock.now(), actor,
                                detail=f"{checked.support_level} {checked.valid_from}.."
                                       f"{checked.valid_until}", contract_id=contract.id))
    return contract


def activate_contract(viewer: Viewer, number: str, key: str, ports: Ports,
                      client: str = "") -> Contract:
    """Activate a contract on the signed-in account with its number and key."""
    now = ports.clock.now()
    account = viewer.account
    if not number.strip() or not key.strip():
        raise ValidationFailed({**({} if number.strip() else {"contract_number": "required"}),
                                **({} if key.strip() else {"contract_key": "required"})})
    number = lookup_text(number, 64) or ""
    # Per account and per client address, never per contract number alone: the failures of
    # others must not block the holder of the right key (docs/security.md).
    account_key = f"contract-key:account:{account.id}"
    client_key = f"contract-key:client:{client}"
    with ports.uow() as uow:
        enforce(uow, [(account_key, ports.limits.contract_key_per_account),
                      (client_key, ports.limits.contract_key_per_client)], now,
                account_id=account.id, client=client)
        contract = uow.contracts.get_by_number(number) if number else None
        if contract is None or ContractActivatesOnValidKey(contract, key).is_broken():
            # an unknown number and a wrong key are one failure with one answer, so
            # contract numbers cannot be probed
            record_failure(uow, [account_key, client_key], now)
            uow.audit.record(AuditEvent(AuditKind.CONTRACT_KEY_FAILED, now, account.id, client,
                                        number))
            uow.commit()
            raise InvalidContractKey()
        if contract.revoked:
            raise ContractRevoked()
        check_rule(ContractActivatesWithinValidity(contract, ports.today()))
        check_rule(ContractActivatesOncePerAccount(
            contract, account, uow.contracts.activations_for_account(account.id)))
        if not uow.contracts.activate(Activation(contract.id, account.id, now)):
            raise ContractAlreadyActive()  # a concurrent request activated it first
        uow.outbox.add(OutgoingMail(MailTemplate.CONTRACT_ACTIVATED, account.email,
                                    account.language,
                                    {"name": account.full_name, "number": contract.number,
                                     "valid_until": contract.valid_until.isoformat()}), now)
        uow.audit.record(AuditEvent(AuditKind.CONTRACT_ACTIVATED, now, account.id, client,
                                    contract.number))
        uow.commit()
        return contract


@frozen
class ContractView:
    contract: Contract
    company_name: str
    activated_at: datetime
    active: bool  # within its validity dates today
    assets: tuple[Asset, ...]


def list_contracts(viewer: Viewer, ports: Ports) -> list[ContractView]:
    """Contracts activated on the account, newest validity first, with their assets."""
    today = ports.today()
    with ports.uow(readonly=True) as uow:
        views = []
        for activation in uow.contracts.activations_for_account(viewer.account.id):
            contract = uow.contracts.get(activation.contract_id)
            if contract is None:
                continue
            company = uow.companies.get(contract.company_id)
            views.append(ContractView(contract, company.name if company else "",
                                      activation.activated_at, contract.is_valid_on(today),
                                      tuple(uow.assets.get_many(contract.asset_ids))))
    views.sort(key=lambda v: (not v.active, v.contract.valid_until, v.contract.number))
    return views


def get_contract(viewer: Viewer, contract_id: str, ports: Ports) -> ContractView:
    """One contract activated on the account; anything else is ``NotFound``."""
    for view in list_contracts(viewer, ports):
        if view.contract.id == contract_id:
            return view
    raise NotFound()
