"""A short-lived, per-process cache of the ticket list's filter choices.

The list is the page people reload all day; its company and asset choices change only when
a contract is activated or lapses. The key holds the viewer's active contracts, so such a
change is seen at once; otherwise an entry lives a minute.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from clico_core.services import FilterChoices, QueueChoices, Viewer

C = TypeVar("C", FilterChoices, QueueChoices)

TTL_SECONDS = 60.0
MAX_ENTRIES = 5_000


def choices_key(viewer: Viewer) -> Hashable:
    return (viewer.account.id, viewer.scope,
            tuple(sorted(c.id for c in viewer.active_contracts)))


class ChoiceCache(Generic[C]):
    """Choices by key for a minute: the ticket list's (``FilterChoices``, per viewer) or
    the staff queue's (``QueueChoices``: every company and engineer, one entry)."""

    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.max_entries, self.clock = ttl, max_entries, clock
        self._entries: OrderedDict[Hashable, tuple[float, C]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> C | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self.clock() - entry[0] > self.ttl:
                self._entries.pop(key, None)
                return None
            return entry[1]

    def put(self, key: Hashable, choices: C) -> None:
        with self._lock:
            self._entries[key] = (self.clock(), choices)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
