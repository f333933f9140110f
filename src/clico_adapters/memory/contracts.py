"""In-memory companies, contracts (with their activations) and assets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from clico_core.assets import Asset
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract
from clico_core.errors import DuplicateContractNumber
from clico_core.ports import AssetPage, NamedContractPage
from clico_core.values import company_key, email_key

from .store import MemoryStore, UndoLog, fresh


class _Repo:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo


class MemoryCompanies(_Repo):
    def add(self, company: Company) -> None:
        self.undo.put(self.store.companies, company.id, company)

    def get(self, company_id: str) -> Company | None:
        return fresh(self.store.companies.get(company_id))

    def get_by_name(self, name: str) -> Company | None:
        key = company_key(name)
        return fresh(next((c for c in self.store.companies.values() if c.key == key), None))

    def list_by_ids(self, company_ids: Sequence[str] | None = None) -> list[Company]:
        rows = [c for c in self.store.companies.values()
                if company_ids is None or c.id in company_ids]
        return fresh(sorted(rows, key=lambda c: (c.key, c.id)))

    def search(self, text: str, limit: int) -> list[Company]:
        folded = company_key(text)
        wanted = text.strip()
        ids = {c.id for c in self.store.companies.values() if folded and folded in c.key}
        ids.update(c.company_id for c in self.store.contracts.values() if c.number == wanted)
        ids.update(a.company_id for a in self.store.assets.values() if a.serial == wanted)
        ids.update(a.company_id for a in self.store.accounts.values()
                   if email_key(a.email) == email_key(wanted))
        rows = [c for c in self.store.companies.values() if c.id in ids]
        return fresh(sorted(rows, key=lambda c: (c.key, c.id))[:limit])


class MemoryContracts(_Repo):
    def add(self, contract: Contract) -> None:
        if any(c.number == contract.number for c in self.store.contracts.values()):
            raise DuplicateContractNumber(contract.number)
        self.undo.put(self.store.contracts, contract.id, contract)

    def get(self, contract_id: str) -> Contract | None:
        return fresh(self.store.contracts.get(contract_id))

    def get_by_number(self, number: str) -> Contract | None:
        number = number.strip()
        return fresh(next((c for c in self.store.contracts.values() if c.number == number), None))

    def list_for_company(self, company_id: str | None = None) -> list[Contract]:
        rows = [c for c in self.store.contracts.values()
                if company_id is None or c.company_id == company_id]
        return fresh(sorted(rows, key=lambda c: c.number))

    def page_by_company_name(self, company_id: str | None, offset: int, limit: int
                             ) -> NamedContractPage:
        def name(contract: Contract) -> str:
            owner = self.store.companies.get(contract.company_id)
            return owner.name if owner else ""

        rows = sorted(((c, name(c)) for c in self.store.contracts.values()
                       if company_id is None or c.company_id == company_id),
                      key=lambda row: (row[1], row[0].number))
        start = max(0, offset)
        return NamedContractPage(tuple((fresh(c), n) for c, n in
                                       rows[start:start + max(0, limit)]), len(rows))

    def activate(self, activation: Activation) -> bool:
        key = (activation.contract_id, activation.account_id)
        if key in self.store.activations:
            return False
        self.undo.put(self.store.activations, key, activation)
        return True

    def activations_for_account(self, account_id: str) -> list[Activation]:
        return sorted((a for a in self.store.activations.values() if a.account_id == account_id),
                      key=lambda a: (a.activated_at, a.contract_id))

    def activations_of(self, contract_id: str) -> list[Activation]:
        return sorted((a for a in self.store.activations.values()
                       if a.contract_id == contract_id),
                      key=lambda a: (a.activated_at, a.account_id))

    def active_for_account(self, account_id: str, on: date) -> list[Contract]:
        ids = [a.contract_id for a in self.activations_for_account(account_id)]
        contracts = [self.store.contracts[i] for i in ids if i in self.store.contracts]
        return fresh(sorted((c for c in contracts if c.is_valid_on(on)), key=lambda c: c.number))

    def update(self, contract: Contract) -> None:
        if contract.id not in self.store.contracts:
            raise KeyError(contract.id)
        self.undo.put(self.store.contracts, contract.id, contract)

    def activation_counts(self, contract_ids: Sequence[str]) -> dict[str, int]:
        counts = dict.fromkeys(contract_ids, 0)
        for activation in self.store.activations.values():
            if activation.contract_id in counts:
                counts[activation.contract_id] += 1
        return counts


class MemoryAssets(_Repo):
    def add(self, asset: Asset) -> None:
        self.undo.put(self.store.assets, asset.id, asset)

    def get(self, asset_id: str) -> Asset | None:
        return fresh(self.store.assets.get(asset_id))

    def get_many(self, asset_ids: Sequence[str]) -> list[Asset]:
        return fresh([self.store.assets[i] for i in asset_ids if i in self.store.assets])

    def page_covered(self, contract_ids: Sequence[str], category: str | None, page: int,
                     page_size: int) -> AssetPage:
        covered: set[str] = set()
        for contract_id in contract_ids:
            contract = self.store.contracts.get(contract_id)
            if contract is not None:
                covered.update(contract.asset_ids)
        assets = sorted((self.store.assets[i] for i in covered if i in self.store.assets),
                        key=lambda a: (a.name, a.id))
        counts: dict[str, int] = {}
        for asset in assets:
            counts[asset.category] = counts.get(asset.category, 0) + 1
        chosen = [a for a in assets if category is None or a.category == category]
        start = (page - 1) * page_size
        return AssetPage(tuple(fresh(chosen[start:start + page_size])), len(chosen),
                         tuple(sorted(counts.items())))

    def list_for_company(self, company_id: str, limit: int) -> list[Asset]:
        rows = sorted((a for a in self.store.assets.values() if a.company_id == company_id),
                      key=lambda a: (a.name, a.id))
        return fresh(rows[:limit])
