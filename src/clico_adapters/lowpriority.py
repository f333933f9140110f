"""Running CPU-heavy work on threads of lower CPU priority (Linux ``nice`` per thread).

Password hashing is slow on purpose. During a wave of sign-ins it would otherwise take the
CPU from every signed-in page; at a higher nice value it gets what those pages leave (see
docs/performance.md, "sign-in flood"). Only the hashing itself moves: the caller's thread,
which holds no lock while it waits, keeps its priority, so no database lock is ever held by
a starved thread.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, TypeVarTuple

T = TypeVar("T")
Ts = TypeVarTuple("Ts")
MAX_NICE = 19


def lower_this_thread(nice: int) -> bool:
    """Give the calling thread (and the threads it starts) ``nice``; False where the
    platform cannot set one thread's priority (then nothing changes)."""
    if sys.platform != "linux" or not hasattr(os, "setpriority"):
        return False
    try:
        # on Linux a thread is a task: PRIO_PROCESS with its id sets that thread alone
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:
        return False
    return True


def bind_this_thread(cpus: frozenset[int]) -> bool:
    """Keep the calling thread (and the threads it starts) on ``cpus``; False where the
    platform cannot (then nothing changes)."""
    if not cpus or not hasattr(os, "sched_setaffinity"):
        return False
    try:
        os.sched_setaffinity(0, cpus)  # 0: the calling thread alone
    except OSError:
        return False
    return True


def _prepare_thread(nice: int, cpus: frozenset[int]) -> None:
    bind_this_thread(cpus)
    lower_this_thread(nice)


class LowPriorityRunner:
    """Runs calls on ``threads`` threads at ``nice`` (and on ``cpus``, when given: a core
    set aside for the work); the caller blocks for the result.

    With ``nice`` 0 and no ``cpus`` calls run on the caller's thread (no pool, no hop).
    """

    def __init__(self, nice: int, threads: int, name: str = "low-priority",
                 cpus: frozenset[int] = frozenset()) -> None:
        if not 0 <= nice <= MAX_NICE:
            raise ValueError(f"nice must be between 0 and {MAX_NICE}")
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.nice, self.threads, self._name = nice, threads, name
        self.cpus = frozenset(cpus)
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix=self._name,
                                                initializer=_prepare_thread,
                                                initargs=(self.nice, self.cpus))
            return self._pool

    def run(self, function: Callable[[*Ts], T], *args: *Ts) -> T:
        if not self.nice and not self.cpus:
            return function(*args)
        return self._executor().submit(function, *args).result()

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
