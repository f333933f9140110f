"""In-memory adapters for every port: product code, used by embedders, tests and demos."""

from .clocks import FixedClock, SteppingClock, SystemClock
from .mail_queue import MemoryMailQueue
from .secrets import SeededSecrets, SystemSecrets
from .store import MemoryStore
from .uow import MemoryUnitOfWork, MemoryUnitOfWorkFactory
from .webhooks import MemoryWebhookQueue

__all__ = [
    "FixedClock",
    "MemoryMailQueue",
    "MemoryStore",
    "MemoryUnitOfWork",
    "MemoryUnitOfWorkFactory",
    "MemoryWebhookQueue",
    "SeededSecrets",
    "SteppingClock",
    "SystemClock",
    "SystemSecrets",
]
