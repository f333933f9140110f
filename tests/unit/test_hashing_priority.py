"""Password hashing at a lower CPU priority (CLICO_HASHING_NICE): the hashing threads are
niced, the caller's thread is not, and hashing still verifies the same."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from clico_adapters.compose import hasher_for
from clico_adapters.lowpriority import LowPriorityRunner
from clico_adapters.passwords import MINIMUM, Argon2Hasher
from clico_web.settings import DEFAULT_HASHING_NICE, Settings, SettingsError

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice is Linux's")


def _my_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux_only
def test_work_runs_at_the_lower_priority_and_the_caller_keeps_its_own() -> None:
    before = _my_nice()
    runner = LowPriorityRunner(before + 5 if before <= 14 else 19, threads=2)
    try:
        assert runner.run(_my_nice) == runner.nice
        assert runner.run(threading.get_native_id) != threading.get_native_id()
        assert _my_nice() == before
    finally:
        runner.shutdown()


def test_nice_zero_runs_on_the_callers_thread() -> None:
    runner = LowPriorityRunner(0, threads=1)
    assert runner.run(threading.get_native_id) == threading.get_native_id()


@pytest.mark.parametrize(("nice", "threads"), [(-1, 1), (20, 1), (5, 0)])
def test_impossible_settings_are_refused(nice: int, threads: int) -> None:
    with pytest.raises(ValueError, match="must be"):
        LowPriorityRunner(nice, threads)


@linux_only
def test_the_hasher_hashes_on_niced_threads_and_still_verifies() -> None:
    hasher = Argon2Hasher(MINIMUM, nice=15, threads=1)
    seen: list[int] = []
    inner = hasher._verify

    def spying(stored: str, password: str) -> bool:
        seen.append(_my_nice())
        return inner(stored, password)

    hasher._verify = spying  # type: ignore[method-assign]
    stored = hasher.hash("correct horse battery")
    assert hasher.verify(stored, "correct horse battery")
    assert not hasher.verify(stored, "wrong horse battery")
    hasher.dummy_verify("anything")
    assert seen == [15, 15, 15]
    assert not hasher.needs_rehash(stored)


def test_the_portal_setting_reaches_the_hasher() -> None:
    assert Settings().hashing_nice == DEFAULT_HASHING_NICE
    settings = Settings.from_env({"CLICO_HASHING_NICE": " 7 "})
    assert settings.hashing_nice == 7 and hasher_for(settings).nice == 7
    assert hasher_for(Settings.from_env({"CLICO_HASHING_NICE": "0"})).nice == 0


@pytest.mark.parametrize("value", ["abc", "20", "-1", "1.5", ""])
def test_a_bad_hashing_nice_is_a_clear_settings_error(value: str) -> None:
    with pytest.raises(SettingsError, match="CLICO_HASHING_NICE"):
        Settings.from_env({"CLICO_HASHING_NICE": value})
