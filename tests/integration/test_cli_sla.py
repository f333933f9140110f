"""``clico sla report --month YYYY-MM [--csv]`` over a real database."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import evolve
from click.testing import CliRunner, Result

from clico_adapters.sql import SqlDatabase
from clico_core.sla import apply_sla, default_levels, engineer_replied, follow_ticket
from clico_core.testing import builders as b
from clico_core.tickets import Priority, TicketStatus
from clico_web.cli import main


@pytest.fixture
def clico(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"CLICO_DATABASE_URL": database_url, "CLICO_DATA_DIR": str(tmp_path / "var"),
           "CLICO_MAIL_URL": "", "CLICO_BASE_URL": "https://support.example.com"}

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def test_the_report_as_csv_and_as_a_table(clico, database_url: str) -> None:  # type: ignore[no-untyped-def]
    assert clico("db", "upgrade").exit_code == 0
    level = default_levels()["premium"]
    opened = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    db = SqlDatabase.from_url(database_url)
    try:
        company = b.company("Żabka Sp. z o.o.")
        reporter = b.account(company.id)
        with db.uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(reporter)
            for i, minutes in enumerate((30, 90)):  # answered in 30 min (met), 90 (breached)
                ticket = b.ticket(company.id, reporter.id, f"CSS-{i + 1:06d}", at=opened,
                                  priority=Priority.CRITICAL)
                sla, _ = apply_sla(level, ticket.priority, ticket.created_at)
                answered = opened + timedelta(minutes=minutes)
                sla, _ = engineer_replied(sla, level, answered)
                sla, _ = follow_ticket(sla, level, TicketStatus.RESOLVED, ticket.priority,
                                       answered)
                uow.tickets.add(evolve(ticket, sla=sla, status=TicketStatus.RESOLVED))
            uow.commit()
    finally:
        db.dispose()

    result = clico("sla", "report", "--month", "2026-11", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows == [{
        "company": "Żabka Sp. z o.o.", "level": "premium", "tickets": "2", "met": "1",
        "breached": "1", "response_median_h": "1.00", "response_p90_h": "1.50",
        "resolution_median_h": "1.00", "resolution_p90_h": "1.50"}]
    table = clico("sla", "report", "--month", "2026-11")
    assert table.exit_code == 0 and "premium" in table.output
    assert clico("sla", "report", "--month", "2026-10", "--csv").output.count("\n") == 1
    bad = clico("sla", "report", "--month", "November")
    assert bad.exit_code != 0 and "--month must be YYYY-MM" in bad.output
