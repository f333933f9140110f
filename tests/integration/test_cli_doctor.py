"""``clico doctor`` through click's runner: a healthy installation, then each check's
failure, each against the real thing (a refused port, an empty database, an open data
directory, a production configuration without mail)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clico_adapters.doctor import check_clock
from clico_adapters.memory import FixedClock
from clico_web.cli import main

from .smtp import SmtpServer, free_port
from .sql_support import sqlite_url

SECRET = "doctor-secret-key-0123456789abcdefghij"


@pytest.fixture
def data_dir(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A private data directory holding a migrated SQLite database."""
    directory = tmp_path / "var"
    directory.mkdir(mode=0o700)
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"),
                    directory / "clico.db")
    os.chmod(directory / "clico.db", 0o600)
    return directory


def doctor(data_dir: Path, **variables: str) -> Result:
    env = {"CLICO_DATA_DIR": str(data_dir), "CLICO_SECRET_KEY": SECRET,
           "CLICO_DATABASE_URL": sqlite_url(data_dir / "clico.db"),
           "CLICO_MAIL_URL": "memory://", "CLICO_MODE": "development",
           "CLICO_BASE_URL": "http://127.0.0.1:8000", **variables}
    return CliRunner().invoke(main, ["doctor"], env=env, catch_exceptions=False)


def _problem(result: Result, check: str, fix: str) -> None:
    assert result.exit_code == 1, result.output
    problems = [line for line in result.output.splitlines() if line.startswith("problem")]
    assert len(problems) == 1 and f"problem {check}:" in problems[0], result.output
    assert fix in result.output


def test_a_healthy_installation_passes_every_check_and_sends_nothing(
        data_dir: Path, smtp_server: SmtpServer) -> None:
    result = doctor(data_dir, CLICO_MAIL_URL=f"{smtp_server.url}?starttls=off")
    assert result.exit_code == 0, result.output
    for check in ("configuration", "data directory", "database", "migrations", "clock",
                  "mail transport"):
        assert f"ok      {check}:" in result.output
    assert smtp_server.received == []


def test_an_unreachable_mail_server_is_a_problem(data_dir: Path) -> None:
    _problem(doctor(data_dir, CLICO_MAIL_URL=f"smtp://127.0.0.1:{free_port()}?starttls=off"),
             "mail transport", "fix: check CLICO_MAIL_URL")


def test_an_unknown_mail_url_is_a_problem(data_dir: Path) -> None:
    _problem(doctor(data_dir, CLICO_MAIL_URL="smtq://mail.example.com"),
             "mail transport", "unknown mail URL scheme")


def test_an_unreachable_database_is_a_problem(data_dir: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/clico"
    _problem(doctor(data_dir, CLICO_DATABASE_URL=url), "database",
             "fix: check CLICO_DATABASE_URL")


def test_pending_migrations_are_a_problem(data_dir: Path) -> None:
    (data_dir / "clico.db").unlink()  # an empty database: nothing migrated
    _problem(doctor(data_dir), "migrations", "fix: run `clico db upgrade`")


def test_a_data_directory_others_can_read_is_a_problem(data_dir: Path) -> None:
    os.chmod(data_dir, 0o755)
    _problem(doctor(data_dir), "data directory", f"chmod go-rwx {data_dir}")


def test_a_missing_data_directory_is_a_problem(tmp_path: Path, data_dir: Path) -> None:
    missing = tmp_path / "nowhere"
    result = doctor(missing, CLICO_DATABASE_URL=sqlite_url(data_dir / "clico.db"))
    _problem(result, "data directory", f"mkdir -m 700 {missing}")


def test_production_without_a_mail_server_is_a_configuration_problem(data_dir: Path) -> None:
    _problem(doctor(data_dir, CLICO_MODE="production", CLICO_MAIL_URL="",
                    CLICO_BASE_URL="https://support.example.com"),
             "configuration", "set CLICO_MAIL_URL")


def test_a_configuration_that_cannot_load_fails_with_its_reason(data_dir: Path) -> None:
    result = doctor(data_dir, CLICO_MODE="staging")
    assert result.exit_code == 1
    assert "CLICO_MODE must be demo, development or production" in result.output


def test_clock_skew_against_the_database_is_a_problem() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert check_clock(lambda: now + timedelta(seconds=2), FixedClock(now)).ok
    skewed = check_clock(lambda: now - timedelta(seconds=30), FixedClock(now))
    assert not skewed.ok and "-30.0 s" in skewed.problem and "NTP" in skewed.fix
