"""Settings of the web portal, read from the environment (``CLICO_*``)."""

from __future__ import annotations

import enum
import os
import secrets
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from attrs import field, frozen

from clico_adapters.files import private_directory
from clico_core.retention import Retention

MIN_SECRET_KEY_LENGTH = 32
# The CPU priority of password hashing (docs/performance.md, "sign-in flood"): signed-in
# pages keep about 0.8 of their speed through a flood of sign-ins, which get the rest.
DEFAULT_HASHING_NICE = 15


class SettingsError(ValueError):
    """The configuration cannot run (e.g. production without a strong secret key)."""


class Mode(enum.StrEnum):
    DEMO = "demo"
    DEVELOPMENT = "development"
    PRODUCTION = "production"


def _mode(value: str | Mode) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise SettingsError("CLICO_MODE must be demo, development or production") from None


def _strip_slash(url: str) -> str:
    return url.rstrip("/")


@frozen
class Settings:
    """Everything the portal needs to start; ``from_env`` is the usual constructor."""

    base_url: str = field(default="http://127.0.0.1:8000", converter=_strip_slash)
    secret_key: str = ""
    mode: Mode = field(default=Mode.DEVELOPMENT, converter=_mode)
    data_dir: Path = field(default=Path("var"), converter=Path)
    database_url: str = ""  # empty: SQLite in data_dir (or memory when SQL is unavailable)
    mail_url: str = ""  # empty: the mail adapter's default (a local mailbox in data_dir)
    mail_from: str = "support-system@clico.pl"
    language: str = "pl"
    start_mail_worker: bool = True
    max_form_bytes: int = 256 * 1024
    # one hash at a time per process: argon2's four lanes already use up to four cores, and
    # on one core two hashes at once verify fewer per second (docs/performance.md)
    argon2_concurrency: int = 1
    hashing_nice: int = DEFAULT_HASHING_NICE  # 0: hash at the pages' priority
    # keys replaced by ``secret_key``: what they sealed still opens until ``clico secrets
    # rotate`` has sealed it anew (docs/operations.md, "Secrets at rest and key rotation")
    previous_secret_keys: tuple[str, ...] = ()
    retention: Retention = field(factory=Retention)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.hashing_nice <= 19:
            raise SettingsError("CLICO_HASHING_NICE must be a whole number from 0 to 19")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError("CLICO_BASE_URL must be an absolute http(s) URL")
        if self.language not in ("pl", "en"):
            raise SettingsError("CLICO_LANGUAGE must be 'pl' or 'en'")
        if self.mode is Mode.PRODUCTION:
            if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
                raise SettingsError(
                    f"production mode needs CLICO_SECRET_KEY of at least "
                    f"{MIN_SECRET_KEY_LENGTH} characters")
            if parts.scheme != "https":
                raise SettingsError("production mode needs an https CLICO_BASE_URL")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``CLICO_*`` variables; unset ones take the defaults above."""
        env = os.environ if environ is None else environ
        defaults = cls.__attrs_attrs__
        return cls(
            base_url=env.get("CLICO_BASE_URL", defaults.base_url.default),
            secret_key=env.get("CLICO_SECRET_KEY", ""),
            mode=env.get("CLICO_MODE", Mode.DEVELOPMENT.value),
            data_dir=env.get("CLICO_DATA_DIR", "var"),
            database_url=env.get("CLICO_DATABASE_URL", ""),
            mail_url=env.get("CLICO_MAIL_URL", ""),
            mail_from=env.get("CLICO_MAIL_FROM", defaults.mail_from.default),
            language=env.get("CLICO_LANGUAGE", "pl"),
            start_mail_worker=env.get("CLICO_MAIL_WORKER", "1") not in ("0", "false", "no"),
            hashing_nice=_whole(env.get("CLICO_HASHING_NICE", str(DEFAULT_HASHING_NICE)),
                                "CLICO_HASHING_NICE"),
            previous_secret_keys=tuple(
                k.strip() for k in env.get("CLICO_SECRET_KEY_PREVIOUS", "").split(",")
                if k.strip()),
            retention=_retention(env),
        )

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def effective_secret_key(self) -> bytes:
        """The configured key; outside production a missing one is generated once and kept in
        ``<data_dir>/secret_key`` so that restarts and several worker processes share it."""
        if self.secret_key:
            return self.secret_key.encode()
        return _stored_key(self.data_dir / "secret_key")


def _whole(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number") from None


# CLICO_RETENTION_<NAME>_DAYS → the ``Retention`` field it sets (docs/operations.md)
RETENTION_VARIABLES = {
    "CLICO_RETENTION_AUDIT_DAYS": "audit",
    "CLICO_RETENTION_ATTEMPTS_DAYS": "attempts",
    "CLICO_RETENTION_SESSIONS_DAYS": "sessions",
    "CLICO_RETENTION_TOKENS_DAYS": "tokens",
    "CLICO_RETENTION_SENT_MAIL_DAYS": "sent_mail",
}


def _retention(env: Mapping[str, str]) -> Retention:
    days: dict[str, timedelta] = {}
    for name, attribute in RETENTION_VARIABLES.items():
        value = env.get(name, "").strip()
        if value:
            count = _whole(value, name)
            if not 1 <= count <= 36_500:
                raise SettingsError(f"{name} must be a number of days from 1 to 36500")
            days[attribute] = timedelta(days=count)
    return Retention(**days)


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
