"""The ticket list's filter choices are cached briefly, per viewer and active contracts."""

from __future__ import annotations

from clico_core.services import FilterChoices
from clico_web.choices import ChoiceCache


def test_entries_expire_and_the_oldest_go_first() -> None:
    now = [0.0]
    cache = ChoiceCache(ttl=60, max_entries=2, clock=lambda: now[0])
    empty = FilterChoices((), ())
    cache.put("a", empty)
    assert cache.get("a") is empty
    now[0] = 61
    assert cache.get("a") is None
    cache.put("a", empty)
    cache.put("b", empty)
    cache.put("c", empty)  # "a" is the oldest: dropped
    assert cache.get("a") is None and cache.get("b") is empty and cache.get("c") is empty
