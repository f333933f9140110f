"""Business-time arithmetic against a minute-by-minute oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clico_adapters.sla_holidays import public_holidays
from clico_core.sla import BusinessCalendar, Shift, default_levels, office_week, round_the_clock
from clico_core.testing.sla_strategies import (
    MINUTE,
    business_calendars,
    durations,
    instants,
    near_clock_changes,
)

WARSAW = ZoneInfo("Europe/Warsaw")


def oracle_is_open(calendar: BusinessCalendar, minute: datetime) -> bool:
    wall = minute.astimezone(ZoneInfo(calendar.timezone))
    if calendar.is_day_off(wall.date()):
        return False
    of_day = wall.hour * 60 + wall.minute
    return any(s.start <= of_day < s.end for s in calendar.week[wall.weekday()])


def oracle_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    minutes, probe = 0, start
    while probe < end:
        minutes += oracle_is_open(calendar, probe)
        probe += MINUTE
    return minutes * MINUTE


@settings(max_examples=150, deadline=None)
@given(business_calendars(), instants, st.integers(0, 4 * 24 * 60))
def test_between_counts_the_minutes_a_wall_clock_shows_open(calendar, start, span):
    end = start + span * MINUTE
    assert calendar.between(start, end) == oracle_between(calendar, start, end)


@settings(max_examples=150, deadline=None)
@given(business_calendars(), near_clock_changes, st.integers(0, 3 * 24 * 60))
def test_between_holds_across_a_change_of_the_clocks(calendar, start, span):
    end = start + span * MINUTE
    assert calendar.between(start, end) == oracle_between(calendar, start, end)


@settings(max_examples=150, deadline=None)
@given(business_calendars(), near_clock_changes, durations)
def test_adding_then_measuring_holds_across_a_change_of_the_clocks(calendar, start, duration):
    result = calendar.add(start, duration)
    assert calendar.between(start, result) == oracle_between(calendar, start, result)
    assert calendar.between(start, result) == duration


@settings(max_examples=150, deadline=None)
@given(business_calendars(), instants, durations)
def test_adding_then_measuring_gives_back_the_duration(calendar, start, duration):
    assert calendar.between(start, calendar.add(start, duration)) == duration


@settings(max_examples=150, deadline=None)
@given(business_calendars(), instants, durations.filter(bool))
def test_a_result_never_lands_outside_business_hours(calendar, start, duration):
    result = calendar.add(start, duration)
    assert oracle_is_open(calendar, result - MINUTE)


@settings(max_examples=150, deadline=None)
@given(business_calendars(), instants, instants, durations)
def test_adding_is_monotonic_in_the_start(calendar, first, second, duration):
    early, late = sorted((first, second))
    assert calendar.add(early, duration) <= calendar.add(late, duration)


def _local_day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=WARSAW).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=WARSAW).astimezone(UTC)
    return start, end


@pytest.mark.parametrize(("day", "hours"), [
    (date(2025, 3, 30), 23), (date(2025, 10, 26), 25),
    (date(2026, 3, 29), 23), (date(2026, 10, 25), 25),
    (date(2026, 3, 30), 24),
])
def test_a_round_the_clock_day_lasts_what_the_wall_clock_shows(day, hours):
    calendar = BusinessCalendar("24x7", round_the_clock())
    start, end = _local_day(day)
    assert calendar.between(start, end) == timedelta(hours=hours)
    assert calendar.add(start, timedelta(hours=hours)) == end


POLISH = BusinessCalendar("8x5", office_week(), holidays=public_holidays("PL"))


@pytest.mark.parametrize("day", [
    date(2025, 4, 21),   # Easter Monday
    date(2025, 6, 19),   # Corpus Christi
    date(2025, 12, 24),  # Christmas Eve, a public holiday from 2025
    date(2026, 4, 6),    # Easter Monday
    date(2026, 6, 4),    # Corpus Christi
    date(2026, 12, 24),
])
def test_polish_holidays_are_days_off(day):
    assert day.weekday() < 5
    assert POLISH.open_intervals(day) == []


def test_christmas_eve_2024_was_a_working_day():
    assert POLISH.open_intervals(date(2024, 12, 24)) != []


def test_a_target_before_christmas_waits_for_the_next_working_day():
    tuesday_afternoon = datetime(2025, 12, 23, 14, 0, tzinfo=WARSAW)  # 2 h before close
    due = POLISH.add(tuesday_afternoon.astimezone(UTC), timedelta(hours=4))
    assert due.astimezone(WARSAW) == datetime(2025, 12, 29, 10, 0, tzinfo=WARSAW)


def test_office_hours_keep_to_the_wall_clock_across_the_change_to_summer_time():
    friday = datetime(2025, 3, 28, 15, 0, tzinfo=WARSAW)
    due = POLISH.add(friday.astimezone(UTC), timedelta(hours=2))
    assert due.astimezone(WARSAW) == datetime(2025, 3, 31, 9, 0, tzinfo=WARSAW)


@pytest.mark.parametrize(("saturday", "hours"), [(date(2025, 3, 29), 5), (date(2025, 10, 25), 7)])
def test_a_night_shift_on_the_night_the_clocks_change(saturday, hours):
    night = ((Shift.of("00:00", "06:00"),),) * 7
    calendar = BusinessCalendar("nights", night)
    noon = datetime.combine(saturday, time(12), tzinfo=WARSAW).astimezone(UTC)
    sunday_six = datetime.combine(saturday + timedelta(days=1), time(6), tzinfo=WARSAW)
    assert calendar.add(noon, timedelta(hours=hours)) == sunday_six.astimezone(UTC)


def test_split_shifts_count_only_their_hours():
    day = (Shift.of("08:00", "12:00"), Shift.of("13:00", "17:00"))
    calendar = BusinessCalendar("split", (day,) * 5 + ((), ()))
    start = datetime(2026, 12, 7, 11, 0, tzinfo=WARSAW).astimezone(UTC)  # a Monday
    assert calendar.add(start, timedelta(hours=2)).astimezone(WARSAW).hour == 14


def test_admin_days_off_close_the_calendar():
    day = date(2026, 12, 7)
    calendar = BusinessCalendar("8x5", office_week(), extra_days_off=frozenset({day}))
    assert calendar.open_intervals(day) == []


@pytest.mark.parametrize("bad", [
    lambda: Shift(600, 600), lambda: Shift(-1, 10), lambda: Shift(0, 1441),
    lambda: BusinessCalendar("empty", ((),) * 7),
    lambda: BusinessCalendar("short", ((Shift(0, 60),),) * 6),
    lambda: BusinessCalendar("overlap", ((Shift(0, 60), Shift(30, 90)),) * 7),
    lambda: BusinessCalendar("zone", round_the_clock(), timezone="Mars/Olympus"),
])
def test_a_malformed_calendar_is_refused(bad):
    with pytest.raises(ValueError):
        bad()


def test_default_levels_have_a_target_for_every_priority():
    levels = default_levels()
    assert set(levels) == {"standard", "premium"}
    from clico_core.tickets import Priority
    assert levels["premium"].target(Priority.CRITICAL).first_response == timedelta(hours=1)
    assert levels["premium"].target(Priority.CRITICAL).resolution == timedelta(hours=4)


def test_a_sparse_calendar_reaches_a_target_years_away():
    # found by Hypothesis: 12 minutes on Sundays need 174 weeks for 2,081 minutes; the
    # search used to stop after 3 years of days instead of 3 years of closed days
    sparse = BusinessCalendar("sparse", ((), (), (), (), (), (), (Shift(292, 304),)))
    start = datetime(2025, 3, 28, 1, tzinfo=UTC)
    due = sparse.add(start, timedelta(minutes=2081))
    assert due.year == 2028 and sparse.between(start, due) == timedelta(minutes=2081)
