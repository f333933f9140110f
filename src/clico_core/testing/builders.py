"""Plain builders of valid entities, for conformance tests and examples."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from ..accounts import Account, AccountState
from ..assets import Asset
from ..companies import Company
from ..contracts import Contract, hash_contract_key
from ..tickets import Priority, RelationType, Ticket, TicketKind, TicketStatus

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}{next(_ids):08d}"


def company(name: str = "Acme") -> Company:
    return Company(new_id("co"), name)


def account(company_id: str, login: str | None = None, **changes: object) -> Account:
    login = login or new_id("user")
    values: dict[str, object] = {
        "id": new_id("ac"), "login": login, "email": f"{login}@example.com",
        "first_name": "Jan", "last_name": "Kowalski", "phone": "+48 600 100 200",
        "company_id": company_id, "password_hash": "$argon2id$fake", "created_at": T0,
        "state": AccountState.ACTIVE,
    }
    values.update(changes)
    # any field may be overridden, so the values are only known to be objects; Account
    # itself rejects an unknown name
    return Account(**values)  # type: ignore[arg-type]


def asset(company_id: str, name: str = "PAN-PA-450", vendor: str = "PALO_ALTO",
          category: str = "PALO_ALTO") -> Asset:
    return Asset(new_id("as"), name, vendor, new_id("SN"), company_id, category)


def contract(company_id: str, asset_ids: list[str] | None = None, number: str | None = None,
             key: str = "KEY-1", valid_from: date = date(2026, 1, 1),
             valid_until: date = date(2027, 1, 1)) -> Contract:
    return Contract(new_id("ct"), number or new_id("C-"), hash_contract_key(key), company_id,
                    "standard", valid_from, valid_until, list(asset_ids or []))


def ticket(company_id: str, reporter_id: str, number: str, *, at: datetime = T0,
           subject: str = "VPN down", status: TicketStatus = TicketStatus.NEW,
           priority: Priority = Priority.NORMAL, asset_ids: list[str] | None = None,
           answers: dict[str, str] | None = None, idempotency_key: str | None = None,
           minutes: int = 0) -> Ticket:
    when = at + timedelta(minutes=minutes)
    kind = TicketKind.TECHNICAL if asset_ids else TicketKind.ADMINISTRATIVE
    return Ticket(new_id("tk"), number, kind, subject, "<p>details</p>", priority,
                  RelationType.INCIDENT, company_id, reporter_id, when, when, status,
                  list(asset_ids or []), None, "PALO_ALTO" if asset_ids else None,
                  dict(answers or {}), idempotency_key)
