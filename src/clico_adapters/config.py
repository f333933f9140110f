"""The configuration: one ``Settings``, read from the ``CLICO_*`` environment variables.

environ-config maps each field to its variable (``CLICO_`` + the field's name unless it says
otherwise) and attrs converters turn the text into values, failing with a ``SettingsError``
that names the variable. The same class is built directly in code (tests, the benchmarks);
``attrs.evolve`` derives a variant (``clico serve --no-mail-worker``). Nothing here writes
the environment: whoever needs a different configuration passes a different ``Settings``.
"""

from __future__ import annotations

import enum
import os
import secrets
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs
import environ

from clico_core.retention import Retention
from clico_core.values import normalise_email

from .files import private_directory
from .lowpriority import MAX_NICE
from .mail.settings import DEFAULT_SENDER, check_base_url, check_sender, default_mail_url
from .sql.database import default_database_url

PREFIX = "CLICO"
MIN_SECRET_KEY_LENGTH = 32
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# The CPU priority of password hashing (docs/performance.md, "sign-in flood"): signed-in
# pages keep about 0.8 of their speed through a flood of sign-ins, which get the rest.
DEFAULT_HASHING_NICE = 15
# One hash at a time per process: argon2's four lanes already use up to four cores, and on
# one core two hashes at once verify fewer per second (docs/performance.md). Each running
# hash holds 64 MiB, which bounds the useful maximum.
DEFAULT_ARGON2_CONCURRENCY = 1
# The share of the time hashing may run at the pages' priority before it drops to
# CLICO_HASHING_NICE (hashing_budget.TimeBudget). Charged in wall-clock time while the
# pages take their share of the core too, so a hash within the budget gets less CPU than
# the share says, and hashes beyond it still get what the pages leave: on one core during
# a flood, 10 % measured sign-ins at 0.29-0.49 of argon2's rate with the pages keeping
# 0.64-0.73 of their throughput (30 %: 0.40-0.50 and 0.52-0.53; 50 %: 0.48-0.57 and 0.42),
# docs/performance.md.
DEFAULT_HASHING_BUDGET_PERCENT = 10
MAX_ARGON2_CONCURRENCY = 64
# the quiet period of a resolved ticket (its reporter is reminded two days before it ends)
DEFAULT_AUTO_CLOSE_DAYS = 7
# Retention periods in days (CLICO_RETENTION_*_DAYS); the defaults are Retention's.
MAX_RETENTION_DAYS = 36_500
_RETENTION = Retention()


class SettingsError(ValueError):
    """The configuration cannot run (e.g. production without a strong secret key)."""


class Mode(enum.StrEnum):
    DEMO = "demo"
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _variable(field: str) -> str:
    return f"{PREFIX}_{field.upper()}"


def _mode(value: str | Mode) -> Mode:
    try:
        return Mode(value.strip() if isinstance(value, str) else value)
    except ValueError:
        raise SettingsError("CLICO_MODE must be demo, development or production") from None


def _stripped(value: str) -> str:
    return value.strip()


def _base_url(value: str) -> str:
    try:
        return check_base_url(value)
    except ValueError:
        raise SettingsError("CLICO_BASE_URL must be an absolute http(s) URL such as "
                            "https://support.example.com") from None


def _sender(value: str) -> str:
    try:
        return check_sender(value.strip() or DEFAULT_SENDER)
    except ValueError:
        raise SettingsError(f"CLICO_MAIL_FROM must be a bare e-mail address such as "
                            f"{DEFAULT_SENDER}") from None


def _inbox(value: str) -> str:
    text = value.strip()
    if not text:
        return ""
    address = normalise_email(text)
    if address is None:
        raise SettingsError("CLICO_SUPPORT_INBOX must be an e-mail address such as "
                            "support@example.com (or empty: no mail for replies nobody "
                            "is assigned to)")
    return address


def _whole(name: str, low: int, high: int) -> Callable[[int | str], int]:
    """A converter to a whole number from ``low`` to ``high`` that names its variable."""
    message = f"{name} must be a whole number from {low} to {high}"

    def convert(value: int | str) -> int:
        try:
            number = value if isinstance(value, int) else int(value.strip())
        except ValueError:
            raise SettingsError(message) from None
        if not low <= number <= high:
            raise SettingsError(message)
        return number

    return convert


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _switch(name: str) -> Callable[[bool | str], bool]:
    """A converter for on/off variables; unset or empty means on, anything unknown fails."""

    def convert(value: bool | str) -> bool:
        if isinstance(value, bool):
            return value
        text = value.strip().lower()
        if text in _NO:
            return False
        if text in _YES or not text:
            return True
        raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off)")

    return convert


MIN_METRICS_TOKEN_LENGTH = 24


def _metrics_token(value: str) -> str:
    token = value.strip()
    if token and (len(token) < MIN_METRICS_TOKEN_LENGTH or not token.isascii()
                  or not token.isprintable() or " " in token):
        raise SettingsError(f"CLICO_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_LENGTH} "
                            f"printable ASCII characters without spaces (or empty: no "
                            f"/metrics)")
    return token


def _cpus(value: frozenset[int] | str) -> frozenset[int]:
    """CLICO_HASHING_CPUS: comma-separated CPU numbers, or the set given in code."""
    if not isinstance(value, str):
        return frozenset(value)
    try:
        cpus = frozenset(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise SettingsError("CLICO_HASHING_CPUS must be CPU numbers such as 1 or 2,3") from None
    if any(cpu < 0 for cpu in cpus):
        raise SettingsError("CLICO_HASHING_CPUS must be CPU numbers such as 1 or 2,3")
    return cpus


def _keys(value: tuple[str, ...] | str) -> tuple[str, ...]:
    """Comma-separated keys (blanks dropped), or the tuple given in code."""
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(key.strip() for key in parts if key.strip())


def _days(field: str) -> Callable[[int | str], int]:
    return _whole(_variable(field), 1, MAX_RETENTION_DAYS)


def _language(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in ("pl", "en"):
        raise SettingsError("CLICO_LANGUAGE must be 'pl' or 'en'")


if TYPE_CHECKING:
    # environ.config makes a frozen attrs class (``attrs.define(frozen=True)``); mypy's attrs
    # plugin knows that decorator by name only, so this is what it is shown.
    from attrs import frozen as _settings_class
else:
    _settings_class = environ.config(prefix=PREFIX, frozen=True, from_environ=None,
                                     generate_help=None)


@_settings_class
class Settings:
    """Everything a CLICO process needs to start; ``from_env`` is the usual constructor.

    A plain flat list of fields: each ``environ.var`` is read from ``CLICO_<NAME>`` (or the
    ``name`` it gives); plain ``attrs.field``s are set in code only.
    """

    base_url: str = environ.var(DEFAULT_BASE_URL, converter=_base_url)
    secret_key: str = environ.var("")
    mode: Mode = environ.var(Mode.DEVELOPMENT, converter=_mode)
    data_dir: Path = environ.var(Path("var"), converter=Path)
    database_url: str = environ.var("", converter=_stripped)  # empty: SQLite in data_dir
    mail_url: str = environ.var("", converter=_stripped)  # empty: a Maildir in data_dir
    # a PostgreSQL streaming replica of the database for read-only work (empty: none);
    # a session reads from the primary for the sticky seconds after it wrote, or until the
    # replica has replayed its write, and every read does while the replica lags or is down
    database_replica_url: str = environ.var("", converter=_stripped)
    replica_sticky_seconds: int = environ.var(
        5, converter=_whole(_variable("replica_sticky_seconds"), 0, 3600))
    replica_max_lag_mb: int = environ.var(
        16, converter=_whole(_variable("replica_max_lag_mb"), 1, 65536))
    mail_from: str = environ.var(DEFAULT_SENDER, converter=_sender)
    language: str = environ.var("pl", validator=_language)
    start_mail_worker: bool = environ.var(True, name=_variable("mail_worker"),
                                          converter=_switch(_variable("mail_worker")))
    argon2_concurrency: int = environ.var(
        DEFAULT_ARGON2_CONCURRENCY,
        converter=_whole(_variable("argon2_concurrency"), 1, MAX_ARGON2_CONCURRENCY))
    hashing_nice: int = environ.var(  # 0: hash at the pages' priority
        DEFAULT_HASHING_NICE, converter=_whole(_variable("hashing_nice"), 0, MAX_NICE))
    # a mail claimed by a worker that died is sent again after this long (docs/mail.md)
    mail_lease_seconds: int = environ.var(
        600, converter=_whole(_variable("mail_lease_seconds"), 5, 86_400))
    hashing_budget_percent: int = environ.var(  # 0: no budget, every hash at hashing_nice
        DEFAULT_HASHING_BUDGET_PERCENT,
        converter=_whole(_variable("hashing_budget_percent"), 0, 100))
    # CPUs set aside for hashing ("1" or "2,3"; empty: the process's own)
    hashing_cpus: frozenset[int] = environ.var(frozenset(), converter=_cpus)
    # a customer's reply to a ticket nobody is assigned to is mailed here ("": not mailed)
    support_inbox: str = environ.var("", converter=_inbox)
    # a resolved ticket closes by itself after this many days without public activity
    auto_close_days: int = environ.var(
        DEFAULT_AUTO_CLOSE_DAYS, converter=_whole(_variable("auto_close_days"), 3, 365))
    # May a webhook point at a loopback, private or link-local address? Off: such endpoints
    # are refused when registered and when delivered (docs/security.md, "Webhooks").
    webhooks_allow_private: bool = environ.var(
        False, converter=_switch(_variable("webhooks_allow_private")))
    # the SLA level of administrative tickets and of contracts naming an undefined level
    sla_default_level: str = environ.var("standard", converter=_stripped)
    # Keys replaced by ``secret_key``: what they sealed still opens until ``clico secrets
    # rotate`` has sealed it anew (docs/operations.md, "Secrets at rest and key rotation").
    previous_secret_keys: tuple[str, ...] = environ.var(
        (), name=_variable("secret_key_previous"), converter=_keys)
    # How long each kind of record is kept before the mail worker prunes it (docs/security.md)
    retention_audit_days: int = environ.var(_RETENTION.audit.days,
                                            converter=_days("retention_audit_days"))
    retention_attempts_days: int = environ.var(_RETENTION.attempts.days,
                                               converter=_days("retention_attempts_days"))
    retention_sessions_days: int = environ.var(_RETENTION.sessions.days,
                                               converter=_days("retention_sessions_days"))
    retention_tokens_days: int = environ.var(_RETENTION.tokens.days,
                                             converter=_days("retention_tokens_days"))
    retention_sent_mail_days: int = environ.var(_RETENTION.sent_mail.days,
                                                converter=_days("retention_sent_mail_days"))
    retention_webhook_days: int = environ.var(
        _RETENTION.webhook_deliveries.days, converter=_days("retention_webhook_days"))
    # the bearer token of /metrics and of /readyz's details ("": /metrics is not served)
    metrics_token: str = environ.var("", converter=_metrics_token)
    max_form_bytes: int = attrs.field(default=256 * 1024)
    # rows deleted per transaction when pruning
    retention_batch: int = attrs.field(default=_RETENTION.batch, validator=attrs.validators.ge(1))

    def __attrs_post_init__(self) -> None:
        if self.mode is Mode.PRODUCTION:
            if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
                raise SettingsError(
                    f"production mode needs CLICO_SECRET_KEY of at least "
                    f"{MIN_SECRET_KEY_LENGTH} characters")
            if not self.https:
                raise SettingsError("production mode needs an https CLICO_BASE_URL")

    @classmethod
    def from_env(cls, variables: Mapping[str, str] | None = None) -> Settings:
        """Read the ``CLICO_*`` variables of the process (or of ``variables``); unset ones
        take the defaults above."""
        source = os.environ if variables is None else variables
        settings: Settings = environ.to_config(cls, dict(source))
        return settings

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def retention(self) -> Retention:
        """The retention periods the ``CLICO_RETENTION_*_DAYS`` variables set."""
        return Retention(audit=timedelta(days=self.retention_audit_days),
                         attempts=timedelta(days=self.retention_attempts_days),
                         sessions=timedelta(days=self.retention_sessions_days),
                         tokens=timedelta(days=self.retention_tokens_days),
                         sent_mail=timedelta(days=self.retention_sent_mail_days),
                         webhook_deliveries=timedelta(days=self.retention_webhook_days),
                         batch=self.retention_batch)

    def effective_database_url(self) -> str:
        """``CLICO_DATABASE_URL``, else the SQLite file ``clico.db`` in the data directory."""
        return self.database_url or default_database_url(self.data_dir)

    def effective_mail_url(self) -> str:
        """``CLICO_MAIL_URL``, else a Maildir under ``<data_dir>/mail`` (which in demo mode
        also logs sign-in codes, so the demo user can sign in from the console)."""
        return self.mail_url or default_mail_url(self.data_dir, demo=self.mode is Mode.DEMO)

    def effective_secret_key(self) -> bytes:
        """The configured key; outside production a missing one is generated once and kept in
        ``<data_dir>/secret_key`` so that restarts and several worker processes share it."""
        if self.secret_key:
            return self.secret_key.encode()
        return _stored_key(self.data_dir / "secret_key")


def _stored_key(path: Path) -> bytes:
    private_directory(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it right now
            key = path.read_bytes().strip()
            if len(key) >= MIN_SECRET_KEY_LENGTH:
                return key
            time.sleep(0.01)
        raise SettingsError(
            f"{path} holds no usable key: delete it or set CLICO_SECRET_KEY") from None
    key = secrets.token_urlsafe(48).encode()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key
