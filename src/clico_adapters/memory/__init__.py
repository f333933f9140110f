"""In-memory adapters for every port: product code, used by embedders, tests and demos."""

from .clocks import FixedClock, SteppingClock, SystemClock
from .mail_queue import MemoryMailQueue
from .secrets import SeededSecrets, SystemSecrets
from .store import MemoryStore
from .uow import MemoryUnitOfWork, MemoryUnitOfWorkFactory

__all__ = [
    "FixedClock", "MemoryMailQueue", "MemoryStore", "MemoryUnitOfWork",
    "MemoryUnitOfWorkFactory", "SeededSecrets", "SteppingClock", "SystemClock", "SystemSecrets",
]
