"""Assets under active support, as ``Moje Zasoby`` and the ticket form's picker show them."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account
from ..companies import Company
from ..ports import AssetPage
from ..tickets import PAGE_SIZES
from .context import Ports, Viewer


def list_covered_assets(viewer: Viewer, ports: Ports, category: str | None = None,
                        page: int = 1, page_size: int = 25) -> AssetPage:
    """Assets covered by contracts active on the account today, by category, paged."""
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[1]
    page = max(1, min(page, 1_000_000))
    contract_ids = [c.id for c in viewer.active_contracts]
    if not contract_ids:
        return AssetPage((), 0, ())
    with ports.uow(readonly=True) as uow:
        return uow.assets.page_covered(contract_ids, category or None, page, page_size)


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
