"""Public holidays for the SLA calendars, from the maintained ``holidays`` dataset."""

from __future__ import annotations

from functools import lru_cache

import holidays

from clico_core.sla import DaysOff


@lru_cache(maxsize=32)
def public_holidays(country: str = "PL") -> DaysOff:
    """The country's public holidays, for any year asked (the set expands lazily).

    For Poland this includes the movable feasts (Easter Monday, Pentecost Sunday, Corpus
    Christi) and, from 2025, Christmas Eve. One set per country per process: the years it
    has worked out stay cached."""
    found: DaysOff = holidays.country_holidays(country)
    return found
