"""``clico db upgrade|current`` and ``clico config``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
from rich.table import Table

from clico_adapters.compose import BackupRefused, backup_database, restore_database

from .context import Runtime, console, fail_cleanly, pass_runtime


@click.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command()
@pass_runtime
@fail_cleanly
def upgrade(runtime: Runtime) -> None:
    """Apply every pending migration."""
    runtime.db.upgrade()
    console.print(f"database at revision {runtime.db.current_revision()}")


@db.command()
@pass_runtime
@fail_cleanly
def current(runtime: Runtime) -> None:
    """Show the schema revision and whether migrations are pending."""
    revision = runtime.db.current_revision() or "none (empty database)"
    state = "migrations pending" if runtime.db.pending_migrations() else "up to date"
    console.print(f"{revision} ({state})")


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_runtime
def backup(runtime: Runtime, path: Path) -> None:
    """Copy the SQLite database to a new file PATH while the portal keeps serving
    (PostgreSQL: prints the pg_dump invocation and refuses)."""
    try:
        size = backup_database(runtime.settings, path)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    console.print(f"backed up to {path} ({size} bytes); also keep the secret key and "
                  f"{runtime.settings.data_dir / 'blobs'} (docs/operations.md)")


@db.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that has tables (stop every portal process first).")
@pass_runtime
def restore(runtime: Runtime, path: Path, replace: bool) -> None:
    """Copy the backup PATH into the configured SQLite database (an empty data directory,
    or --replace)."""
    try:
        restore_database(runtime.settings, path, replace=replace)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    console.print(f"restored {path} into {mask_url(runtime.database_url)}; run "
                  f"`clico db upgrade` if this version is newer than the backup")


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``****`` (even one holding ``@`` or ``:``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:****@{host}"))


@click.command()
@pass_runtime
def config(runtime: Runtime) -> None:
    """Print the effective configuration, secrets masked."""
    s = runtime.settings
    table = Table("setting", "value")
    rows = {
        "CLICO_MODE": s.mode.value,
        "CLICO_BASE_URL": s.base_url,
        "CLICO_DATA_DIR": str(s.data_dir),
        "CLICO_DATABASE_URL": mask_url(runtime.database_url),
        "CLICO_DATABASE_REPLICA_URL": mask_url(s.database_replica_url)
                                      if s.database_replica_url else "(not set)",
        "CLICO_REPLICA_STICKY_SECONDS": str(s.replica_sticky_seconds),
        "CLICO_REPLICA_MAX_LAG_MB": str(s.replica_max_lag_mb),
        "CLICO_MAIL_URL": mask_url(s.effective_mail_url()),
        "CLICO_MAIL_FROM": s.mail_from,
        "CLICO_LANGUAGE": s.language,
        "CLICO_MAIL_WORKER": "1" if s.start_mail_worker else "0",
        "CLICO_HASHING_NICE": str(s.hashing_nice),
        "CLICO_ARGON2_CONCURRENCY": str(s.argon2_concurrency),
        "CLICO_HASHING_BUDGET_PERCENT": str(s.hashing_budget_percent),
        "CLICO_HASHING_CPUS": ",".join(map(str, sorted(s.hashing_cpus))) or "(the server's)",
        "CLICO_SECRET_KEY": "****" if s.secret_key
                            else f"(not set: kept in {s.data_dir / 'secret_key'})",
        "CLICO_SECRET_KEY_PREVIOUS": f"{len(s.previous_secret_keys)} key(s)",
        "CLICO_RETENTION_AUDIT_DAYS": str(s.retention_audit_days),
        "CLICO_RETENTION_ATTEMPTS_DAYS": str(s.retention_attempts_days),
        "CLICO_RETENTION_SESSIONS_DAYS": str(s.retention_sessions_days),
        "CLICO_RETENTION_TOKENS_DAYS": str(s.retention_tokens_days),
        "CLICO_RETENTION_SENT_MAIL_DAYS": str(s.retention_sent_mail_days),
        "CLICO_RETENTION_WEBHOOK_DAYS": str(s.retention_webhook_days),
        "CLICO_SUPPORT_INBOX": s.support_inbox or "(not set)",
        "CLICO_AUTO_CLOSE_DAYS": str(s.auto_close_days),
        "CLICO_METRICS_TOKEN": "****" if s.metrics_token else "(not set: no /metrics)",
    }
    for key, value in rows.items():
        table.add_row(key, value)
    console.print(table)
