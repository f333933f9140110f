"""A pytest plugin: the skipped tests as one line per reason with its count, and how to run them.

pytest's ``-rs`` prints a line per skipped test, which buries a run without PostgreSQL under
hundreds of identical lines; this prints the reasons instead (``-rs`` is left out of addopts).
"""

from __future__ import annotations

from collections import Counter

import pytest

from .postgres_probe import DEFAULT_POSTGRES_URL, POSTGRES_ENV

# A substring of a skip reason → how to enable those tests.
HINTS = {
    POSTGRES_ENV: (f"start PostgreSQL at {DEFAULT_POSTGRES_URL} (used when it answers), or "
                   f"set {POSTGRES_ENV} to a server where the tests may CREATE DATABASE"),
    "chromium": "install Chromium at /usr/bin/chromium (Debian: apt-get install chromium)",
    "playwright": "install the dev extra: pip install -e '.[dev]'",
    "openssl": "install the openssl command",
}


def skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def hint_for(reason: str) -> str | None:
    return next((hint for key, hint in HINTS.items() if key.lower() in reason.lower()), None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r, pytest.TestReport | pytest.CollectReport)
               and not hasattr(r, "wasxfail")]
    if not reports:
        return
    terminalreporter.section("skipped tests by reason", sep="-")
    for reason, count in Counter(skip_reason(r) for r in reports).most_common():
        terminalreporter.write_line(f"{count:5} skipped: {reason}")
        hint = hint_for(reason)
        if hint:
            terminalreporter.write_line(f"{'':5}   to run them: {hint}")
