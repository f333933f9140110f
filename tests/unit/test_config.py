"""``Settings``: every ``CLICO_*`` variable read by one class, bad values named clearly."""

from __future__ import annotations

import pickle
import stat
from pathlib import Path

import pytest
from attrs import evolve

from clico_adapters.config import (
    DEFAULT_ARGON2_CONCURRENCY,
    DEFAULT_HASHING_NICE,
    MIN_SECRET_KEY_LENGTH,
    Mode,
    Settings,
    SettingsError,
)

EVERYTHING = {
    "CLICO_BASE_URL": "https://support.example.com/",
    "CLICO_SECRET_KEY": "s" * 40,
    "CLICO_MODE": "production",
    "CLICO_DATA_DIR": "/srv/clico",
    "CLICO_DATABASE_URL": "postgresql+psycopg://clico@db/clico",
    "CLICO_MAIL_URL": "smtp://mail.example.com:587?starttls=require",
    "CLICO_MAIL_FROM": "help@example.com",
    "CLICO_LANGUAGE": "en",
    "CLICO_MAIL_WORKER": "0",
    "CLICO_ARGON2_CONCURRENCY": "3",
    "CLICO_HASHING_NICE": "7",
    "CLICO_SECRET_KEY_PREVIOUS": " old-key-one , ,old-key-two",
    "CLICO_RETENTION_AUDIT_DAYS": "730",
    "CLICO_RETENTION_ATTEMPTS_DAYS": "14",
    "CLICO_RETENTION_SESSIONS_DAYS": "2",
    "CLICO_RETENTION_TOKENS_DAYS": "3",
    "CLICO_RETENTION_SENT_MAIL_DAYS": "90",
}


def test_every_variable_reaches_its_field() -> None:
    settings = Settings.from_env(EVERYTHING)
    assert settings == Settings(
        base_url="https://support.example.com", secret_key="s" * 40, mode=Mode.PRODUCTION,
        data_dir=Path("/srv/clico"), database_url="postgresql+psycopg://clico@db/clico",
        mail_url="smtp://mail.example.com:587?starttls=require", mail_from="help@example.com",
        language="en", start_mail_worker=False, argon2_concurrency=3, hashing_nice=7,
        previous_secret_keys=("old-key-one", "old-key-two"), retention_audit_days=730,
        retention_attempts_days=14, retention_sessions_days=2, retention_tokens_days=3,
        retention_sent_mail_days=90)
    assert settings.effective_database_url() == "postgresql+psycopg://clico@db/clico"
    assert settings.effective_mail_url() == "smtp://mail.example.com:587?starttls=require"


def test_unset_variables_take_the_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"CLICO_DATA_DIR": str(tmp_path), "OTHER": "ignored"})
    assert settings == Settings(data_dir=tmp_path)
    assert settings.mode is Mode.DEVELOPMENT and settings.start_mail_worker
    assert settings.argon2_concurrency == DEFAULT_ARGON2_CONCURRENCY
    assert settings.hashing_nice == DEFAULT_HASHING_NICE
    assert settings.effective_database_url() == f"sqlite:///{tmp_path.resolve()}/clico.db"
    assert settings.effective_mail_url() == f"maildir://{tmp_path.resolve()}/mail"


def test_the_process_environment_is_read_when_nothing_is_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLICO_ARGON2_CONCURRENCY", "2")
    monkeypatch.setenv("CLICO_HASHING_NICE", "0")
    settings = Settings.from_env()
    assert (settings.argon2_concurrency, settings.hashing_nice) == (2, 0)


@pytest.mark.parametrize(("value", "expected"), [
    ("0", False), ("false", False), ("No", False), ("off", False),
    ("1", True), ("true", True), ("YES", True), ("on", True), ("", True), (" 0 ", False),
])
def test_the_mail_worker_switch(value: str, expected: bool) -> None:
    assert Settings.from_env({"CLICO_MAIL_WORKER": value}).start_mail_worker is expected


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("CLICO_ARGON2_CONCURRENCY", "0", "CLICO_ARGON2_CONCURRENCY must be a whole number from 1"),
    ("CLICO_ARGON2_CONCURRENCY", "65", "CLICO_ARGON2_CONCURRENCY must be a whole number"),
    ("CLICO_ARGON2_CONCURRENCY", "two", "CLICO_ARGON2_CONCURRENCY must be a whole number"),
    ("CLICO_ARGON2_CONCURRENCY", "", "CLICO_ARGON2_CONCURRENCY must be a whole number"),
    ("CLICO_HASHING_NICE", "20", "CLICO_HASHING_NICE must be a whole number from 0 to 19"),
    ("CLICO_MAIL_WORKER", "sometimes", "CLICO_MAIL_WORKER must be 1 or 0"),
    ("CLICO_MODE", "staging", "CLICO_MODE must be demo, development or production"),
    ("CLICO_LANGUAGE", "de", "CLICO_LANGUAGE must be 'pl' or 'en'"),
    ("CLICO_BASE_URL", "support.example.com", "CLICO_BASE_URL must be an absolute http(s)"),
    ("CLICO_BASE_URL", "", "CLICO_BASE_URL must be an absolute http(s)"),
    ("CLICO_MAIL_FROM", "Help <help@example.com>", "CLICO_MAIL_FROM must be a bare e-mail"),
    ("CLICO_RETENTION_AUDIT_DAYS", "0", "CLICO_RETENTION_AUDIT_DAYS must be a whole number"),
    ("CLICO_RETENTION_TOKENS_DAYS", "a week", "CLICO_RETENTION_TOKENS_DAYS must be a whole"),
    ("CLICO_RETENTION_SENT_MAIL_DAYS", "36501", "CLICO_RETENTION_SENT_MAIL_DAYS must be a"),
])
def test_a_bad_value_is_a_settings_error_naming_its_variable(variable: str, value: str,
                                                               message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({variable: value})


def test_values_given_in_code_are_checked_too() -> None:
    with pytest.raises(SettingsError, match="CLICO_ARGON2_CONCURRENCY"):
        Settings(argon2_concurrency=0)
    with pytest.raises(SettingsError, match="CLICO_HASHING_NICE"):
        evolve(Settings(), hashing_nice=-1)
    with pytest.raises(SettingsError, match="production mode needs CLICO_SECRET_KEY"):
        evolve(Settings.from_env(EVERYTHING), secret_key="short")


def test_a_demo_without_a_mail_url_logs_sign_in_codes(tmp_path: Path) -> None:
    demo = Settings(mode=Mode.DEMO, data_dir=tmp_path)
    assert demo.effective_mail_url() == f"maildir://{tmp_path.resolve()}/mail?log_codes=1"
    assert evolve(demo, mail_url="smtp://x").effective_mail_url() == "smtp://x"


def test_settings_survive_pickling_for_the_server_processes() -> None:
    settings = evolve(Settings.from_env(EVERYTHING), start_mail_worker=True)
    assert pickle.loads(pickle.dumps(settings)) == settings


def test_the_stored_secret_key_and_its_folder_are_private(tmp_path: Path) -> None:
    """Without CLICO_SECRET_KEY a key is generated once, readable by this user only."""
    data = tmp_path / "var"
    key = Settings(data_dir=data).effective_secret_key()
    assert len(key) >= MIN_SECRET_KEY_LENGTH
    assert Settings(data_dir=data).effective_secret_key() == key  # kept: restarts share it
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
    assert Settings(data_dir=data, secret_key="k" * 40).effective_secret_key() == b"k" * 40
