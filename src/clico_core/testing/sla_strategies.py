"""Hypothesis strategies for business calendars and instants around them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from ..sla import BusinessCalendar, Shift

# zones with an hour of summer time, none, half an hour (Lord Howe) and the southern sequence
ZONES = ("Europe/Warsaw", "UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")
MINUTE = timedelta(minutes=1)


@st.composite
def day_shifts(draw: st.DrawFn) -> tuple[Shift, ...]:
    cuts = sorted(draw(st.sets(st.integers(0, 24 * 60), max_size=4)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple(Shift(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))


@st.composite
def business_calendars(draw: st.DrawFn) -> BusinessCalendar:
    week = tuple(draw(day_shifts()) for _ in range(7))
    if not any(week):
        week = ((Shift(8 * 60, 16 * 60),), *week[1:])
    extra = draw(st.frozensets(st.dates(date(2025, 1, 1), date(2026, 12, 31)), max_size=8))
    return BusinessCalendar(
        "generated", week, timezone=draw(st.sampled_from(ZONES)), extra_days_off=extra
    )


def whole_minutes(low: datetime, high: datetime) -> st.SearchStrategy[datetime]:
    span = int((high - low) / MINUTE)
    return st.integers(0, span).map(lambda n: low + n * MINUTE)


# the DST changes of 2025 and 2026 in Europe, Easter and Christmas lie inside this range
instants = whole_minutes(datetime(2025, 3, 20, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
durations = st.integers(0, 3 * 24 * 60).map(lambda n: n * MINUTE)

# instants within two days of a change of the clocks (Europe, United States, Lord Howe)
_CHANGES = (
    datetime(2025, 3, 30, 1, tzinfo=UTC), datetime(2025, 10, 26, 1, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2025, 3, 9, 7, tzinfo=UTC), datetime(2025, 11, 2, 6, tzinfo=UTC),
    datetime(2025, 4, 5, 15, tzinfo=UTC), datetime(2025, 10, 4, 15, 30, tzinfo=UTC),
)
near_clock_changes = st.sampled_from(_CHANGES).flatmap(
    lambda change: whole_minutes(change - timedelta(days=2), change + timedelta(days=1))
)
