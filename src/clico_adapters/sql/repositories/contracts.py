"""Contracts with their activations, and the assets they cover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, delete, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from clico_core.assets import Asset
from clico_core.contracts import Activation, Contract
from clico_core.errors import ConcurrencyConflict, DuplicateContractNumber
from clico_core.ports import AssetPage, NamedContractPage

from ..mapping import (
    activation_from,
    activation_values,
    asset_from,
    asset_values,
    contract_from,
    contract_values,
)
from ..tables import activations, assets, companies, contract_assets, contracts
from .base import SqlRepository


class SqlContracts(SqlRepository):
    def add(self, contract: Contract) -> None:
        def conflict(name: str | None) -> Exception | None:
            if name == "uq_contracts_number":
                return DuplicateContractNumber(contract.number)
            return ConcurrencyConflict("contract exists") if name == "pk_contracts" else None

        self.uow.insert_guarded(contracts, contract_values(contract), conflict)
        if contract.asset_ids:
            self.uow.execute(insert(contract_assets), [
                {"contract_id": contract.id, "position": i, "asset_id": asset_id}
                for i, asset_id in enumerate(contract.asset_ids)])

    def _load(self, condition: ColumnElement[bool]) -> list[Contract]:
        query = select(contracts).where(condition)
        rows = list(self.uow.execute(query.order_by(contracts.c.number)).mappings())
        if not rows:
            return []
        links = self.uow.execute(
            select(contract_assets.c.contract_id, contract_assets.c.asset_id)
            .where(contract_assets.c.contract_id.in_([r["id"] for r in rows]))
            .order_by(contract_assets.c.contract_id, contract_assets.c.position))
        asset_ids: dict[str, list[str]] = {r["id"]: [] for r in rows}
        for contract_id, asset_id in links:
            asset_ids[contract_id].append(asset_id)
        return [contract_from(r, asset_ids[r["id"]]) for r in rows]

    def get(self, contract_id: str) -> Contract | None:
        return next(iter(self._load(contracts.c.id == contract_id)), None)

    def get_by_number(self, number: str) -> Contract | None:
        return next(iter(self._load(contracts.c.number == number.strip())), None)

    def list_for_company(self, company_id: str | None = None) -> list[Contract]:
        return self._load(contracts.c.company_id == company_id if company_id is not None
                          else true())

    def activate(self, activation: Activation) -> bool:
        """A conditional insert: the primary key (contract, account) decides the race."""
        dialect = postgresql if self.uow.dialect == "postgresql" else sqlite
        statement = (dialect.insert(activations).values(activation_values(activation))
                     .on_conflict_do_nothing(index_elements=["contract_id", "account_id"])
                     .returning(activations.c.contract_id))
        # RETURNING rather than rowcount: the driver's rowcount for INSERT is not reliable
        return self.uow.execute(statement).first() is not None

    def activations_for_account(self, account_id: str) -> list[Activation]:
        query = (select(activations).where(activations.c.account_id == account_id)
                 .order_by(activations.c.activated_at, activations.c.contract_id))
        return [activation_from(r) for r in self.uow.execute(query).mappings()]

    def activations_of(self, contract_id: str) -> list[Activation]:
        query = (select(activations).where(activations.c.contract_id == contract_id)
                 .order_by(activations.c.activated_at, activations.c.account_id))
        return [activation_from(r) for r in self.uow.execute(query).mappings()]

    def active_for_account(self, account_id: str, on: date) -> list[Contract]:
        activated = select(activations.c.contract_id).where(
            activations.c.account_id == account_id)
        return self._load(contracts.c.id.in_(activated) & (contracts.c.valid_from <= on)
                          & (contracts.c.valid_until >= on))

    def page_by_company_name(self, company_id: str | None, offset: int, limit: int
                             ) -> NamedContractPage:
        condition = contracts.c.company_id == company_id if company_id is not None else true()
        total = self.uow.execute(
            select(func.count()).select_from(contracts).where(condition)).scalar_one()
        name = func.coalesce(companies.c.name, "")
        page = list(self.uow.execute(
            select(contracts.c.id, name)
            .select_from(contracts.outerjoin(companies,
                                             companies.c.id == contracts.c.company_id))
            .where(condition).order_by(name, contracts.c.number)
            .offset(max(0, offset)).limit(max(0, limit))))
        if not page:
            return NamedContractPage((), int(total))
        loaded = {c.id: c for c in self._load(contracts.c.id.in_([r[0] for r in page]))}
        return NamedContractPage(tuple((loaded[i], n) for i, n in page), int(total))

    def update(self, contract: Contract) -> None:
        values = contract_values(contract)
        del values["id"], values["number"], values["company_id"]
        self.uow.execute(update(contracts).where(contracts.c.id == contract.id).values(values))
        self.uow.execute(delete(contract_assets)
                         .where(contract_assets.c.contract_id == contract.id))
        if contract.asset_ids:
            self.uow.execute(insert(contract_assets), [
                {"contract_id": contract.id, "position": i, "asset_id": asset_id}
                for i, asset_id in enumerate(contract.asset_ids)])

    def activation_counts(self, contract_ids: Sequence[str]) -> dict[str, int]:
        counts = dict.fromkeys(contract_ids, 0)
        if contract_ids:
            query = (select(activations.c.contract_id, func.count())
                     .where(activations.c.contract_id.in_(list(contract_ids)))
                     .group_by(activations.c.contract_id))
            counts.update({str(k): int(n) for k, n in self.uow.execute(query)})
        return counts


class SqlAssets(SqlRepository):
    def add(self, asset: Asset) -> None:
        self.uow.insert_guarded(assets, asset_values(asset),
                                lambda _: ConcurrencyConflict("asset exists"))

    def get(self, asset_id: str) -> Asset | None:
        row = self.uow.execute(select(assets).where(assets.c.id == asset_id)).mappings().first()
        return asset_from(row) if row else None

    def get_many(self, asset_ids: Sequence[str]) -> list[Asset]:
        """In the order asked for; unknown ids are skipped."""
        if not asset_ids:
            return []
        rows = self.uow.execute(select(assets).where(assets.c.id.in_(list(asset_ids))))
        found = {r["id"]: asset_from(r) for r in rows.mappings()}
        return [found[i] for i in asset_ids if i in found]

    def page_covered(self, contract_ids: Sequence[str], category: str | None, page: int,
                     page_size: int) -> AssetPage:
        covered = (select(contract_assets.c.asset_id)
                   .where(contract_assets.c.contract_id.in_(list(contract_ids))))
        in_scope = assets.c.id.in_(covered)
        categories = self.uow.execute(
            select(assets.c.category, func.count()).where(in_scope)
            .group_by(assets.c.category).order_by(assets.c.category)).all()
        chosen = in_scope if category is None else in_scope & (assets.c.category == category)
        total = sum(n for c, n in categories if category is None or c == category)
        if page < 1:
            return AssetPage((), total, tuple((c, n) for c, n in categories))
        rows = self.uow.execute(
            select(assets).where(chosen).order_by(assets.c.name, assets.c.id)
            .limit(page_size).offset((page - 1) * page_size)).mappings()
        return AssetPage(tuple(asset_from(r) for r in rows), total,
                         tuple((c, n) for c, n in categories))

    def list_for_company(self, company_id: str, limit: int) -> list[Asset]:
        rows = self.uow.execute(
            select(assets).where(assets.c.company_id == company_id)
            .order_by(assets.c.name, assets.c.id).limit(limit)).mappings()
        return [asset_from(r) for r in rows]
