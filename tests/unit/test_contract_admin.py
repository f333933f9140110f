"""Contract administration: creating, assets, terms, a new key, revoking, the history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.audit import AuditKind
from clico_core.errors import (
    AdminOnly,
    AssetNotCovered,
    AssetNotOnContract,
    ContractRevoked,
    DuplicateContractNumber,
    InvalidContractKey,
    NotFound,
    ValidationFailed,
)
from clico_core.services import (
    AssetSpec,
    ContractTerms,
    IssueContract,
    OpenTicket,
    RegisterAccount,
    Viewer,
)
from clico_core.tickets import TicketStatus

from ..support import PALO_ALTO_ANSWERS, PASSWORD, World
from .contract_admin_support import admin, new_contract


def technical(viewer: Viewer, asset_id: str, subject: str = "VPN down") -> OpenTicket:
    return OpenTicket(subject, "<p>down</p>", asset_id=asset_id, answers=PALO_ALTO_ANSWERS)


def test_an_admin_creates_a_contract_whose_key_is_shown_once_and_activates(world: World
                                                                         ) -> None:
    boss = admin(world)
    number, key = new_contract(world, boss)
    page = world.services.contract_admin_page(boss, number)
    assert page.company_name == "Acme" and page.contract.support_level == "premium"
    assert [(a.name, a.vendor, a.serial, a.category) for a in page.assets] == [
        ("PAN-PA-450", "PALO_ALTO", "SN-77", "PALO_ALTO")]
    assert key not in page.contract.key_hash and page.contract.key_matches(key)
    assert [(h.event.kind, h.actor_name) for h in page.history] == [
        (AuditKind.CONTRACT_CREATED, "Ada Admin")]
    world.register(contract=world.services.issue_contract(IssueContract(
        "OTHER", "Acme", world.today + timedelta(days=9))))
    jan = world.viewer()
    world.services.activate_contract(jan, number, key)
    assert world.services.contract_admin_page(boss, number).activations == 1
    with pytest.raises(DuplicateContractNumber):
        new_contract(world, boss, number)


def test_engineers_are_refused_and_customers_see_nothing(world: World) -> None:
    boss = admin(world)
    number, _ = new_contract(world, boss)
    engineer = world.engineer()
    with pytest.raises(AdminOnly):
        world.services.revoke_contract(engineer, number)
    with pytest.raises(AdminOnly):
        new_contract(world, engineer, "UM-2")
    world.register(contract=world.issue("C-1"))
    with pytest.raises(NotFound):
        world.services.contract_admin_page(world.viewer(), number)
    assert world.services.contract_admin_page(boss, number).contract.revoked_at is None


def test_assets_terms_and_a_new_key_are_each_recorded(world: World) -> None:
    boss = admin(world)
    number, old_key = new_contract(world, boss)
    added = world.services.add_contract_asset(
        boss, number, AssetSpec("FG-100F", "fortinet", "FGT-1", "firewalls"))
    assert (added.vendor, added.category) == ("FORTINET", "firewalls")
    first = world.services.contract_admin_page(boss, number).assets[0]
    world.services.remove_contract_asset(boss, number, first.id)
    with pytest.raises(AssetNotOnContract):
        world.services.remove_contract_asset(boss, number, first.id)
    with pytest.raises(ValidationFailed) as bad:
        world.services.add_contract_asset(boss, number, AssetSpec("", "x", "y"))
    assert bad.value.fields == {"asset": "invalid_asset"}
    start = world.today - timedelta(days=10)
    world.services.change_contract_terms(
        boss, number, ContractTerms("gold", start, start + timedelta(days=30)))
    with pytest.raises(ValidationFailed) as backwards:
        world.services.change_contract_terms(
            boss, number, ContractTerms("gold", start, start - timedelta(days=1)))
    assert backwards.value.fields == {"valid_until": "before_valid_from"}
    new_key = world.services.regenerate_contract_key(boss, number).activation_key
    page = world.services.contract_admin_page(boss, number)
    assert [a.serial for a in page.assets] == ["FGT-1"]
    assert (page.contract.support_level, page.contract.valid_from) == ("gold", start)
    assert page.contract.key_matches(new_key) and not page.contract.key_matches(old_key)
    assert [(h.event.kind, h.event.detail) for h in page.history] == [
        (AuditKind.CONTRACT_CREATED, f"premium {world.today}.."
                                     f"{world.today + timedelta(days=365)}"),
        (AuditKind.CONTRACT_ASSET_ADDED, "FGT-1"),
        (AuditKind.CONTRACT_ASSET_REMOVED, "SN-77"),
        (AuditKind.CONTRACT_TERMS_CHANGED, f"gold {start}..{start + timedelta(days=30)}"),
        (AuditKind.CONTRACT_KEY_REGENERATED, ""),
    ]
    assert all(new_key not in h.event.detail for h in page.history)
    world.register(contract=world.issue("C-1"))
    jan = world.viewer()
    with pytest.raises(InvalidContractKey):
        world.services.activate_contract(jan, number, old_key)
    world.services.activate_contract(jan, number, new_key)


def test_revoking_stops_new_technical_tickets_and_keeps_open_ones(world: World) -> None:
    boss = admin(world)
    number, key = new_contract(world, boss)
    world.register(contract=world.issue("C-0", "Acme", assets=()))
    jan = world.viewer()
    world.services.activate_contract(jan, number, key)
    jan = world.viewer()
    asset_id = world.services.contract_admin_page(boss, number).assets[0].id
    assert [a.id for a in world.services.list_covered_assets(jan).rows] == [asset_id]
    opened = world.services.open_ticket(jan, technical(jan, asset_id))
    world.services.revoke_contract(boss, number)
    jan = world.viewer()
    with pytest.raises(AssetNotCovered):
        world.services.open_ticket(jan, technical(jan, asset_id, "again"))
    assert world.services.list_covered_assets(jan).rows == ()
    still = world.services.ticket_detail(jan, opened.number).ticket
    assert still.status is TicketStatus.NEW
    with pytest.raises(ContractRevoked):
        world.services.revoke_contract(boss, number)
    with pytest.raises(ContractRevoked):
        world.services.regenerate_contract_key(boss, number)
    page = world.services.contract_admin_page(boss, number)
    assert page.contract.revoked_at == world.services.ports.clock.now()
    assert page.history[-1].event.kind is AuditKind.CONTRACT_REVOKED
    world.register("ola", contract=world.issue("C-2"))
    with pytest.raises(ContractRevoked):
        world.services.activate_contract(world.viewer("ola"), number, key)


def test_nobody_signs_up_with_a_revoked_contract(world: World) -> None:
    boss = admin(world)
    number, key = new_contract(world, boss)
    world.services.revoke_contract(boss, number)
    with pytest.raises(ValidationFailed) as refused:
        world.services.register_account(RegisterAccount(
            "ola", "ola@example.com", "Ola", "Nowak", PASSWORD, PASSWORD, "+48 600 100 200",
            number, key, "Acme"))
    assert refused.value.fields == {"contract_number": "contract_not_valid_now"}


def test_unknown_contracts_are_not_found(world: World) -> None:
    boss = admin(world)
    for change in (lambda: world.services.revoke_contract(boss, "NOPE"),
                   lambda: world.services.contract_admin_page(boss, "NOPE"),
                   lambda: world.services.contract_admin_page(boss, "")):
        with pytest.raises(NotFound):
            change()
