"""SLA values as JSON: a ticket's clocks (``tickets.sla_state``) and a support level
(``support_levels.spec``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from clico_core.sla import LevelSpec, Shift, SlaClock, Targets, TicketSla
from clico_core.tickets import Priority


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _clock(clock: SlaClock) -> dict[str, Any]:
    return {
        "target": int(clock.target.total_seconds()),
        "periods": [[_instant(lo), _instant(hi)] for lo, hi in clock.periods],
        "stopped_at": _instant(clock.stopped_at),
        "warned": clock.warned, "breach_noted": clock.breach_noted,
    }


def _clock_from(data: dict[str, Any]) -> SlaClock:
    periods = []
    for lo, hi in data["periods"]:
        start = _parse(lo)
        assert start is not None
        periods.append((start, _parse(hi)))
    return SlaClock(timedelta(seconds=data["target"]), tuple(periods),
                    _parse(data["stopped_at"]), bool(data["warned"]),
                    bool(data["breach_noted"]))


def sla_to_json(sla: TicketSla | None) -> dict[str, Any] | None:
    if sla is None:
        return None
    return {
        "level": sla.level, "priority": sla.priority.value,
        "started_at": _instant(sla.started_at),
        "first_response": _clock(sla.first_response), "resolution": _clock(sla.resolution),
    }


def sla_from_json(data: dict[str, Any] | None) -> TicketSla | None:
    if data is None:
        return None
    started = _parse(data["started_at"])
    assert started is not None
    return TicketSla(data["level"], Priority(data["priority"]), started,
                     _clock_from(data["first_response"]), _clock_from(data["resolution"]))


def spec_to_json(spec: LevelSpec) -> dict[str, Any]:
    return {
        "name": spec.name, "timezone": spec.timezone,
        "holiday_country": spec.holiday_country,
        "week": [[[shift.start, shift.end] for shift in day] for day in spec.week],
        "extra_days_off": sorted(day.isoformat() for day in spec.extra_days_off),
        "targets": {priority.value: [int(t.first_response.total_seconds()),
                                     int(t.resolution.total_seconds())]
                    for priority, t in spec.targets.items()},
    }


def spec_from_json(data: dict[str, Any]) -> LevelSpec:
    return LevelSpec(
        name=data["name"],
        week=tuple(tuple(Shift(start, end) for start, end in day) for day in data["week"]),
        targets={Priority(key): Targets(timedelta(seconds=first), timedelta(seconds=full))
                 for key, (first, full) in data["targets"].items()},
        timezone=data["timezone"], holiday_country=data["holiday_country"],
        extra_days_off=frozenset(date.fromisoformat(day) for day in data["extra_days_off"]),
    )
