"""The queue's default order (the nearest SLA due time first, tickets without a running
clock after them) and its SLA marks (past 75 % a warning, past 100 % a breach), computed
from what each row stores."""

from __future__ import annotations

from datetime import timedelta

from clico_core.queue import DueMark, QueueParams, QueueQuery, QueueView, due_mark, read_queue
from clico_core.services import IssueContract, OpenTicket, PostReply
from clico_core.services.contracts import AssetSpec
from clico_core.ticket_query import ListParams
from clico_core.tickets import (
    NO_DUE_SHIFT,
    Priority,
    SortColumn,
    TicketKind,
    TicketQuery,
    TicketRow,
    TicketScope,
    TicketStatus,
    due_order,
)

from ..support import PALO_ALTO_ANSWERS, World

STAFF = TicketScope(frozenset(), everything=True)


def _premium(world: World) -> str:
    issued = world.services.issue_contract(IssueContract(
        "C-9", "Acme", world.today + timedelta(days=365), support_level="premium",
        assets=(AssetSpec("PAN-PA-450", "PALO_ALTO", "SN-9"),)))
    world.register(contract=issued)
    return world.viewer().account.id


def _open(world: World, subject: str, priority: str, technical: bool = True) -> str:
    viewer = world.viewer()
    asset_id = world.services.list_covered_assets(viewer).rows[0].id if technical else None
    return world.services.open_ticket(viewer, OpenTicket(
        subject, "<p>down</p>", priority=priority, asset_id=asset_id,
        answers=PALO_ALTO_ANSWERS if technical else None)).number


def _rows(world: World, view: str = "open", **params: str) -> list[TicketRow]:
    query = read_queue(QueueParams(view=view, list=ListParams(**params)))
    with world.services.ports.uow(readonly=True) as uow:
        return list(uow.tickets.page_for(STAFF, query.for_viewer("nobody", world.clock.now()))
                    .rows)


def _row(world: World, number: str) -> TicketRow:
    return next(r for r in _rows(world) if r.number == number)


def test_the_queue_sorts_by_the_nearest_due_time_unless_its_link_says_otherwise() -> None:
    assert read_queue(QueueParams()) == QueueQuery(
        QueueView.UNASSIGNED, TicketQuery(sort=SortColumn.DUE, descending=False))
    by_modified = read_queue(QueueParams(list=ListParams(sort="modified")))
    assert (by_modified.query.sort, by_modified.query.descending) == (SortColumn.MODIFIED, True)
    latest_due = read_queue(QueueParams(list=ListParams(sort="due", direction="desc")))
    assert latest_due.query.descending


def test_a_ticket_without_a_running_clock_sorts_after_every_due_one_oldest_first(
        world: World) -> None:
    _premium(world)
    low = _open(world, "low", "low")  # premium: due in 8 h
    world.clock.advance(timedelta(minutes=5))
    critical = _open(world, "critical", "critical")  # due in 1 h: first
    world.clock.advance(timedelta(minutes=5))
    waiting = _open(world, "waiting", "normal")
    world.services.post_reply(world.engineer(), PostReply(
        waiting, "<p>logs?</p>", new_status="waiting_for_customer"))  # paused: no due time
    world.clock.advance(timedelta(minutes=5))
    later_waiting = _open(world, "later waiting", "high")
    world.services.post_reply(world.engineer("olek@clico.pl"), PostReply(
        later_waiting, "<p>logs?</p>", new_status="waiting_for_customer"))
    rows = _rows(world)
    assert [r.number for r in rows] == [critical, low, waiting, later_waiting]
    assert rows[2].sla_due is None and rows[3].sla_due is None
    assert due_order(None, rows[2].created_at) == rows[2].created_at + NO_DUE_SHIFT
    assert due_order(None, rows[2].created_at) > rows[1].sla_due  # type: ignore[operator]
    # the other direction and the other sorts stay reachable from the link
    assert [r.number for r in _rows(world, direction="desc", sort="due")] == [
        later_waiting, waiting, low, critical]
    assert [r.number for r in _rows(world, sort="created", direction="asc")] == [
        low, critical, waiting, later_waiting]


def test_the_marks_start_at_exactly_75_and_100_percent_of_the_target(world: World) -> None:
    _premium(world)
    number = _open(world, "HA failover", "critical")  # premium critical: 1 h / 4 h, 24×7
    row = _row(world, number)
    created = row.created_at
    assert row.sla_due == created + timedelta(hours=1)
    assert row.sla_warning_at == created + timedelta(minutes=45)  # 75 % of the hour
    assert due_mark(row, created + timedelta(minutes=45) - timedelta(microseconds=1)) is None
    assert due_mark(row, created + timedelta(minutes=45)) is DueMark.WARNING
    assert due_mark(row, created + timedelta(minutes=59, seconds=59)) is DueMark.WARNING
    assert due_mark(row, created + timedelta(hours=1)) is DueMark.BREACH
    assert due_mark(row, created + timedelta(days=30)) is DueMark.BREACH


def test_an_answered_ticket_is_marked_against_its_resolution_clock(world: World) -> None:
    _premium(world)
    number = _open(world, "HA failover", "critical")
    created = _row(world, number).created_at
    world.clock.advance(timedelta(minutes=10))
    world.services.post_reply(world.engineer(), PostReply(number, "<p>on it</p>"))
    row = _row(world, number)  # first response met: the 4 h resolution clock is the nearest
    assert row.sla_due == created + timedelta(hours=4)
    assert row.sla_warning_at == created + timedelta(hours=3)
    assert due_mark(row, created + timedelta(hours=2)) is None
    assert due_mark(row, created + timedelta(hours=3)) is DueMark.WARNING


def test_paused_clocks_carry_no_mark_however_late(world: World) -> None:
    _premium(world)
    number = _open(world, "HA failover", "critical")
    world.clock.advance(timedelta(minutes=50))  # past 75 % of the first response
    assert due_mark(_row(world, number), world.clock.now()) is DueMark.WARNING
    world.services.post_reply(world.engineer(), PostReply(
        number, "<p>logs?</p>", new_status="waiting_for_customer"))
    paused = _row(world, number)
    assert paused.sla_due is None and paused.sla_warning_at is None
    assert due_mark(paused, world.clock.now() + timedelta(days=365)) is None
    world.clock.advance(timedelta(hours=2))
    world.services.post_reply(world.viewer(), PostReply(number, "<p>here</p>"))
    resumed = _row(world, number)  # resolution resumes with the 50 minutes already used
    now = world.clock.now()
    assert resumed.sla_due == now + timedelta(hours=3, minutes=10)
    assert resumed.sla_warning_at == now + timedelta(hours=2, minutes=10)


def test_a_ticket_with_no_clocks_has_no_mark(world: World) -> None:
    now = world.clock.now()
    row = TicketRow("tk-1", "CSS-000001", "x", now, now, "Acme", TicketStatus.NEW,
                    Priority.NORMAL, TicketKind.ADMINISTRATIVE)
    assert due_mark(row, now + timedelta(days=999)) is None
    assert due_order(row.sla_due, row.created_at) == now + NO_DUE_SHIFT
