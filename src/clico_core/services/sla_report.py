"""``Raport SLA``: per company and support level, a month's tickets, how many met their
targets and how many breached one, and the median and 90th-percentile business time to the
first response and to the resolution.

A ticket counts in the month it was opened (in the portal's time zone). It is ``met`` when
every clock that has stopped met its target and none still running is past its target;
``breached`` when any clock breached or runs past its target; a ticket still within its
targets is neither yet. Times are business time on the ticket's level (pauses excluded), of
stopped clocks only.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import define, field, frozen

from ..errors import ValidationFailed
from ..repositories import SlaRecord
from ..roles import require_staff
from ..sla import Outcome, SlaClock, SupportLevel
from .context import Ports, Viewer, _zone
from .sla_tracking import support_level

BATCH = 500
_MONTH = re.compile(r"(\d{4})-(\d{2})")


@frozen
class SlaReportRow:
    company: str
    level: str
    tickets: int
    met: int
    breached: int
    response_median: timedelta | None
    response_p90: timedelta | None
    resolution_median: timedelta | None
    resolution_p90: timedelta | None


@frozen
class SlaReport:
    month: str  # "2026-11"
    rows: tuple[SlaReportRow, ...]  # by company, then level


@define
class _Group:
    tickets: int = 0
    met: int = 0
    breached: int = 0
    responses: list[timedelta] = field(factory=list)
    resolutions: list[timedelta] = field(factory=list)


def _bounds(month: str, ports: Ports) -> tuple[datetime, datetime]:
    match = _MONTH.fullmatch(month.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationFailed({"month": "invalid"})
    year, number = int(match.group(1)), int(match.group(2))
    zone = _zone(ports.timezone)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)
    return start, end


def p90(values: Sequence[timedelta]) -> timedelta | None:
    """The nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    return timedelta(seconds=statistics.median(v.total_seconds() for v in values))


def _judge(clock: SlaClock, level: SupportLevel, now: datetime) -> Outcome | None:
    if clock.stopped:
        return clock.outcome(level.calendar)
    return Outcome.BREACHED if clock.used(level.calendar, now) > clock.target else None


def _count(group: _Group, record: SlaRecord, level: SupportLevel, now: datetime) -> None:
    sla = record.sla
    group.tickets += 1
    outcomes = [_judge(clock, level, now) for _, clock in sla.clocks()]
    if Outcome.BREACHED in outcomes:
        group.breached += 1
    elif all(outcome is Outcome.MET for outcome in outcomes):
        group.met += 1
    for clock, times in ((sla.first_response, group.responses),
                         (sla.resolution, group.resolutions)):
        if clock.stopped_at is not None:
            times.append(clock.used(level.calendar, clock.stopped_at))


def sla_report(month: str, ports: Ports) -> SlaReport:
    """The report of ``month`` (``YYYY-MM``); ``ValidationFailed`` for anything else."""
    start, end = _bounds(month, ports)
    now = ports.clock.now()
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    levels: dict[str, SupportLevel] = {}
    after: SlaRecord | None = None
    with ports.uow(readonly=True) as uow:
        while True:
            batch = uow.tickets.sla_records(start, end, after, BATCH)
            for record in batch:
                name = record.sla.level
                if name not in levels:
                    levels[name] = support_level(uow, ports, name)
                _count(groups[(record.company_id, name)], record, levels[name], now)
            if len(batch) < BATCH:
                break
            after = batch[-1]
        names = {c.id: c.name for c in uow.companies.list_by_ids(
            sorted({company_id for company_id, _ in groups}))} if groups else {}
    rows = [SlaReportRow(names.get(company_id, company_id), level, g.tickets, g.met,
                         g.breached, _median(g.responses), p90(g.responses),
                         _median(g.resolutions), p90(g.resolutions))
            for (company_id, level), g in groups.items()]
    rows.sort(key=lambda row: (row.company.casefold(), row.level))
    return SlaReport(f"{start:%Y-%m}", tuple(rows))


def staff_sla_report(viewer: Viewer, month: str, ports: Ports) -> SlaReport:
    """The report for the ``Raport SLA`` page: staff only (a customer gets ``NotFound``);
    an empty ``month`` is the current one."""
    require_staff(viewer.account)
    return sla_report(month or f"{ports.today():%Y-%m}", ports)
