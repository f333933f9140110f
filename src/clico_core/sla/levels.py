"""Support levels: per priority, a first-response and a resolution target in business time
on the level's calendar. Levels are data an administrator edits; ``default_levels`` seeds
them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from attrs import field, frozen

from ..tickets import Priority
from .calendar import BusinessCalendar, DaysOff, NoDaysOff, Shift


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


def _hours(first: float, resolution: float) -> Targets:
    return Targets(timedelta(hours=first), timedelta(hours=resolution))


def office_week(start: str = "08:00", end: str = "16:00") -> tuple[tuple[Shift, ...], ...]:
    """Monday to Friday, one shift."""
    day = (Shift.of(start, end),)
    return (day, day, day, day, day, (), ())


def round_the_clock() -> tuple[tuple[Shift, ...], ...]:
    return tuple((Shift(0, 24 * 60),) for _ in range(7))


def default_levels(holidays: DaysOff | None = None) -> dict[str, SupportLevel]:
    """``standard`` (8×5, Warsaw, Polish holidays) and ``premium`` (24×7, no days off)."""
    office = BusinessCalendar(
        "8x5", office_week(), holidays=holidays if holidays is not None else NoDaysOff()
    )
    always = BusinessCalendar("24x7", round_the_clock())
    return {
        "standard": SupportLevel("standard", office, {
            Priority.CRITICAL: _hours(2, 16),
            Priority.HIGH: _hours(4, 24),
            Priority.NORMAL: _hours(8, 40),
            Priority.LOW: _hours(16, 80),
        }),
        "premium": SupportLevel("premium", always, {
            Priority.CRITICAL: _hours(1, 4),
            Priority.HIGH: _hours(2, 12),
            Priority.NORMAL: _hours(4, 48),
            Priority.LOW: _hours(8, 120),
        }),
    }
