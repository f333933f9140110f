"""Services run a use case again when the database aborted it (deadlock, serialization)."""

from __future__ import annotations

import pytest

from clico_core.errors import ConcurrencyConflict, TransientConflict
from clico_core.services.facade import TRANSIENT_ATTEMPTS, _again


def test_transient_conflicts_are_retried_a_bounded_number_of_times() -> None:
    calls: list[int] = []

    def flaky(value: int) -> int:
        calls.append(value)
        if len(calls) < 3:
            raise TransientConflict("deadlock")
        return value * 2

    assert _again(flaky, 21) == 42 and len(calls) == 3

    def hopeless() -> None:
        calls.append(0)
        raise TransientConflict("deadlock")

    calls.clear()
    with pytest.raises(TransientConflict):
        _again(hopeless)
    assert len(calls) == TRANSIENT_ATTEMPTS


def test_other_conflicts_are_not_retried() -> None:
    calls: list[int] = []

    def conflict() -> None:
        calls.append(1)
        raise ConcurrencyConflict("idempotency key used")

    with pytest.raises(ConcurrencyConflict):
        _again(conflict)
    assert calls == [1]
