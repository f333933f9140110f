"""Support levels: per priority, a first-response and a resolution target in business time
on the level's calendar. Levels are data an administrator edits (``LevelSpec``, stored);
``DEFAULT_SPECS`` holds the two a new portal starts with."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from attrs import field, frozen

from ..tickets import Priority
from .calendar import (
    BusinessCalendar,
    DaysOff,
    NoDaysOff,
    Shift,
    Week,
    checked_week,
    checked_zone,
)


@frozen
class Targets:
    first_response: timedelta
    resolution: timedelta

    def __attrs_post_init__(self) -> None:
        if not timedelta(0) < self.first_response <= self.resolution:
            raise ValueError("a first response is due before the resolution, and after now")


def _every_priority(value: Mapping[Priority, Targets]) -> Mapping[Priority, Targets]:
    missing = set(Priority) - set(value)
    if missing:
        raise ValueError(f"targets missing for {sorted(missing)}")
    return dict(value)


@frozen
class SupportLevel:
    """A contract's promise: its calendar and the targets of each priority."""

    name: str
    calendar: BusinessCalendar
    targets: Mapping[Priority, Targets] = field(converter=_every_priority, hash=False)

    def target(self, priority: Priority) -> Targets:
        return self.targets[priority]


HolidaySource = Callable[[str], DaysOff]
"""The public holidays of a country code (``"PL"``): a port, filled by the adapters."""


def no_holidays(country: str) -> DaysOff:
    return NoDaysOff()


@frozen
class LevelSpec:
    """A support level as stored and edited: plain data, turned into a ``SupportLevel``
    with the holidays of its country."""

    name: str
    week: Week = field(converter=checked_week)
    targets: Mapping[Priority, Targets] = field(converter=_every_priority, hash=False)
    timezone: str = field(default="Europe/Warsaw", converter=checked_zone)
    holiday_country: str | None = "PL"
    extra_days_off: frozenset[date] = frozenset()

    def level(self, holidays: HolidaySource = no_holidays) -> SupportLevel:
        days_off = holidays(self.holiday_country) if self.holiday_country else NoDaysOff()
        calendar = BusinessCalendar(self.name, self.week, timezone=self.timezone,
                                    holidays=days_off, extra_days_off=self.extra_days_off)
        return SupportLevel(self.name, calendar, self.targets)


def _hours(first: float, resolution: float) -> Targets:
    return Targets(timedelta(hours=first), timedelta(hours=resolution))


def office_week(start: str = "08:00", end: str = "16:00") -> tuple[tuple[Shift, ...], ...]:
    """Monday to Friday, one shift."""
    day = (Shift.of(start, end),)
    return (day, day, day, day, day, (), ())


def round_the_clock() -> tuple[tuple[Shift, ...], ...]:
    return tuple((Shift(0, 24 * 60),) for _ in range(7))


DEFAULT_SPECS: dict[str, LevelSpec] = {
    "standard": LevelSpec("standard", office_week(), {
        Priority.CRITICAL: _hours(2, 16),
        Priority.HIGH: _hours(4, 24),
        Priority.NORMAL: _hours(8, 40),
        Priority.LOW: _hours(16, 80),
    }),
    "premium": LevelSpec("premium", round_the_clock(), {
        Priority.CRITICAL: _hours(1, 4),
        Priority.HIGH: _hours(2, 12),
        Priority.NORMAL: _hours(4, 48),
        Priority.LOW: _hours(8, 120),
    }, holiday_country=None),
}


def default_levels(holidays: HolidaySource = no_holidays) -> dict[str, SupportLevel]:
    """``standard`` (8×5 in Warsaw, Polish holidays) and ``premium`` (24×7, no days off)."""
    return {name: spec.level(holidays) for name, spec in DEFAULT_SPECS.items()}


@frozen
class SlaSettings:
    """Which level a ticket takes when its contract names none (administrative tickets),
    and where public holidays come from."""

    default_level: str = "standard"
    holidays: HolidaySource = no_holidays
