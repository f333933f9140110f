"""Business time: a calendar of weekly shifts, days off and a time zone, and the arithmetic
on it (add business time to an instant, measure business time between two instants).

Every instant is timezone-aware UTC. A shift is a range of wall-clock minutes of a local
date; which instants belong to it is decided per local date through ``zoneinfo``, never with a
fixed offset, so the days when the clocks change count what a wall clock shows: a 24×7 day in
Warsaw lasts 23 hours on the last Sunday of March and 25 on the last Sunday of October.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

MINUTES_PER_DAY = 24 * 60
_SEARCH_LIMIT_DAYS = 3 * 366  # a calendar closed 3 years in a row is a mistake
_WINDOW = timedelta(hours=14)  # no zone is further than 14 h from UTC


class DaysOff(Protocol):
    """The public holidays of a calendar: any container of dates (e.g. ``holidays.Poland()``)."""

    def __contains__(self, day: object, /) -> bool: ...


class NoDaysOff:
    def __contains__(self, day: object, /) -> bool:
        return False


def _minute(value: int) -> int:
    if not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError("a shift boundary is a minute of the day, 0 to 1440")
    return value


@frozen(order=True)
class Shift:
    """Open from ``start`` to ``end`` minutes after local midnight (``end`` may be 1440)."""

    start: int = field(converter=_minute)
    end: int = field(converter=_minute)

    def __attrs_post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError("a shift ends after it starts")

    @classmethod
    def of(cls, start: str, end: str) -> Shift:
        """``Shift.of("08:00", "16:00")``; ``"24:00"`` is the end of the day."""
        return cls(_parse_hhmm(start), _parse_hhmm(end))


def _parse_hhmm(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


Week = tuple[tuple[Shift, ...], ...]


def checked_week(value: Week) -> Week:
    week = tuple(tuple(sorted(day)) for day in value)
    if len(week) != 7:
        raise ValueError("a week has seven days, Monday first")
    for day in week:
        for before, after in pairwise(day):
            if after.start < before.end:
                raise ValueError("the shifts of a day overlap")
    if not any(week):
        raise ValueError("a calendar needs at least one open shift")
    return week


def checked_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as unknown:
        raise ValueError(f"unknown time zone {name!r}") from unknown
    return name


@frozen
class BusinessCalendar:
    """When the support team works: weekly shifts (split shifts allowed) in a time zone, minus
    public holidays and the days an administrator adds."""

    name: str
    week: Week = field(converter=checked_week)
    timezone: str = field(default="Europe/Warsaw", converter=checked_zone)
    holidays: DaysOff = field(factory=NoDaysOff, eq=False, hash=False)
    extra_days_off: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_day_off(self, day: date) -> bool:
        return day in self.extra_days_off or day in self.holidays

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The UTC intervals during which the wall clock shows ``day`` within one of its
        shifts, in order; empty on a day off."""
        shifts = self.week[day.weekday()]
        if not shifts or self.is_day_off(day):
            return []
        found: list[tuple[datetime, datetime]] = []
        midnight = datetime.combine(day, time(), tzinfo=UTC)  # the wall midnight, as if UTC
        for seg_start, seg_end, offset in _segments(self.timezone, day):
            for shift in shifts:
                lo = max(midnight + timedelta(minutes=shift.start) - offset, seg_start)
                hi = min(midnight + timedelta(minutes=shift.end) - offset, seg_end)
                if lo < hi:
                    found.append((lo, hi))
        return _merged(sorted(found))

    def is_open(self, at: datetime) -> bool:
        day = at.astimezone(self.zone).date()
        return any(lo <= at < hi for lo, hi in self.open_intervals(day))

    def next_open(self, at: datetime) -> datetime:
        """``at`` if the calendar is open then, else the start of its next open stretch."""
        for lo, hi in self._intervals_from(at):
            if hi > at:
                return max(lo, at)
        raise ValueError(f"calendar {self.name!r} has no open time ahead of {at}")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of business time has passed since ``start``."""
        if duration < timedelta(0):
            raise ValueError("business time is added, never subtracted")
        if duration == timedelta(0):
            return start
        remaining = duration
        for lo, hi in self._intervals_from(start):
            begin = max(lo, start)
            if hi <= begin:
                continue
            if remaining <= hi - begin:
                return begin + remaining
            remaining -= hi - begin
        raise ValueError(f"calendar {self.name!r} has no open time ahead of {start}")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The business time from ``start`` to ``end`` (zero if ``end`` is not later)."""
        total = timedelta(0)
        if end <= start:
            return total
        for lo, hi in self._intervals_from(start):
            if lo >= end:
                break
            begin, finish = max(lo, start), min(hi, end)
            if begin < finish:
                total += finish - begin
        return total

    def _intervals_from(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals from the local day before ``start`` on, for as long as the calendar
        opens at all: a sparse calendar (minutes a week) may need years for a long target;
        the search gives up only after ``_SEARCH_LIMIT_DAYS`` closed days in a row."""
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        closed = 0
        while closed < _SEARCH_LIMIT_DAYS and day < date.max:
            intervals = self.open_intervals(day)
            closed = 0 if intervals else closed + 1
            yield from intervals
            day += timedelta(days=1)


def _merged(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _offset(zone: ZoneInfo, at: datetime) -> timedelta:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


@lru_cache(maxsize=4096)
def _segments(timezone: str, day: date) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """Stretches of constant UTC offset covering every instant whose wall clock may show
    ``day`` in ``timezone``: (start, end, offset), in order."""
    zone = ZoneInfo(timezone)
    wall_midnight = datetime.combine(day, time(), tzinfo=UTC)
    lo = wall_midnight - _WINDOW
    hi = wall_midnight + timedelta(days=1) + _WINDOW
    segments: list[tuple[datetime, datetime, timedelta]] = []
    seg_start, current = lo, _offset(zone, lo)
    probe = lo
    while probe < hi:
        nxt = min(probe + timedelta(hours=1), hi)
        if _offset(zone, nxt) != current:
            change = _first_change(zone, probe, nxt, current)
            segments.append((seg_start, change, current))
            seg_start, current = change, _offset(zone, change)
        probe = nxt
    segments.append((seg_start, hi, current))
    return tuple(segments)


def _first_change(zone: ZoneInfo, lo: datetime, hi: datetime, offset: timedelta) -> datetime:
    """The first instant in (lo, hi] whose offset differs from ``offset``, to the second."""
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid <= lo:
            mid = lo + timedelta(seconds=1)
        if _offset(zone, mid) == offset:
            lo = mid
        else:
            hi = mid
    return hi
