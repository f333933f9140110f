"""Timing and counting helpers shared by the phases."""

from __future__ import annotations

import math
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


def mann_whitney_u(a: list[float], b: list[float]) -> tuple[float, float]:
    """(U of ``a``, two-sided p) of the Mann–Whitney U test: could ``a`` and ``b`` come
    from one distribution? The normal approximation with tie and continuity corrections
    (sound for samples of a few dozen and up; no scipy needed)."""
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        raise ValueError("both samples need values")
    pooled = sorted([(value, 0) for value in a] + [(value, 1) for value in b])
    rank_sum, ties, i = 0.0, 0.0, 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2 + 1  # the average of the tied positions, counted from 1
        rank_sum += rank * sum(1 for k in range(i, j + 1) if pooled[k][1] == 0)
        size = j - i + 1
        ties += size**3 - size
        i = j + 1
    u = rank_sum - n1 * (n1 + 1) / 2
    n = n1 + n2
    mean = n1 * n2 / 2
    variance = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if variance <= 0:
        return u, 1.0
    z = (abs(u - mean) - 0.5) / math.sqrt(variance)
    return u, min(1.0, 2 * (1 - statistics.NormalDist().cdf(max(z, 0.0))))


def hodges_lehmann(a: list[float], b: list[float]) -> float:
    """The median of every difference ``x - y`` (x from ``a``, y from ``b``): the shift
    between the samples that goes with the Mann–Whitney test."""
    return statistics.median(x - y for x in a for y in b)
