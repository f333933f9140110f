"""Contract administration (``Administrator``): creating a contract, its covered assets, its
level and validity, a new activation key, revoking it. Every change is a history event on the
contract (who, when) in the same transaction; the contract page shows them."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from ..accounts import Account
from ..assets import Asset
from ..audit import AuditEvent, AuditKind
from ..contracts import Contract, hash_contract_key
from ..errors import AssetNotOnContract, ContractRevoked, NotFound, ValidationFailed
from ..ports import UnitOfWork
from ..roles import require_admin
from ..values import AccountId, lookup_text
from .context import Ports, Viewer
from .contracts import (
    AssetSpec,
    IssueContract,
    IssuedContract,
    check_asset,
    issue_with_key,
    make_asset,
    new_contract_key,
)

HISTORY_LIMIT = 500


@frozen
class ContractHistoryEntry:
    event: AuditEvent
    actor_name: str  # "" for an operator's command (no account)


@frozen
class ContractAdminPage:
    """The contract page of the administration: the contract, its company, its assets, how
    many accounts activated it, and its history oldest first."""

    contract: Contract
    company_name: str
    assets: tuple[Asset, ...]
    activations: int
    history: tuple[ContractHistoryEntry, ...]


@frozen
class ContractTerms:
    support_level: str
    valid_from: date
    valid_until: date


def create_contract(viewer: Viewer, cmd: IssueContract, ports: Ports) -> IssuedContract:
    """A new contract (and its company if new, and its assets); the key is returned once and
    only its hash is stored."""
    require_admin(viewer.account)
    return issue_with_key(cmd, ports, None, viewer.account.id)


def _contract_for_change(uow: UnitOfWork, number: str) -> Contract:
    wanted = lookup_text(number, 64)
    contract = uow.contracts.get_by_number(wanted) if wanted else None
    if contract is None:
        raise NotFound(number)
    if contract.revoked:
        raise ContractRevoked(contract.number)
    return contract


def _record(uow: UnitOfWork, ports: Ports, kind: AuditKind, actor: Account,
            contract: Contract, detail: str = "") -> None:
    uow.audit.record(AuditEvent(kind, ports.clock.now(), actor.id, detail=detail,
                                contract_id=contract.id))


def contract_admin_page(viewer: Viewer, number: str, ports: Ports) -> ContractAdminPage:
    """One contract with its assets, activations and history (administrators)."""
    require_admin(viewer.account)
    wanted = lookup_text(number, 64)
    with ports.uow(readonly=True) as uow:
        contract = uow.contracts.get_by_number(wanted) if wanted else None
        if contract is None:
            raise NotFound(number)
        company = uow.companies.get(contract.company_id)
        assets = tuple(uow.assets.get_many(contract.asset_ids))
        activations = uow.contracts.activation_counts([contract.id])[contract.id]
        events = uow.audit.for_contract(contract.id, HISTORY_LIMIT)
        actor_ids = sorted({e.account_id for e in events if e.account_id})
        names = {a.id: a.full_name for a in _accounts(uow, actor_ids)}
    history = tuple(ContractHistoryEntry(e, names.get(e.account_id or "", "")) for e in events)
    return ContractAdminPage(contract, company.name if company else "", assets, activations,
                             history)


def _accounts(uow: UnitOfWork, ids: list[AccountId]) -> list[Account]:
    # the history's authors are a handful of administrators: one read each is bounded
    return [a for a in (uow.accounts.get(i) for i in ids[:20]) if a is not None]


def add_contract_asset(viewer: Viewer, number: str, spec: AssetSpec, ports: Ports) -> Asset:
    """A new asset of the contract's company, covered by the contract from now on."""
    require_admin(viewer.account)
    checked = check_asset(spec)
    if checked is None:
        raise ValidationFailed({"asset": "invalid_asset"})
    with ports.uow() as uow:
        contract = _contract_for_change(uow, number)
        asset = make_asset(ports, checked, contract.company_id)
        uow.assets.add(asset)
        contract.asset_ids.append(asset.id)
        uow.contracts.update(contract)
        _record(uow, ports, AuditKind.CONTRACT_ASSET_ADDED, viewer.account, contract,
                asset.serial)
        uow.commit()
    return asset


def remove_contract_asset(viewer: Viewer, number: str, asset_id: str, ports: Ports) -> None:
    """The contract stops covering the asset (the asset stays the company's, its tickets
    stay as they are)."""
    require_admin(viewer.account)
    with ports.uow() as uow:
        contract = _contract_for_change(uow, number)
        if asset_id not in contract.asset_ids:
            raise AssetNotOnContract(asset_id)
        asset = uow.assets.get(asset_id)
        contract.asset_ids.remove(asset_id)
        uow.contracts.update(contract)
        _record(uow, ports, AuditKind.CONTRACT_ASSET_REMOVED, viewer.account, contract,
                asset.serial if asset else asset_id)
        uow.commit()


def change_contract_terms(viewer: Viewer, number: str, terms: ContractTerms,
                          ports: Ports) -> Contract:
    """Set the support level and the validity."""
    require_admin(viewer.account)
    level = lookup_text(terms.support_level, 64)
    problems = {}
    if not level:
        problems["support_level"] = "invalid"
    if terms.valid_until < terms.valid_from:
        problems["valid_until"] = "before_valid_from"
    if problems or not level:
        raise ValidationFailed(problems)
    with ports.uow() as uow:
        contract = _contract_for_change(uow, number)
        contract.support_level = level
        contract.valid_from, contract.valid_until = terms.valid_from, terms.valid_until
        uow.contracts.update(contract)
        _record(uow, ports, AuditKind.CONTRACT_TERMS_CHANGED, viewer.account, contract,
                f"{level} {terms.valid_from}..{terms.valid_until}")
        uow.commit()
    return contract


def regenerate_contract_key(viewer: Viewer, number: str, ports: Ports) -> IssuedContract:
    """A new activation key, returned once; the old one stops working at once. Accounts that
    activated the contract keep it."""
    require_admin(viewer.account)
    key = new_contract_key(ports)
    with ports.uow() as uow:
        contract = _contract_for_change(uow, number)
        contract.key_hash = hash_contract_key(key)
        uow.contracts.update(contract)
        _record(uow, ports, AuditKind.CONTRACT_KEY_REGENERATED, viewer.account, contract)
        uow.commit()
    return IssuedContract(contract, key)


def revoke_contract(viewer: Viewer, number: str, ports: Ports) -> Contract:
    """Revoke: from now on the contract covers nothing, so no new technical ticket is opened
    on its assets through it; tickets already open stay open. ``ContractRevoked`` when it
    already was."""
    require_admin(viewer.account)
    with ports.uow() as uow:
        contract = _contract_for_change(uow, number)
        contract.revoked_at = ports.clock.now()
        uow.contracts.update(contract)
        _record(uow, ports, AuditKind.CONTRACT_REVOKED, viewer.account, contract)
        uow.commit()
    return contract
