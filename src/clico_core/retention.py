"""How long the records nobody needs forever are kept before the worker prunes them.

docs/security.md: audit events a little over a year, rate-limit attempts a month, dead
sessions and used-up tokens a week, delivered mail a month, finished webhook deliveries a month.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from attrs import field, frozen

# Every period must outlive what still reads the rows: the longest rate-limit window
# (the daily sign-in limits and an identifier's slow-down, 24 hours) counts attempts that old.
MINIMUM = timedelta(days=1)


def _at_least_a_day(_instance: Any, attribute: Any, value: timedelta) -> None:
    if value < MINIMUM:
        raise ValueError(f"the retention of {attribute.name} must be at least one day")


def _positive(_instance: Any, _attribute: Any, value: int) -> None:
    if value < 1:
        raise ValueError("the prune batch must hold at least one row")


@frozen
class Retention:
    """The retention period of each kind of record, and the rows deleted per transaction."""

    audit: timedelta = field(default=timedelta(days=400), validator=_at_least_a_day)
    attempts: timedelta = field(default=timedelta(days=30), validator=_at_least_a_day)
    # counted from a session's last activity; the idle timeout ends it after minutes
    sessions: timedelta = field(default=timedelta(days=7), validator=_at_least_a_day)
    # counted from a token's expiry
    tokens: timedelta = field(default=timedelta(days=7), validator=_at_least_a_day)
    # counted from delivery; mail still pending or parked as failed is never pruned
    sent_mail: timedelta = field(default=timedelta(days=30), validator=_at_least_a_day)
    # who had a ticket open: only the last minute is ever shown
    presence: timedelta = field(default=timedelta(days=1), validator=_at_least_a_day)
    # webhook deliveries, counted from delivery (a failed one: from the end of its tries);
    # a pending delivery is never pruned
    webhook_deliveries: timedelta = field(default=timedelta(days=30),
                                          validator=_at_least_a_day)
    batch: int = field(default=1000, validator=_positive)


@frozen
class PruneReport:
    """Rows deleted per kind; ``complete`` is False when a batch budget stopped the run."""

    audit: int = 0
    attempts: int = 0
    sessions: int = 0
    tokens: int = 0
    sent_mail: int = 0
    presence: int = 0
    webhook_deliveries: int = 0
    complete: bool = True

    @property
    def total(self) -> int:
        return (self.audit + self.attempts + self.sessions + self.tokens + self.sent_mail
                + self.presence + self.webhook_deliveries)
