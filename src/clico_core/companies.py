"""Companies: the customers (and partners) whose contracts the portal serves."""

from __future__ import annotations

from attrs import define, field

from .values import CompanyId, company_key


@define(eq=False)
class Company:
    id: CompanyId
    name: str
    key: str = field()

    @key.default
    def _key(self) -> str:
        return company_key(self.name)
