"""Operator views of contracts: every contract issued, and one contract in full."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account
from ..assets import Asset
from ..contracts import Activation, Contract
from ..errors import NotFound
from .context import Ports


@frozen
class ContractSummary:
    contract: Contract
    company_name: str  # "" when the company record is missing
    activations: int  # accounts that activated it


@frozen
class ActivationRecord:
    activation: Activation
    account: Account | None  # None when the account record is missing


@frozen
class ContractRecord:
    contract: Contract
    company_name: str  # "" when the company record is missing
    assets: tuple[Asset, ...]
    activations: tuple[ActivationRecord, ...]


def list_all_contracts(ports: Ports, company: str | None = None) -> list[ContractSummary]:
    """Every contract (or one company's), ordered by number (operators).

    ``NotFound`` when ``company`` names no company.
    """
    with ports.uow(readonly=True) as uow:
        company_id = None
        if company:
            found = uow.companies.get_by_name(company)
            if found is None:
                raise NotFound(company)
            company_id = found.id
        names = {c.id: c.name for c in uow.companies.list_by_ids()}
        return [ContractSummary(c, names.get(c.company_id, ""),
                                len(uow.contracts.activations_of(c.id)))
                for c in uow.contracts.list_for_company(company_id)]


def contract_by_number(number: str, ports: Ports) -> ContractRecord:
    """One contract with its assets and the accounts that activated it (operators)."""
    with ports.uow(readonly=True) as uow:
        contract = uow.contracts.get_by_number(number)
        if contract is None:
            raise NotFound(number)
        company = uow.companies.get(contract.company_id)
        assets = tuple(uow.assets.get_many(contract.asset_ids))
        activations = tuple(ActivationRecord(a, uow.accounts.get(a.account_id))
                            for a in uow.contracts.activations_of(contract.id))
    return ContractRecord(contract, company.name if company else "", assets, activations)
