"""Support contracts, their activation keys and the accounts that activated them."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime

from attrs import define, field, frozen

from .values import AccountId, AssetId, CompanyId, ContractId


def hash_contract_key(key: str) -> str:
    """Activation keys are stored only as this digest (keys carry >= 80 random bits)."""
    canonical = "".join(key.split()).upper().replace("-", "")
    return hashlib.sha256(b"clico-contract-key:" + canonical.encode()).hexdigest()


def format_contract_key(raw: str) -> str:
    """Group a freshly generated key into blocks of five for the support certificate."""
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


@frozen
class Activation:
    """An account has activated a contract (several accounts may activate one contract)."""

    contract_id: ContractId
    account_id: AccountId
    activated_at: datetime


@define(eq=False)
class Contract:
    id: ContractId
    number: str
    key_hash: str
    company_id: CompanyId
    support_level: str
    valid_from: date
    valid_until: date
    asset_ids: list[AssetId] = field(factory=list)
    revoked_at: datetime | None = None  # revoked: it covers nothing from then on

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def key_matches(self, key: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_contract_key(key))

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def covers(self, asset_id: AssetId) -> bool:
        """A revoked contract covers nothing: no new technical ticket on its assets."""
        return self.revoked_at is None and asset_id in self.asset_ids
