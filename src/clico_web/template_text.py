"""The text a template asks for on every row: translated messages, dates and ages, each
worked out once and remembered (per language), with the very output of the library call.

A list page asks for ~80 messages, 25 dates and 25 ages; through Jinja's installed
``gettext`` and Babel's formatters (which parse the locale on every call) those were about
half of the page's CPU time (docs/performance.md, "the page ceiling").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from babel import Locale
from babel.dates import TIMEDELTA_UNITS, format_date, format_timedelta
from markupsafe import Markup

# Babel's defaults for format_timedelta, which the ``age`` filter uses
_THRESHOLD = 0.85
_GRANULARITY = "second"
# enough for every message and every day of a few years; a bound against unexpected keys
_MAX_REMEMBERED = 8192


class Messages:
    """``_()`` for templates: what Jinja's newstyle ``gettext`` gives (the translation marked
    safe, then ``%``-formatted with escaped values), the marked-up translation remembered.

    A message without a ``%`` is its own formatted result (``Markup % mapping`` would give it
    back unchanged), so it is returned as is.
    """

    def __init__(self, gettext: Callable[[str], str]) -> None:
        self._gettext = gettext
        self._known: dict[str, tuple[Markup, bool]] = {}

    def __call__(self, message: str, /, **values: Any) -> Markup:
        try:
            text, literal = self._known[message]
        except KeyError:
            # as Jinja does: our own catalogs are trusted markup; values are escaped by %
            text = Markup(self._gettext(message))  # noqa: S704
            literal = "%" not in text
            if len(self._known) < _MAX_REMEMBERED:
                self._known[message] = (text, literal)
        return text if literal else text % values


class Dates:
    """The ``date`` filter: Babel's medium date of a date (or of a datetime's date)."""

    def __init__(self, language: str) -> None:
        self._locale = Locale.parse(language)
        self._known: dict[date, str] = {}

    def __call__(self, value: date) -> str:
        day = value.date() if isinstance(value, datetime) else value
        try:
            return self._known[day]
        except KeyError:
            text = format_date(day, "medium", locale=self._locale)
            if len(self._known) < _MAX_REMEMBERED:
                self._known[day] = text
            return text


def age_key(delta: timedelta) -> tuple[str, int]:
    """The unit and count Babel's ``format_timedelta`` picks for ``delta`` (with its default
    threshold and granularity): its text depends on these two alone."""
    seconds = abs(delta.total_seconds())
    for unit, seconds_per_unit in TIMEDELTA_UNITS:
        value = seconds / seconds_per_unit
        if value >= _THRESHOLD or unit == _GRANULARITY:
            if unit == _GRANULARITY and value > 0:
                value = max(1, value)
            return unit, round(value)
    raise AssertionError("the granularity is the last unit")  # pragma: no cover


class Ages:
    """The ``age`` filter: Babel's ``format_timedelta``, remembered per unit and count."""

    def __init__(self, language: str) -> None:
        self._locale = Locale.parse(language)
        self._known: dict[tuple[str, int], str] = {}

    def __call__(self, delta: timedelta) -> str:
        key = age_key(delta)
        try:
            return self._known[key]
        except KeyError:
            text = format_timedelta(delta, locale=self._locale)
            if len(self._known) < _MAX_REMEMBERED:
                self._known[key] = text
            return text
