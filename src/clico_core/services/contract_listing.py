"""The contracts an API token may list: staff every company's, a customer its companies'."""

from __future__ import annotations

from attrs import frozen

from ..contracts import Contract
from ..values import CompanyId
from .context import Ports, Viewer

MAX_PAGE_SIZE = 100


@frozen
class ListedContract:
    contract: Contract
    company_name: str
    active: bool  # within its validity dates today and not revoked


@frozen
class ListedContractPage:
    rows: tuple[ListedContract, ...]
    total: int


def api_contracts(viewer: Viewer, ports: Ports, company_id: str | None = None,
                  page: int = 1, page_size: int = 25) -> ListedContractPage:
    """One page of the contracts the viewer may see, by company name then number (code
    point order).

    Staff see every company's contracts (``company_id`` narrows them to one). A customer
    sees the contracts of the companies its active contracts cover (never a revoked one)
    and the contracts activated on its own account; a ``company_id`` outside that is an
    empty page, never another company's contract."""
    page = max(1, page)
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    today = ports.today()
    start = (page - 1) * page_size
    if viewer.account.is_staff:  # every company's: the repository reads the page only
        with ports.uow(readonly=True) as uow:
            named = uow.contracts.page_by_company_name(
                CompanyId(company_id) if company_id else None, start, page_size)
        return ListedContractPage(tuple(
            ListedContract(c, name, c.is_valid_on(today) and not c.revoked)
            for c, name in named.rows), named.total)
    with ports.uow(readonly=True) as uow:
        found: dict[str, Contract] = {}
        for company in sorted(viewer.scope.company_ids):
            if company_id and company != company_id:
                continue
            for contract in uow.contracts.list_for_company(company):
                if not contract.revoked:
                    found[contract.id] = contract
        for activation in uow.contracts.activations_for_account(viewer.account.id):
            activated = uow.contracts.get(activation.contract_id)
            if activated is not None and (not company_id
                                          or activated.company_id == company_id):
                found[activated.id] = activated
        names: dict[str, str] = {}
        for listed in found.values():
            if listed.company_id not in names:
                owner = uow.companies.get(listed.company_id)
                names[listed.company_id] = owner.name if owner else ""
    rows = sorted((ListedContract(c, names[c.company_id],
                                   c.is_valid_on(today) and not c.revoked)
                   for c in found.values()),
                  key=lambda r: (r.company_name, r.contract.number))
    return ListedContractPage(tuple(rows[start:start + page_size]), len(rows))
