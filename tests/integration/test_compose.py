"""``build(settings)``: the composition root that the portal, every ``clico`` command, the
demo and the benchmarks call, so each of them stores, hashes and mails as configured."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clico_adapters.compose import Schema, build
from clico_adapters.config import Settings, SettingsError
from clico_adapters.memory import FixedClock, MemoryMailQueue, MemoryStore, MemoryUnitOfWorkFactory
from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase, default_database_url
from clico_core.mail import MailTemplate
from clico_web.cli.context import Runtime

from ..support import World

HASHING = {"CLICO_HASHING_NICE": "7", "CLICO_ARGON2_CONCURRENCY": "3",
           "CLICO_HASHING_BUDGET_PERCENT": "40", "CLICO_HASHING_CPUS": "0"}


def _hasher_of(services: object) -> Argon2Hasher:
    hasher = services.ports.hasher  # type: ignore[attr-defined]
    assert isinstance(hasher, Argon2Hasher)
    return hasher


def test_argon2_runs_at_the_configured_priority_and_concurrency(tmp_path: Path) -> None:
    settings = Settings.from_env({"CLICO_DATA_DIR": str(tmp_path), **HASHING})
    with build(settings, schema=Schema.UPGRADE) as backend:
        hasher = _hasher_of(backend.services)
        assert (hasher.nice, hasher.threads, hasher.budget_share, hasher.cpus) == (
            7, 3, 0.4, frozenset({0}))


def test_the_cli_hashes_as_configured_too(tmp_path: Path) -> None:
    runtime = Runtime(Settings.from_env({"CLICO_DATA_DIR": str(tmp_path), **HASHING}))
    try:
        runtime.db.upgrade()
        hasher = _hasher_of(runtime.services())
        assert (hasher.nice, hasher.threads, hasher.budget_share, hasher.cpus) == (
            7, 3, 0.4, frozenset({0}))
    finally:
        runtime.close()


def test_the_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "not" / "yet"
    with build(Settings(data_dir=data_dir), schema=Schema.UPGRADE) as backend:
        assert backend.database is not None
        assert str(backend.database.engine.url) == default_database_url(data_dir)
        assert not backend.database.pending_migrations()


def test_an_outdated_schema_is_refused_unless_asked_to_upgrade(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(SettingsError, match="run `clico db upgrade`"):
        build(settings)
    with build(settings, schema=Schema.AS_IS) as backend:
        with pytest.raises(SettingsError, match="run `clico db upgrade`"):
            backend.require_current_schema()
        assert backend.database is not None and backend.database.current_revision() is None
    build(settings, schema=Schema.UPGRADE).close()
    with build(settings) as backend:
        backend.require_current_schema()


def test_the_worker_delivers_with_the_configured_transport_and_links(
        database_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path,
                        base_url="https://support.example.com")
    with build(settings, hasher=Argon2Hasher.minimum()) as backend:
        world = World(backend.services, FixedClock(datetime.now(UTC)), backend.mail_queue,
                      today=backend.clock.now().date())
        world.register(contract=world.issue(), confirm=False)
        assert backend.mail_worker().run_once() == 1
    [message] = mailbox.Maildir(tmp_path / "mail", create=False)
    body = next(part.get_payload(decode=True).decode() for part in message.walk()
                if part.get_content_type() == "text/plain")
    assert "https://support.example.com/confirm/" in body
    assert message["From"].endswith("<support-system@clico.pl>")


def test_overrides_replace_the_database_and_the_ports(tmp_path: Path) -> None:
    store = MemoryStore()
    clock = FixedClock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    with build(Settings(data_dir=tmp_path), uow=MemoryUnitOfWorkFactory(store),
               mail_queue=MemoryMailQueue(store), clock=clock,
               hasher=Argon2Hasher.minimum()) as backend:
        assert backend.database is None and backend.clock is clock
        assert backend.services.ports.clock is clock
        world = World(backend.services, clock, backend.mail_queue, today=clock.now().date())
        world.register(contract=world.issue(), confirm=False)
        assert world.last_mail(MailTemplate.CONFIRM_EMAIL).mail.to == "jan@example.com"
    assert not (tmp_path / "clico.db").exists()
    with pytest.raises(ValueError, match="together"):
        build(Settings(data_dir=tmp_path), uow=MemoryUnitOfWorkFactory(store))


def test_close_stops_the_workers_and_can_run_twice(tmp_path: Path) -> None:
    backend = build(Settings(data_dir=tmp_path), schema=Schema.UPGRADE)
    worker = backend.mail_worker()
    worker.start()
    backend.close()
    backend.close()
    assert worker._thread is None  # stopped and joined
    database = SqlDatabase.from_url(default_database_url(tmp_path))
    try:
        assert not database.pending_migrations()
    finally:
        database.dispose()


def test_the_conversation_settings_reach_the_core(tmp_path: Path) -> None:
    settings = Settings.from_env({"CLICO_DATA_DIR": str(tmp_path), "CLICO_LANGUAGE": "en",
                                  "CLICO_SUPPORT_INBOX": "help@example.com",
                                  "CLICO_AUTO_CLOSE_DAYS": "10"})
    with build(settings, schema=Schema.UPGRADE) as backend:
        ports = backend.services.ports
        assert (ports.support_inbox, ports.language.value) == ("help@example.com", "en")
        assert ports.status_rules.auto_close_after.days == 10
        assert ports.status_rules.remind_after().days == 8
