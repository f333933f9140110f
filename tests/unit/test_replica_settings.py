"""The replica's settings and the read-your-writes mark (``clico_adapters.consistency``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from clico_adapters.compose import build
from clico_adapters.config import Settings, SettingsError
from clico_adapters.consistency import (
    Marks,
    WriteMark,
    current_marks,
    marks_for_request,
)
from clico_web.cli import main

REPLICA = "postgresql+psycopg://reader@replica.internal:5432/clico"


def test_the_replica_variables_reach_their_fields() -> None:
    settings = Settings.from_env({"CLICO_DATABASE_REPLICA_URL": f" {REPLICA} ",
                                  "CLICO_REPLICA_STICKY_SECONDS": "9",
                                  "CLICO_REPLICA_MAX_LAG_MB": "64"})
    assert (settings.database_replica_url, settings.replica_sticky_seconds,
            settings.replica_max_lag_mb) == (REPLICA, 9, 64)
    defaults = Settings.from_env({})
    assert (defaults.database_replica_url, defaults.replica_sticky_seconds,
            defaults.replica_max_lag_mb) == ("", 5, 16)


@pytest.mark.parametrize(("variable", "value"), [
    ("CLICO_REPLICA_STICKY_SECONDS", "-1"), ("CLICO_REPLICA_STICKY_SECONDS", "soon"),
    ("CLICO_REPLICA_MAX_LAG_MB", "0")])
def test_a_bad_replica_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_a_replica_needs_a_postgresql_primary(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_replica_url=REPLICA, secret_key="k" * 40)
    with pytest.raises(SettingsError, match="CLICO_DATABASE_REPLICA_URL"):
        build(settings)


@pytest.mark.parametrize("value", ["", "x", "zz.12", "1f", "1f.", ".12", "1f.12.3",
                                   "1" * 17 + ".1", "1f.-3"])
def test_a_malformed_mark_is_no_mark(value: str) -> None:
    assert WriteMark.decode(value, now=100.0) is None


def test_a_mark_survives_its_cookie_and_cannot_claim_the_future() -> None:
    mark = WriteMark(0x3000A28, 1_700_000_000.7)
    assert WriteMark.decode(mark.encode(), now=1_800_000_000.0) == WriteMark(
        0x3000A28, 1_700_000_000.0)
    assert WriteMark.decode("ff.9999999999", now=50.0) == WriteMark(255, 50.0)


def test_each_request_has_its_own_marks_and_the_process_has_the_rest() -> None:
    process = current_marks()
    with marks_for_request(None) as first:
        first.wrote(10, 1.0)
        assert current_marks() is first
        with marks_for_request(WriteMark(5, 2.0)) as second:
            assert current_marks() is second and not second.changed
        assert current_marks() is first
    assert current_marks() is process and process.mark != first.mark


def test_a_later_write_never_moves_the_mark_back() -> None:
    marks = Marks()
    marks.wrote(20, 1.0)
    marks.wrote(15, 2.0)  # another connection's older position
    assert marks.mark == WriteMark(20, 2.0) and marks.changed


def test_clico_config_shows_the_replica_with_its_password_masked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLICO_ENV_FILE", raising=False)
    env = {"CLICO_DATA_DIR": str(tmp_path),
           "CLICO_DATABASE_REPLICA_URL": "postgresql+psycopg://reader:hush@replica:5432/clico",
           "CLICO_REPLICA_STICKY_SECONDS": "7"}
    done = CliRunner().invoke(main, ["config"], env=env, terminal_width=200)
    assert done.exit_code == 0, done.output
    assert "reader:****@replica:5432/clico" in done.output and "hush" not in done.output
    assert "CLICO_REPLICA_STICKY_SECONDS" in done.output and " 7 " in done.output
