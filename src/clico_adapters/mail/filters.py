"""Jinja filters for the mail templates: durations (words from the catalog) and dates."""

from __future__ import annotations

from datetime import date
from gettext import NullTranslations

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def duration(minutes: str | int, translations: NullTranslations) -> str:
    """``"60"`` → "1 godzinę" / "1 hour"; ``"10"`` → "10 minut" / "10 minutes".

    Whole hours read as hours; the plural forms come from the catalog (Polish has three).
    """
    total = int(minutes)
    if total >= 60 and total % 60 == 0:
        hours = total // 60
        return translations.ngettext("%(num)d hour", "%(num)d hours", hours) % {"num": hours}
    return translations.ngettext("%(num)d minute", "%(num)d minutes", total) % {"num": total}


def long_date(iso: str, lang: str) -> str:
    """``"2027-11-25"`` → "25.11.2027" / "25 November 2027" (unparsable text is kept)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    if lang == "pl":
        return day.strftime("%d.%m.%Y")
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
