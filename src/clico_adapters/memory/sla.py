"""The support levels administrators edited, in memory."""

from __future__ import annotations

from clico_core.sla import LevelSpec

from .store import MemoryStore, UndoLog


class MemorySupportLevels:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def get(self, name: str) -> LevelSpec | None:
        return self.store.support_levels.get(name)

    def list_all(self) -> list[LevelSpec]:
        return [self.store.support_levels[name] for name in sorted(self.store.support_levels)]

    def put(self, spec: LevelSpec) -> None:
        self.undo.put(self.store.support_levels, spec.name, spec)
