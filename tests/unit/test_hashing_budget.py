"""A time budget for hashing at the pages' priority (CLICO_HASHING_BUDGET_PERCENT), and
hashing on CPUs set aside for it (CLICO_HASHING_CPUS)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from clico_adapters.compose import hasher_for
from clico_adapters.hashing_budget import TimeBudget
from clico_adapters.lowpriority import LowPriorityRunner
from clico_adapters.passwords import MINIMUM, Argon2Hasher
from clico_web.settings import Settings, SettingsError

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_refills_at_its_share_up_to_its_burst() -> None:
    clock = FakeClock()
    budget = TimeBudget(0.25, burst=1.0, clock=clock)
    assert budget.available()
    budget.charge(1.5)  # one long piece of work may overdraw it
    assert not budget.available() and budget.left() == pytest.approx(-0.5)
    clock.now += 1.0  # a quarter of a second back per second
    assert budget.left() == pytest.approx(-0.25) and not budget.available()
    clock.now += 2.0
    assert budget.available() and budget.left() == pytest.approx(0.25)
    clock.now += 100.0
    assert budget.left() == pytest.approx(1.0)  # never more than the burst


@pytest.mark.parametrize(("share", "burst"), [(0, 1), (1.5, 1), (0.5, 0)])
def test_an_impossible_budget_is_refused(share: float, burst: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        TimeBudget(share, burst)


def _my_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux_only
def test_hashes_within_the_budget_run_at_the_pages_priority_the_rest_niced() -> None:
    clock = FakeClock()
    ticks = iter([0.0, 0.4, 10.0, 10.7])  # each hash is charged its duration on this clock

    def hasher_clock() -> float:
        return next(ticks)

    budget = TimeBudget(0.5, burst=1.0, clock=clock)
    hasher = Argon2Hasher(MINIMUM, nice=15, threads=1, budget=budget, clock=hasher_clock)
    seen: list[int] = []
    inner = hasher._verify

    def spying(stored: str, password: str) -> bool:
        seen.append(_my_nice())
        return inner(stored, password)

    hasher._verify = spying  # type: ignore[method-assign]
    stored = hasher.hash("correct horse battery")  # 0.4 s of the 1 s budget
    assert hasher.verify(stored, "correct horse battery")  # 0.7 s more: overdrawn
    assert not hasher.verify(stored, "wrong horse battery")  # nothing left: niced
    assert seen == [_my_nice(), 15]
    assert hasher.within_budget == 2
    clock.now += 10  # the budget fills again
    assert budget.available()
    hasher.close()


@linux_only
def test_a_runner_on_cpus_set_aside_runs_there() -> None:
    mine = os.sched_getaffinity(0)
    cpu = min(mine)
    runner = LowPriorityRunner(0, threads=1, cpus=frozenset({cpu}))
    try:
        assert runner.run(os.sched_getaffinity, 0) == {cpu}
        assert runner.run(threading.get_native_id) != threading.get_native_id()
        assert os.sched_getaffinity(0) == mine  # the caller stays where it was
    finally:
        runner.shutdown()


def test_the_settings_reach_the_hasher() -> None:
    default = Settings()
    assert default.hashing_budget_percent == 10 and default.hashing_cpus == frozenset()
    assert hasher_for(default)._budget is not None
    assert hasher_for(default)._budget.share == 0.1
    settings = Settings.from_env({"CLICO_HASHING_BUDGET_PERCENT": "30",
                                  "CLICO_HASHING_CPUS": "1, 3"})
    assert settings.hashing_cpus == frozenset({1, 3})
    hasher = hasher_for(settings)
    assert hasher._budget is not None and hasher._budget.share == 0.3
    assert hasher._runner.cpus == hasher._within.cpus == frozenset({1, 3})
    assert hasher_for(Settings.from_env({"CLICO_HASHING_BUDGET_PERCENT": "0"}))._budget is None
    assert hasher_for(Settings.from_env({"CLICO_HASHING_NICE": "0"}))._budget is None


@pytest.mark.parametrize(("name", "value"), [
    ("CLICO_HASHING_BUDGET_PERCENT", "101"), ("CLICO_HASHING_BUDGET_PERCENT", "half"),
    ("CLICO_HASHING_CPUS", "one"), ("CLICO_HASHING_CPUS", "-1")])
def test_bad_hashing_settings_are_clear_settings_errors(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
