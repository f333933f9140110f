"""Assets: the appliances a contract covers."""

from __future__ import annotations

from attrs import define

from .values import AssetId, CompanyId

DEFAULT_CATEGORY = "default"


@define(eq=False)
class Asset:
    id: AssetId
    name: str  # model, e.g. ``PAN-PA-450``
    vendor: str  # e.g. ``PALO_ALTO``
    serial: str  # serial number or MAC address
    company_id: CompanyId
    category: str = DEFAULT_CATEGORY  # picker category; by default the vendor's
