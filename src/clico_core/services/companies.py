"""The company view for staff (``Firma``): its contracts, assets, people and tickets, and the
company search (``Szukaj firmy``). Every read is bounded and a fixed number of statements,
whatever the company's size."""

from __future__ import annotations

from attrs import frozen

from ..accounts import Account
from ..assets import Asset
from ..companies import Company
from ..contracts import Contract
from ..errors import NotFound
from ..roles import require_staff
from ..tickets import TicketPage, TicketQuery, TicketScope
from ..values import lookup_text
from .context import Ports, Viewer

SEARCH_LIMIT = 50
ASSET_LIMIT = 200
PEOPLE_LIMIT = 200
TICKET_LIMIT = 25


@frozen
class CompanyContract:
    contract: Contract
    activations: int  # accounts that activated it
    active: bool  # within its validity today and not revoked


@frozen
class CompanyAsset:
    asset: Asset
    contracts: tuple[str, ...]  # numbers of the company's contracts covering it
    open_tickets: int


@frozen
class CompanyView:
    company: Company
    contracts: tuple[CompanyContract, ...]
    assets: tuple[CompanyAsset, ...]  # at most ASSET_LIMIT, by name
    more_assets: bool
    people: tuple[Account, ...]  # at most PEOPLE_LIMIT, by last and first name
    more_people: bool
    tickets: TicketPage  # the open tickets, latest change first, at most TICKET_LIMIT


def search_companies(viewer: Viewer, text: str, ports: Ports) -> list[Company]:
    """Companies by (part of the) name, a contract number, an asset's serial number or MAC,
    or a person's e-mail; at most ``SEARCH_LIMIT``, by name (staff)."""
    require_staff(viewer.account)
    wanted = lookup_text(text, 200)
    if not wanted:
        return []
    with ports.uow(readonly=True) as uow:
        return uow.companies.search(wanted, SEARCH_LIMIT)


def company_view(viewer: Viewer, company_id: str, ports: Ports) -> CompanyView:
    """One company as staff see it; ``NotFound`` for an unknown id (staff)."""
    require_staff(viewer.account)
    wanted = lookup_text(company_id, 64)
    today = ports.today()
    with ports.uow(readonly=True) as uow:
        company = uow.companies.get(wanted) if wanted else None
        if company is None:
            raise NotFound(company_id)
        contracts = uow.contracts.list_for_company(company.id)
        counts = uow.contracts.activation_counts([c.id for c in contracts])
        assets = uow.assets.list_for_company(company.id, ASSET_LIMIT + 1)
        open_counts = uow.tickets.open_counts_by_asset([a.id for a in assets[:ASSET_LIMIT]])
        people = uow.accounts.list_for_companies([company.id])
        tickets = uow.tickets.page_for(TicketScope(frozenset(), everything=True),
                                       TicketQuery(company_id=company.id,
                                                   page_size=TICKET_LIMIT))
    covering = {a.id: tuple(c.number for c in contracts if a.id in c.asset_ids)
                for a in assets}
    return CompanyView(
        company,
        tuple(CompanyContract(c, counts.get(c.id, 0), c.is_valid_on(today) and not c.revoked)
              for c in contracts),
        tuple(CompanyAsset(a, covering[a.id], open_counts.get(a.id, 0))
              for a in assets[:ASSET_LIMIT]),
        len(assets) > ASSET_LIMIT,
        tuple(people[:PEOPLE_LIMIT]), len(people) > PEOPLE_LIMIT, tickets)
