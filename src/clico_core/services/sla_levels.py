"""Support levels as administrators edit them: the built-in ``standard`` and ``premium``
until someone saves their own version, and any new level a contract may name.

Edits apply to tickets from their next change (a reply, a status or priority change), when
their clocks are measured again; nothing is rewritten in bulk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from attrs import field, frozen

from ..audit import AuditEvent, AuditKind
from ..errors import ValidationFailed
from ..roles import require_admin
from ..sla import DEFAULT_SPECS, LevelSpec, Shift, Targets
from ..tickets import Priority
from .context import Ports, Viewer

_NAME = re.compile(r"[a-z0-9_-]{1,32}")
_SHIFT = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
MAX_DAYS_OFF = 366
MAX_TARGET_HOURS = Decimal(24 * 366)


@frozen
class EditLevel:
    """The level form: ``week`` has seven lines (Monday first) such as ``08:00-16:00`` or
    ``08:00-12:00, 13:00-17:00`` (empty: closed); targets are hours per priority value."""

    name: str
    timezone: str = "Europe/Warsaw"
    holiday_country: str = "PL"  # "" for none
    week: tuple[str, ...] = ("",) * 7
    days_off: str = ""  # one YYYY-MM-DD per line
    first_response: Mapping[str, str] = field(factory=dict)
    resolution: Mapping[str, str] = field(factory=dict)


def list_support_levels(viewer: Viewer, ports: Ports) -> list[LevelSpec]:
    """Every level a contract may name: stored ones over the built-in, by name."""
    require_admin(viewer.account)
    with ports.uow(readonly=True) as uow:
        stored = {spec.name: spec for spec in uow.support_levels.list_all()}
    return [spec for _, spec in sorted({**DEFAULT_SPECS, **stored}.items())]


def _shifts(line: str) -> tuple[Shift, ...]:
    if not line.strip():
        return ()
    shifts = []
    for part in line.split(","):
        match = _SHIFT.fullmatch(part)
        if match is None:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        shifts.append(Shift(h1 * 60 + m1, h2 * 60 + m2))  # ValueError: not a time of day
    shifts.sort()
    if any(later.start < earlier.end for earlier, later in pairwise(shifts)):
        raise ValueError(line)
    return tuple(shifts)


def _hours(text: str) -> timedelta:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or not 0 < value <= MAX_TARGET_HOURS:
        raise ValueError(text)
    return timedelta(minutes=int(value * 60))


def _parse(cmd: EditLevel, ports: Ports) -> LevelSpec:
    problems: dict[str, str] = {}
    if not _NAME.fullmatch(cmd.name):
        problems["name"] = "invalid_level_name"
    week: list[tuple[Shift, ...]] = []
    for day, line in enumerate((*cmd.week, *("",) * 7)[:7]):
        try:
            week.append(_shifts(line[:200]))
        except ValueError:
            problems[f"week_{day}"] = "invalid_hours"
            week.append(())
    days_off: set[date] = set()
    for line in cmd.days_off.splitlines()[:MAX_DAYS_OFF + 1]:
        if line.strip():
            try:
                days_off.add(date.fromisoformat(line.strip()))
            except ValueError:
                problems["days_off"] = "invalid_dates"
    if len(days_off) > MAX_DAYS_OFF:
        problems["days_off"] = "invalid_dates"
    targets: dict[Priority, Targets] = {}
    for priority in Priority:
        try:
            first = _hours(cmd.first_response.get(priority.value, ""))
            full = _hours(cmd.resolution.get(priority.value, ""))
            targets[priority] = Targets(first, full)
        except ValueError:
            problems[f"target_{priority.value}"] = "invalid_target"
    country = cmd.holiday_country.strip().upper()
    if country:
        try:
            ports.sla.holidays(country)
        except (LookupError, NotImplementedError, ValueError):
            problems["holiday_country"] = "invalid"
    if problems:
        raise ValidationFailed(problems)
    try:
        return LevelSpec(cmd.name, tuple(week), targets, timezone=cmd.timezone.strip(),
                         holiday_country=country or None, extra_days_off=frozenset(days_off))
    except ValueError as error:  # a time zone nobody knows, overlapping or no shifts at all
        field_name = "timezone" if "zone" in str(error) else "week_0"
        raise ValidationFailed({field_name: "invalid_hours" if field_name == "week_0"
                                else "invalid"}) from None


def save_support_level(viewer: Viewer, cmd: EditLevel, ports: Ports) -> LevelSpec:
    """Store a level (new, or replacing one of the same name): admins only."""
    require_admin(viewer.account)
    spec = _parse(cmd, ports)
    with ports.uow() as uow:
        uow.support_levels.put(spec)
        uow.audit.record(AuditEvent(AuditKind.SUPPORT_LEVEL_SAVED, ports.clock.now(),
                                    viewer.account.id, detail=spec.name))
        uow.commit()
    return spec
