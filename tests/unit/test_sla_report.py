"""``Raport SLA``: met, breached, median and p90 in business time, per company and level."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.errors import NotFound, ValidationFailed
from clico_core.services import IssueContract, OpenTicket, PostReply
from clico_core.services.contracts import AssetSpec
from clico_core.services.sla_report import p90

from ..support import PALO_ALTO_ANSWERS, World


def _open(world: World, subject: str) -> str:
    viewer = world.viewer()
    asset_id = world.services.list_covered_assets(viewer).rows[0].id
    return world.services.open_ticket(viewer, OpenTicket(
        subject, "<p>x</p>", priority="critical", asset_id=asset_id,
        answers=PALO_ALTO_ANSWERS)).number


@pytest.fixture
def premium(world: World) -> World:
    issued = world.services.issue_contract(IssueContract(
        "C-9", "Acme", world.today + timedelta(days=365), support_level="premium",
        assets=(AssetSpec("PAN-PA-450", "PALO_ALTO", "SN-9"),)))
    world.register(contract=issued)
    return world


def test_the_month_in_figures(premium: World) -> None:
    world = premium
    engineer = world.engineer()
    answers = {}
    for minutes in (10, 20, 90):  # first responses; 90 minutes breaches the 1 h target
        number = _open(world, f"after {minutes}")
        world.clock.advance(timedelta(minutes=minutes))
        world.services.post_reply(engineer, PostReply(number, "<p>on it</p>"))
        answers[minutes] = number
    world.services.change_status(engineer, answers[10], "resolved")
    _open(world, "not answered yet")
    report = world.services.sla_report("2026-11")
    [row] = report.rows
    assert (row.company, row.level, row.tickets, row.met, row.breached) == (
        "Acme", "premium", 4, 1, 1)  # met: answered in 10 min, resolved within 4 h
    assert row.response_median == timedelta(minutes=20)
    assert row.response_p90 == timedelta(minutes=90)
    assert row.resolution_median == row.resolution_p90 == timedelta(minutes=120)
    assert world.services.sla_report("2026-10").rows == ()


def test_a_ticket_met_on_both_clocks_counts_as_met(premium: World) -> None:
    world = premium
    engineer = world.engineer()
    number = _open(world, "quick")
    world.clock.advance(timedelta(minutes=5))
    world.services.post_reply(engineer, PostReply(number, "<p>fixed</p>",
                                                  new_status="resolved"))
    [row] = world.services.sla_report("2026-11").rows
    assert (row.tickets, row.met, row.breached) == (1, 1, 0)
    assert row.resolution_median == row.resolution_p90 == timedelta(minutes=5)


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "11-2026", "", "1999-01", "x" * 40])
def test_a_month_that_is_not_one_is_refused(premium: World, month: str) -> None:
    with pytest.raises(ValidationFailed):
        premium.services.sla_report(month)


def test_customers_never_see_the_report(premium: World) -> None:
    with pytest.raises(NotFound):
        premium.services.staff_sla_report(premium.viewer(), "2026-11")
    assert premium.services.staff_sla_report(premium.engineer(), "").month == "2026-11"


def test_p90_is_the_nearest_rank() -> None:
    values = [timedelta(minutes=m) for m in range(1, 11)]
    assert p90(values) == timedelta(minutes=9)
    assert p90(values[:1]) == timedelta(minutes=1)
    assert p90([]) is None
