"""``LoopThread``: a worker's ``run_forever`` loop in a daemon thread of its own, started by
the web server's lifespan, woken early after a commit and stopped at shutdown (the mail and
the webhook workers)."""

from __future__ import annotations

import abc
import threading


class LoopThread(abc.ABC):
    """Start, wake and stop ``run_forever``; subclasses wait on ``self._wake`` between
    rounds (at most their poll interval) and return once ``stop_event`` is set."""

    thread_name = "clico-worker"

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def run_forever(self, stop_event: threading.Event) -> None: ...

    def wake(self) -> None:
        """Start the next round now instead of after the poll interval (e.g. after a commit)."""
        self._wake.set()

    def start(self) -> None:
        """Run the loop in a daemon thread."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError(f"{self.thread_name} is already running")
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, args=(self._stop,),
                                        name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to finish its current round's item and wait for the thread to end."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
