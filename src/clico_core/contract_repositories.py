"""The contract and asset repositories of the unit of work, as ``typing.Protocol``s, with
the pages they answer. ``clico_core.ports`` re-exports them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from attrs import frozen

from .assets import Asset
from .contracts import Activation, Contract
from .values import AccountId, AssetId, CompanyId, ContractId


class ContractRepository(Protocol):
    def add(self, contract: Contract) -> None:
        """Insert; raise ``DuplicateContractNumber`` when the number is taken."""
        ...

    def get(self, contract_id: ContractId) -> Contract | None: ...
    def get_by_number(self, number: str) -> Contract | None: ...
    def list_for_company(self, company_id: CompanyId | None = None) -> list[Contract]:
        """Contracts of one company (all when None), ordered by number."""
        ...

    def activate(self, activation: Activation) -> bool:
        """Record the activation unless this account already has it; False if it had.

        Must be race-safe: a unique constraint or conditional insert, never read-then-write.
        """
        ...

    def activations_for_account(self, account_id: AccountId) -> list[Activation]: ...
    def activations_of(self, contract_id: ContractId) -> list[Activation]: ...

    def active_for_account(self, account_id: AccountId, on: date) -> list[Contract]:
        """Contracts activated by the account whose validity includes ``on``."""
        ...

    def update(self, contract: Contract) -> None:
        """Persist the level, validity, key hash, revocation and covered assets (in order)
        of a contract loaded from this unit of work."""
        ...

    def activation_counts(self, contract_ids: Sequence[ContractId]) -> dict[ContractId, int]:
        """How many accounts activated each of the contracts (0 for none), at once."""
        ...

    def page_by_company_name(self, company_id: CompanyId | None, offset: int, limit: int
                             ) -> NamedContractPage:
        """Contracts of every company (or of one), ordered by the company's name then the
        contract's number (code point order), ``limit`` of them from ``offset``, each with
        its company's name, and how many there are in all. Reads the page, not the table."""
        ...


@frozen
class NamedContractPage:
    rows: tuple[tuple[Contract, str], ...]  # (contract, its company's name)
    total: int


@frozen
class AssetPage:
    rows: tuple[Asset, ...]
    total: int
    categories: tuple[tuple[str, int], ...]  # (category, count) over every covered asset


class AssetRepository(Protocol):
    def add(self, asset: Asset) -> None: ...
    def get(self, asset_id: AssetId) -> Asset | None: ...
    def get_many(self, asset_ids: Sequence[AssetId]) -> list[Asset]: ...
    def page_covered(self, contract_ids: Sequence[ContractId], category: str | None,
                     page: int, page_size: int) -> AssetPage:
        """Assets covered by any of the contracts, optionally of one category, by name."""
        ...

    def list_for_company(self, company_id: CompanyId, limit: int) -> list[Asset]:
        """At most ``limit`` of the company's assets, by name then id."""
        ...
