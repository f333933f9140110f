"""Service levels: business calendars, support levels and the SLA clocks of a ticket."""

from __future__ import annotations

from .calendar import BusinessCalendar, DaysOff, NoDaysOff, Shift
from .clocks import Outcome, SlaClock
from .levels import (
    DEFAULT_SPECS,
    HolidaySource,
    LevelSpec,
    SlaSettings,
    SupportLevel,
    Targets,
    default_levels,
    no_holidays,
    office_week,
    round_the_clock,
)
from .ticket_sla import (
    WARNING_SHARE,
    ClockName,
    ClockState,
    ClockView,
    DueTimes,
    SlaEvent,
    SlaEventKind,
    TicketSla,
    alerts_due,
    apply_sla,
    describe,
    engineer_replied,
    follow_ticket,
    retarget,
)

__all__ = [
    "DEFAULT_SPECS",
    "WARNING_SHARE",
    "BusinessCalendar",
    "ClockName",
    "ClockState",
    "ClockView",
    "DaysOff",
    "DueTimes",
    "HolidaySource",
    "LevelSpec",
    "NoDaysOff",
    "Outcome",
    "Shift",
    "SlaClock",
    "SlaEvent",
    "SlaEventKind",
    "SlaSettings",
    "SupportLevel",
    "Targets",
    "TicketSla",
    "alerts_due",
    "apply_sla",
    "default_levels",
    "describe",
    "engineer_replied",
    "follow_ticket",
    "no_holidays",
    "office_week",
    "retarget",
    "round_the_clock",
]
