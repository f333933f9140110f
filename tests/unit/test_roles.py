"""The role checks every staff use case starts with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clico_core.accounts import Account
from clico_core.errors import AdminOnly, NotFound
from clico_core.roles import require_admin, require_staff
from clico_core.values import AccountId, CompanyId, Role


def account(role: Role) -> Account:
    return Account(id=AccountId("a1"), login="jan", email="jan@example.com", first_name="Jan",
                   last_name="Kowalski", phone="", company_id=CompanyId("c1"),
                   password_hash="x", created_at=datetime(2026, 1, 1, tzinfo=UTC), role=role)


def test_a_customer_is_not_found_on_staff_and_admin_actions() -> None:
    with pytest.raises(NotFound):
        require_staff(account(Role.CUSTOMER))
    with pytest.raises(NotFound):
        require_admin(account(Role.CUSTOMER))


def test_an_engineer_is_staff_but_refused_admin_actions() -> None:
    require_staff(account(Role.ENGINEER))
    with pytest.raises(AdminOnly):
        require_admin(account(Role.ENGINEER))


def test_an_admin_passes_both() -> None:
    require_staff(account(Role.ADMIN))
    require_admin(account(Role.ADMIN))
