"""Timing and counting helpers shared by the phases."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 of 200 samples is the 198th)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(samples: list[float]) -> dict[str, float]:
    """p50/p99/mean of durations given in seconds, in milliseconds."""
    return {"p50_ms": round(percentile(samples, 0.50) * 1000, 3),
            "p99_ms": round(percentile(samples, 0.99) * 1000, 3),
            "mean_ms": round(statistics.fmean(samples) * 1000, 3),
            "n": len(samples)}


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent to the database while inside (transaction control included)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_only(seen: list[str]) -> list[str]:
    return [s for s in seen if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]
