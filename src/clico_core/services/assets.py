"""Assets under active support, as ``Moje Zasoby`` and the ticket form's picker show them."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from ..accounts import Account
from ..assets import Asset
from ..companies import Company
from ..policies import TechnicalTicketRequiresCoveredAsset
from ..ports import AssetPage, UnitOfWork
from ..questionnaires import Questionnaire
from ..tickets import PAGE_SIZES
from ..values import lookup_text
from .context import Ports, Viewer


def list_covered_assets(viewer: Viewer, ports: Ports, category: str | None = None,
                        page: int = 1, page_size: int = 25) -> AssetPage:
    """Assets covered by contracts active on the account today, by category, paged."""
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[1]
    page = max(1, min(page, 1_000_000))
    contract_ids = [c.id for c in viewer.active_contracts if not c.revoked]
    if not contract_ids:
        return AssetPage((), 0, ())
    wanted = lookup_text(category, 64) if category else None
    if category and wanted is None:
        return AssetPage((), 0, ())  # no category has such a name
    with ports.uow(readonly=True) as uow:
        return uow.assets.page_covered(contract_ids, wanted, page, page_size)


@frozen
class CoveredAsset:
    """An asset a technical ticket may be opened on, its covering contract and questions."""

    asset: Asset
    contract_number: str
    questionnaire: Questionnaire


def coverage_of(uow: UnitOfWork, viewer: Viewer, asset_id: str, today: date
                ) -> TechnicalTicketRequiresCoveredAsset:
    """The rule with its facts (the asset, the contracts active on the account ``today``),
    read in the caller's unit of work; ``covered()`` then decides."""
    wanted = lookup_text(asset_id, 64)
    asset = uow.assets.get(wanted) if wanted else None
    active = uow.contracts.active_for_account(viewer.account.id, today)
    return TechnicalTicketRequiresCoveredAsset(asset, active, today)


def covered_asset(viewer: Viewer, asset_id: str, ports: Ports) -> CoveredAsset:
    """One asset under a contract active for the account today, or ``AssetNotCovered``."""
    today = ports.today()
    with ports.uow(readonly=True) as uow:
        rule = coverage_of(uow, viewer, asset_id, today)
    asset, contract = rule.covered()
    return CoveredAsset(asset, contract.number, ports.questionnaires.for_asset(asset))


@frozen
class CustomerView:
    """The ``Klient`` page: the companies the account works for and colleagues on the portal."""

    companies: tuple[Company, ...]
    colleagues: tuple[Account, ...]


def customer_overview(viewer: Viewer, ports: Ports) -> CustomerView:
    company_ids = sorted(viewer.scope.company_ids)
    with ports.uow(readonly=True) as uow:
        companies = uow.companies.list_by_ids(company_ids)
        colleagues = uow.accounts.list_for_companies(company_ids)
    return CustomerView(tuple(companies), tuple(a for a in colleagues
                                                if a.state.value != "disabled"))
