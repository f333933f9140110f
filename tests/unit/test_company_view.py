"""The company view for staff (``Firma``), the company search and the contract import."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.errors import AdminOnly, ContractImportRejected, NotFound
from clico_core.services import ContractRow, IssueContract, OpenTicket

from ..support import PALO_ALTO_ANSWERS, World
from .contract_admin_support import admin, new_contract


def test_staff_see_a_company_whole(world: World) -> None:
    boss = admin(world)
    number, key = new_contract(world, boss)
    world.services.issue_contract(IssueContract("UM-OLD", "Acme", world.today,
                                                valid_from=world.today - timedelta(days=9)))
    world.register(contract=world.issue("C-1", "Beta"))
    jan = world.viewer()
    world.services.activate_contract(jan, number, key)
    jan = world.viewer()
    asset_id = world.services.contract_admin_page(boss, number).assets[0].id
    ticket = world.services.open_ticket(jan, OpenTicket(
        "VPN down", "<p>x</p>", asset_id=asset_id, answers=PALO_ALTO_ANSWERS))
    world.services.revoke_contract(boss, "UM-OLD")
    engineer = world.engineer()
    acme = world.services.search_companies(engineer, "acm")
    assert [c.name for c in acme] == ["Acme"]
    view = world.services.company_view(engineer, acme[0].id)
    assert [(c.contract.number, c.activations, c.active) for c in view.contracts] == [
        (number, 1, True), ("UM-OLD", 0, False)]
    assert [(a.asset.serial, a.contracts, a.open_tickets) for a in view.assets] == [
        ("SN-77", (number,), 1)]
    assert [r.number for r in view.tickets.rows] == [ticket.number]
    assert view.people == () and not view.more_assets
    beta = world.services.search_companies(engineer, "jan@example.com")
    people = world.services.company_view(engineer, beta[0].id).people
    assert [p.login for p in people] == ["jan"]
    assert [c.name for c in world.services.search_companies(engineer, number)] == ["Acme"]
    assert [c.name for c in world.services.search_companies(engineer, "SN-77")] == ["Acme"]
    assert world.services.search_companies(engineer, "   ") == []
    with pytest.raises(NotFound):
        world.services.company_view(engineer, "nope")
    with pytest.raises(NotFound):
        world.services.search_companies(jan, "acme")
    with pytest.raises(NotFound):
        world.services.company_view(jan, acme[0].id)


def rows(*lines: tuple[str, ...]) -> list[ContractRow]:
    return [ContractRow(n, *fields) for n, fields in enumerate(lines, 2)]


def test_an_import_creates_every_contract_with_its_assets(world: World) -> None:
    boss = admin(world)
    done = world.services.import_contracts(boss, rows(
        ("UM-1", "Acme", "premium", "2026-01-01", "2027-12-31", "PA-450", "palo_alto", "S1"),
        ("UM-1", "Acme", "premium", "2026-01-01", "2027-12-31", "FG-1", "FORTINET", "S2",
         "firewalls"),
        ("UM-2", "Beta", "", "2026-01-01", "2026-12-31")))
    assert [(c.number, c.company, c.assets) for c in done] == [
        ("UM-1", "Acme", 2), ("UM-2", "Beta", 0)]
    page = world.services.contract_admin_page(boss, "UM-1")
    assert page.contract.key_matches(done[0].activation_key)
    assert [(a.serial, a.category) for a in page.assets] == [
        ("S1", "PALO_ALTO"), ("S2", "firewalls")]
    assert world.services.contract_admin_page(boss, "UM-2").contract.support_level == "standard"


def test_a_bad_line_imports_nothing_and_every_bad_line_is_named(world: World) -> None:
    boss = admin(world)
    new_contract(world, boss, "TAKEN")
    with pytest.raises(ContractImportRejected) as refused:
        world.services.import_contracts(boss, rows(
            ("UM-1", "Acme", "premium", "2026-01-01", "2027-12-31", "PA", "PALO_ALTO", "S1"),
            ("UM-1", "Beta", "premium", "2026-01-01", "2027-12-31"),
            ("UM-2", "Acme", "x", "2026-13-01", "2027-12-31"),
            ("UM-3", "Acme", "x", "2026-01-01", "2025-12-31"),
            ("UM-4", "Acme", "x", "2026-01-01", "2027-12-31", "PA", "", "S9"),
            ("UM-1", "Acme", "premium", "2026-01-01", "2027-12-31", "PA", "PALO_ALTO", "S1"),
            ("", "Acme", "x", "2026-01-01", "2027-12-31")))
    assert refused.value.lines == (
        (3, "conflicting_contract"), (4, "invalid_date"), (5, "before_valid_from"),
        (6, "invalid_asset"), (7, "duplicate_serial"), (8, "invalid_number"))
    with pytest.raises(ContractImportRejected) as taken:
        world.services.import_contracts(boss, rows(
            ("UM-9", "Acme", "x", "2026-01-01", "2027-12-31"),
            ("TAKEN", "Acme", "x", "2026-01-01", "2027-12-31")))
    assert taken.value.lines == ((3, "number_taken"),)
    for number in ("UM-1", "UM-9"):
        with pytest.raises(NotFound):
            world.services.contract_admin_page(boss, number)
    with pytest.raises(AdminOnly):
        world.services.import_contracts(world.engineer(), rows(
            ("UM-5", "Acme", "x", "2026-01-01", "2027-12-31")))
