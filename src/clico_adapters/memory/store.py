"""The shared in-memory state behind ``MemoryUnitOfWork``, with an undo log for rollback."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from attrs import define, field


@define
class MemoryStore:
    """Every table of the in-memory adapter; one instance is one database."""

    companies: dict[str, Any] = field(factory=dict)
    accounts: dict[str, Any] = field(factory=dict)
    contracts: dict[str, Any] = field(factory=dict)
    activations: dict[tuple[str, str], Any] = field(factory=dict)
    assets: dict[str, Any] = field(factory=dict)
    tickets: dict[str, Any] = field(factory=dict)
    tokens: dict[str, Any] = field(factory=dict)
    sessions: dict[str, Any] = field(factory=dict)
    attempts: dict[str, list[Any]] = field(factory=dict)
    claims: dict[str, Any] = field(factory=dict)  # key -> held until
    audit: list[Any] = field(factory=list)
    outbox: dict[str, Any] = field(factory=dict)
    attachments: dict[str, Any] = field(factory=dict)
    ticket_sequence: list[int] = field(factory=lambda: [0])
    # One writer at a time, like SQLite: a unit of work holds it from enter to exit.
    lock: threading.RLock = field(factory=threading.RLock)


@define
class UndoLog:
    """Closures that put back what a unit of work changed, run in reverse on rollback."""

    steps: list[Callable[[], None]] = field(factory=list)

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        """Set ``table[key]`` to a private copy of ``value``, remembering the old state."""
        if key in table:
            old = table[key]
            self.steps.append(lambda: table.__setitem__(key, old))
        else:
            self.steps.append(lambda: table.pop(key, None))
        table[key] = copy.deepcopy(value)

    def append(self, items: list[Any], value: Any) -> None:
        items.append(value)
        self.steps.append(items.pop)

    def undo(self) -> None:
        while self.steps:
            self.steps.pop()()

    def forget(self) -> None:
        self.steps.clear()


def fresh(value: Any) -> Any:
    """A private copy, so callers never mutate stored state behind the unit of work's back."""
    return copy.deepcopy(value)
