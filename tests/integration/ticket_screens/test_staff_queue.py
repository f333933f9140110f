"""``Kolejka`` (/staff/queue): the staff home with its saved views; ``Przypisz do mnie``,
another engineer and the priority from the queue and the ticket page; bulk actions all or
nothing; customers get a 404 and no link."""

from __future__ import annotations

import re
from datetime import time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from ..ticket_fixtures import post_ticket
from ..web_fixtures import csrf_of

WARSAW = ZoneInfo("Europe/Warsaw")
_ROW = re.compile(r'name="ticket" value="([A-Z]+-\d+)"')


def queued(client, path: str = "/staff/queue") -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, page.text
    return _ROW.findall(page.text)


def _engineer_id(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/staff/queue?view=open&filters=1")
    match = re.search(r'<option value="([^"]+)">Ewa Inżynier</option>', page.text)
    assert match, "Ewa is not among the engineers"
    return match.group(1)


def test_staff_land_on_the_queue(engineer, number) -> None:
    assert engineer.get("/").headers["location"] == "/staff/queue"
    page = engineer.get("/staff/queue")
    assert 'href="/staff/queue" aria-current="page">Kolejka<' in page.text
    assert ">Nieprzypisane<" in page.text and ">Przypisany<" in page.text
    assert queued(engineer) == [number]
    assert queued(engineer, "/staff/queue?view=mine") == []


def test_customers_get_not_found_and_no_link(jan, number) -> None:
    assert jan.get("/").headers["location"] == "/tickets"
    assert jan.get("/staff/queue").status_code == 404
    assert jan.get("/staff/queue?from=bad&to=worse&cursor=x").status_code == 404
    assert "/staff/queue" not in jan.get("/tickets").text
    token = csrf_of(jan, "/tickets")
    for path, data in ((f"/tickets/{number}/assign", {"assignee": "me"}),
                       (f"/tickets/{number}/priority", {"priority": "critical"}),
                       ("/staff/queue/bulk", {"action": "close", "ticket": number})):
        assert jan.post(path, data={"csrf_token": token, **data}).status_code == 404
    page = jan.get(f"/tickets/{number}")
    assert "Przypisz do mnie" not in page.text and "Przypisany" not in page.text
    assert f"/tickets/{number}/priority" not in page.text


def test_assign_to_me_from_the_queue(engineer, number) -> None:
    token = csrf_of(engineer, "/staff/queue")
    done = engineer.post(f"/tickets/{number}/assign", data={
        "csrf_token": token, "assignee": "me", "back": "/staff/queue?view=unassigned"})
    assert done.status_code == 303
    assert done.headers["location"] == "/staff/queue?view=unassigned"
    assert queued(engineer) == []
    assert queued(engineer, "/staff/queue?view=mine") == [number]
    page = engineer.get("/staff/queue?view=mine")
    assert '<td class="assignee">Ewa Inżynier</td>' in page.text
    ticket = engineer.get(f"/tickets/{number}").text
    assert re.search(r'<dt>Przypisany</dt><dd id="assignee">Ewa Inżynier</dd>', ticket)


def test_assign_and_priority_from_the_ticket_page(engineer, number) -> None:
    token = csrf_of(engineer, f"/tickets/{number}")
    ewa = _engineer_id(engineer)
    done = engineer.post(f"/tickets/{number}/assign",
                         data={"csrf_token": token, "assignee": ewa})
    assert done.headers["location"] == f"/tickets/{number}"
    done = engineer.post(f"/tickets/{number}/priority",
                         data={"csrf_token": token, "priority": "critical"})
    assert done.headers["location"] == f"/tickets/{number}"
    page = engineer.get(f"/tickets/{number}").text
    assert '<dd id="assignee">Ewa Inżynier</dd>' in page
    assert "<dt>Priorytet</dt><dd>Krytyczny</dd>" in page
    assert queued(engineer, "/staff/queue?view=open&priority=critical") == [number]
    refused = engineer.post(f"/tickets/{number}/priority",
                            data={"csrf_token": token, "priority": "urgent"})
    assert refused.status_code == 400
    assert "Krytyczny</option>" in refused.text  # the page again, unchanged
    nobody = engineer.post(f"/tickets/{number}/assign", data={"csrf_token": token,
                                                              "assignee": ""})
    assert nobody.status_code == 303
    assert '<dd id="assignee">—</dd>' in engineer.get(f"/tickets/{number}").text


def test_bulk_assign_and_close(engineer, jan, number) -> None:
    second = post_ticket(jan).headers["location"].rsplit("/", 1)[1]
    token = csrf_of(engineer, "/staff/queue")
    done = engineer.post("/staff/queue/bulk", data={
        "csrf_token": token, "action": "assign", "assignee": "me",
        "ticket": [number, second], "back": "/staff/queue"})
    assert done.status_code == 303, done.text
    assert sorted(queued(engineer, "/staff/queue?view=mine")) == sorted([number, second])
    done = engineer.post("/staff/queue/bulk", data={
        "csrf_token": token, "action": "close", "ticket": [number, second]})
    assert done.status_code == 303
    assert queued(engineer, "/staff/queue?view=open") == []
    assert sorted(queued(engineer, "/staff/queue?view=open&closed=1")) == sorted(
        [number, second])


def test_one_closed_row_changes_nothing(engineer, jan, number) -> None:
    second = post_ticket(jan).headers["location"].rsplit("/", 1)[1]
    token = csrf_of(engineer, "/staff/queue")
    assert engineer.post("/staff/queue/bulk", data={
        "csrf_token": token, "action": "close", "ticket": second}).status_code == 303
    refused = engineer.post("/staff/queue/bulk", data={
        "csrf_token": token, "action": "assign", "assignee": "me",
        "ticket": [number, second], "back": "/staff/queue?view=open&closed=1"})
    assert refused.status_code == 409
    text = unescape(refused.text)
    assert f"Nic nie zmieniono: zgłoszenia {second} nie można zmienić (jest zamknięte)." in text
    assert queued(engineer, "/staff/queue?view=mine") == []  # the first row was not kept
    empty = engineer.post("/staff/queue/bulk", data={"csrf_token": token, "action": "close"})
    assert empty.status_code == 409
    assert "Zaznacz co najmniej jedno zgłoszenie" in unescape(empty.text)


def test_the_queue_in_english(engineer, number) -> None:
    engineer.cookies.set("clico_lang", "en")
    page = engineer.get("/staff/queue").text
    for label in ("Queue", "Unassigned", "Mine", "Waiting for customer", "All open",
                  "Assignee", "Assign to me"):
        assert f">{label}<" in page, label


def test_the_queue_shows_each_tickets_nearest_sla_due_time(engineer, jan, number) -> None:
    # opened on Wednesday 25 November at 10:00 in Warsaw, priority High on the standard
    # (8×5) level: the first response is due 4 business hours later
    page = engineer.get("/staff/queue?view=open").text
    row = re.search(rf"<tr>(?:(?!</tr>).)*{number}(?:(?!</tr>).)*</tr>", page, re.DOTALL)
    assert row is not None
    assert re.search(r'<td class="due"><time>25\.11\.2026, 14:00</time></td>', row.group(0))
    # the queue's default order, shown on its header; a click asks for the latest first
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a href="/staff/queue\?'
                     r'view=open&amp;sort=due&amp;dir=desc">Termin <span', page)
    engineer.cookies.set("clico_lang", "en")
    assert re.search(r'>Due <span aria-hidden="true">▲</span></a></th>',
                     engineer.get("/staff/queue?view=open").text)
    assert 'class="due' not in jan.get("/tickets").text  # the customer's list has no such column


def _due_cell(client, number: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/staff/queue?view=open").text
    row = re.search(rf"<tr>(?:(?!</tr>).)*{number}(?:(?!</tr>).)*</tr>", page, re.DOTALL)
    assert row is not None
    cell = re.search(r'<td class="due[^"]*">.*?</td>', row.group(0), re.DOTALL)
    assert cell is not None
    return cell.group(0)


def test_the_queue_marks_tickets_past_75_and_100_percent_in_words(
        engineer, ticket_world, number) -> None:
    # High on the standard level: 4 business hours from 10:00, so 75 % at 13:00, due 14:00
    step = timedelta(minutes=20)  # the session stays alive (idle 30 minutes at most)
    while ticket_world.clock.now().astimezone(WARSAW).time() < time(12, 40):
        ticket_world.clock.advance(step)
        assert "sla-" not in _due_cell(engineer, number)
    ticket_world.clock.advance(step)  # 13:00 and a few steps' seconds
    cell = _due_cell(engineer, number)
    assert 'class="due sla-warning"' in cell
    assert '<span class="sla-mark">Blisko terminu</span>' in cell
    engineer.cookies.set("clico_lang", "en")
    assert ">Due soon</span>" in _due_cell(engineer, number)
    for _ in range(3):
        ticket_world.clock.advance(step)
        assert "sla-" in _due_cell(engineer, number)
    cell = _due_cell(engineer, number)
    assert 'class="due sla-breach"' in cell and ">Breached</span>" in cell
    engineer.cookies.set("clico_lang", "pl")
    assert ">Przekroczony</span>" in _due_cell(engineer, number)


def test_the_queue_keeps_its_other_sorts_in_the_link(engineer, jan, number) -> None:
    second = post_ticket(jan).headers["location"].rsplit("/", 1)[1]
    assert queued(engineer, "/staff/queue?view=open&sort=number&dir=asc") == [number, second]
    assert queued(engineer, "/staff/queue?view=open&sort=number&dir=desc") == [second, number]
    page = engineer.get("/staff/queue?view=open&sort=modified&dir=desc").text
    assert 'aria-sort="descending"' in page and ">Termin</a></th>" in page
