"""Helpers of the contract administration tests: an administrator, a contract they create."""

from __future__ import annotations

from datetime import timedelta

from clico_core.policies import visible_scope
from clico_core.services import AssetSpec, CreateStaff, IssueContract, Viewer
from clico_core.values import Role

from ..support import World


def admin(world: World, email: str = "admin@clico.pl") -> Viewer:
    account, _ = world.services.create_staff_account(
        CreateStaff(email, "Ada", "Admin", Role.ADMIN))
    return Viewer(account, f"session-{account.id}", (), visible_scope(account, ()))


def new_contract(world: World, boss: Viewer, number: str = "UM-1",
                 company: str = "Acme") -> tuple[str, str]:
    issued = world.services.create_contract(boss, IssueContract(
        number, company, world.today + timedelta(days=365), support_level="premium",
        assets=(AssetSpec("PAN-PA-450", "palo_alto", "SN-77"),)))
    return issued.contract.number, issued.activation_key
