"""Jinja filters for the mail templates: durations and dates in Polish and English."""

from __future__ import annotations

from datetime import date

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def _polish(count: int, one: str, few: str, many: str) -> str:
    """Polish accusative plural: 1 godzinę, 2-4 godziny (not 12-14), 5+ godzin."""
    if count == 1:
        return one
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


def duration(minutes: str | int, lang: str) -> str:
    """``"60"`` → "1 godzinę" / "1 hour"; ``"10"`` → "10 minut" / "10 minutes"."""
    total = int(minutes)
    if total >= 60 and total % 60 == 0:
        hours = total // 60
        if lang == "pl":
            return f"{hours} {_polish(hours, 'godzinę', 'godziny', 'godzin')}"
        return f"{hours} hour{'' if hours == 1 else 's'}"
    if lang == "pl":
        return f"{total} {_polish(total, 'minutę', 'minuty', 'minut')}"
    return f"{total} minute{'' if total == 1 else 's'}"


def long_date(iso: str, lang: str) -> str:
    """``"2027-11-25"`` → "25.11.2027" / "25 November 2027" (unparsable text is kept)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    if lang == "pl":
        return day.strftime("%d.%m.%Y")
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
