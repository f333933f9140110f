"""Shared test set-up. Under CI (CI=true) a skipped test is a failure, never silence.

Elsewhere skips are summed up by reason at the end of the run (``skip_summary``), and a
PostgreSQL server answering at the documented default URL is used when
``CLICO_TEST_POSTGRES_URL`` is unset (``postgres_probe``).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest
from hypothesis import settings

from .postgres_probe import DEFAULT_POSTGRES_URL, POSTGRES_ENV, postgres_answers
from .skip_summary import pytest_terminal_summary

__all__ = ["pytest_terminal_summary"]

pytest_plugins = ["pytester"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Speed targets live in bench/, never in timed tests: Hypothesis's per-example deadline would
# be one (on a loaded 2-core machine an example may take 250 ms), so it is off everywhere.
settings.register_profile("clico", deadline=None)
settings.load_profile("clico")
POSTGRES_SOURCE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Probe the default PostgreSQL URL once per run; xdist workers inherit the answer."""
    if os.environ.get(POSTGRES_ENV, "").strip():
        config.stash[POSTGRES_SOURCE] = f"{POSTGRES_ENV} (set)"
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        config.stash[POSTGRES_SOURCE] = "none"  # the controller probed before starting us
    elif postgres_answers(DEFAULT_POSTGRES_URL):
        os.environ[POSTGRES_ENV] = DEFAULT_POSTGRES_URL  # seen by fixtures and workers
        config.stash[POSTGRES_SOURCE] = f"{DEFAULT_POSTGRES_URL} (answered)"
    else:
        config.stash[POSTGRES_SOURCE] = "none: its tests skip"


def pytest_report_header(config: pytest.Config) -> str:
    return f"PostgreSQL: {config.stash.get(POSTGRES_SOURCE, 'none')}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which is not allowed: {reason}"
