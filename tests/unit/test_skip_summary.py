"""A run without PostgreSQL or Chromium says once per reason what skipped and how to run it."""

from __future__ import annotations

import pytest

from ..postgres_probe import SKIP_REASON, postgres_answers


@pytest.fixture(autouse=True)
def _bare_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inner runs load no installed plugins: quicker, and only the one under test."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


INNER = '''
import pytest

SKIP_REASON = {reason!r}

@pytest.fixture
def server():
    pytest.skip(SKIP_REASON)

@pytest.mark.parametrize("n", range(3))
def test_needs_postgres(server, n):
    pass

def test_needs_a_browser():
    pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium")

def test_plain():
    pass

@pytest.mark.xfail(strict=True, reason="known")
def test_known_bug():
    assert False
'''


def test_skips_are_counted_per_reason_with_how_to_enable_them(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INNER.format(reason=SKIP_REASON))
    result = pytester.runpytest("-p", "tests.skip_summary", "-rfExX", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=4, xfailed=1)
    out = result.stdout.str()
    assert f"    3 skipped: {SKIP_REASON}" in out
    assert "    1 skipped: browser tests need Debian's Chromium" in out
    assert "to run them: start PostgreSQL at postgresql+psycopg://" in out
    assert "to run them: install Chromium" in out
    assert "SKIPPED [" not in out  # no line per skipped test
    assert "XFAIL" in out  # xfail outcomes are still reported


def test_a_run_without_skips_prints_no_summary(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "tests.skip_summary", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "skipped tests by reason" not in result.stdout.str()


def test_the_suite_reports_failures_and_xfails_but_not_each_skip(
        pytestconfig: pytest.Config) -> None:
    chars = pytestconfig.option.reportchars
    assert not set("saA") & set(chars)  # a and A include s
    assert set("fExX") <= set(chars)


def test_nothing_listening_is_not_a_server() -> None:
    assert not postgres_answers("postgresql+psycopg://postgres@127.0.0.1:1/test", timeout=0.5)
