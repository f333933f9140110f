"""Service levels: business calendars, support levels and the SLA clocks of a ticket."""

from __future__ import annotations

from .calendar import BusinessCalendar, DaysOff, NoDaysOff, Shift
from .clocks import Outcome, SlaClock
from .levels import SupportLevel, Targets, default_levels, office_week, round_the_clock
from .ticket_sla import (
    WARNING_SHARE,
    ClockName,
    DueTimes,
    SlaEvent,
    SlaEventKind,
    TicketSla,
    alerts_due,
    apply_sla,
    engineer_replied,
    retarget,
    status_changed,
)

__all__ = [
    "WARNING_SHARE", "BusinessCalendar", "ClockName", "DaysOff", "DueTimes", "NoDaysOff",
    "Outcome", "Shift", "SlaClock", "SlaEvent", "SlaEventKind", "SupportLevel", "Targets",
    "TicketSla", "alerts_due", "apply_sla", "default_levels", "engineer_replied",
    "office_week", "retarget", "round_the_clock", "status_changed",
]
