"""The SLA on the ticket page: ``Termin reakcji`` and ``Termin rozwiązania`` with the
business time left, then met or breached; the customer sees what staff see."""

from __future__ import annotations

import re
from datetime import timedelta

from clico_core.services import IssueContract
from clico_core.services.contracts import AssetSpec

from ..ticket_fixtures import asset_id_of, post_ticket
from ..web_fixtures import TODAY
from .conversation_pages import reply


def _sla_cells(html: str) -> dict[str, str]:
    cells = re.findall(r'<dd class="sla sla-([a-z]+)" data-sla="([a-z_]+)">(.*?)</dd>', html,
                       re.DOTALL)
    return {name: f"{state}: {re.sub(r'<[^>]+>', '', text)}" for state, name, text in cells}


def _wait(ticket_world, minutes: int, *clients) -> None:
    """Let time pass, the browsers staying active (a session idles out after 30 minutes)."""
    while minutes > 0:
        step = min(minutes, 20)
        ticket_world.clock.advance(timedelta(minutes=step))
        minutes -= step
        for client in clients:
            assert client.get("/tickets").status_code == 200


def _premium_ticket(ticket_world, jan) -> str:
    issued = ticket_world.services.issue_contract(IssueContract(
        "C-7", "Acme", TODAY + timedelta(days=365), support_level="premium",
        assets=(AssetSpec("PA-3220", "PALO_ALTO", "SN-7"),)))
    ticket_world.services.activate_contract(ticket_world.viewer("jan"), "C-7",
                                            issued.activation_key)
    response = post_ticket(jan, asset_id_of(ticket_world, "C-7"), priority="critical")
    return response.headers["location"].rsplit("/", 1)[1]


def test_a_critical_premium_ticket_shows_one_and_four_hours(ticket_world, jan, engineer):
    number = _premium_ticket(ticket_world, jan)
    ticket = ticket_world.services.ticket_detail(ticket_world.viewer("jan"), number).ticket
    assert ticket.first_response_due == ticket.created_at + timedelta(hours=1)
    assert ticket.resolution_due == ticket.created_at + timedelta(hours=4)
    page = jan.get(f"/tickets/{number}").text
    assert "Termin reakcji" in page and "Termin rozwiązania" in page
    cells = _sla_cells(page)
    assert cells["first_response"] == (  # opened at 10:00 in Warsaw
        "running: 25.11.2026, 11:00 · pozostało 1 h 00 min czasu roboczego")
    assert "pozostało 1 h 00 min czasu roboczego" in cells["first_response"]
    assert "pozostało 4 h 00 min czasu roboczego" in cells["resolution"]
    assert _sla_cells(engineer.get(f"/tickets/{number}").text) == cells  # the same dates

    _wait(ticket_world, 50, jan, engineer)
    assert _sla_cells(jan.get(f"/tickets/{number}").text)["first_response"] == (
        "warning: 25.11.2026, 11:00 · pozostało 10 min czasu roboczego")  # past 75 %
    _wait(ticket_world, 20, jan, engineer)
    overdue = _sla_cells(jan.get(f"/tickets/{number}").text)
    assert overdue["first_response"].startswith("overdue: ")
    assert "Przekroczony" in overdue["first_response"]

    assert reply(engineer, number, "Looking at the HA logs").status_code == 303
    answered = _sla_cells(jan.get(f"/tickets/{number}").text)
    assert answered["first_response"] == "breached: Przekroczony"
    assert "pozostało 2 h 50 min czasu roboczego" in answered["resolution"]

    reply(engineer, number, "Please send the logs", new_status="waiting_for_customer")
    _wait(ticket_world, 5 * 60, jan, engineer)  # waiting does not count
    waiting = _sla_cells(jan.get(f"/tickets/{number}").text)
    assert waiting["resolution"].startswith("paused: Wstrzymany")
    assert "pozostało 2 h 50 min" in waiting["resolution"]

    reply(engineer, number, "Fixed", new_status="resolved")
    assert _sla_cells(jan.get(f"/tickets/{number}").text)["resolution"] == "met: Dotrzymany"

    jan.cookies.set("clico_lang", "en")
    english = _sla_cells(jan.get(f"/tickets/{number}").text)
    assert english == {"first_response": "breached: Breached", "resolution": "met: Met"}


def test_an_administrative_ticket_runs_on_the_default_level(jan, number):
    cells = _sla_cells(jan.get(f"/tickets/{number}").text)
    assert set(cells) == {"first_response", "resolution"}
    assert all(cell.startswith("running: ") for cell in cells.values())


def test_the_sla_report_is_for_staff(ticket_world, jan, engineer):
    number = _premium_ticket(ticket_world, jan)
    _wait(ticket_world, 15, jan, engineer)
    assert reply(engineer, number, "On it").status_code == 303
    page = engineer.get("/staff/sla?month=2026-11")
    assert page.status_code == 200
    assert "Raport SLA" in page.text and '<a href="/staff/sla" aria-current="page">' in page.text
    assert "<td>Acme</td><td>premium</td><td>1</td>" in page.text
    assert "<td>15 min</td>" in page.text  # the first response, median and p90
    download = engineer.get("/staff/sla.csv?month=2026-11")
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="sla-2026-11.csv"' in download.headers["content-disposition"]
    assert download.text.splitlines()[1].startswith("Acme,premium,1,0,0,0.25,0.25,,")
    assert engineer.get("/staff/sla").status_code == 200  # the current month
    bad = engineer.get("/staff/sla?month=listopad")
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert engineer.get("/staff/sla.csv?month=listopad").status_code == 400
    for path in ("/staff/sla", "/staff/sla?month=2026-11", "/staff/sla.csv?month=2026-11"):
        assert jan.get(path).status_code == 404, path
    assert "/staff/sla" not in jan.get("/tickets").text  # no link for customers
