"""``clico doctor``: is this installation able to run, and if not, what to fix.

Each check answers a ``Finding``: fine (with what it saw) or a problem with the fix. The
checks use the composition root as the portal would (the same database URL, key, mail
URL), so what passes here passes when the portal starts. Nothing is written to the
database and no mail is sent.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from attrs import frozen

from clico_core.ports import Clock

from .compose import Backend, Schema, build, probe_mail
from .config import Mode, Settings

MAX_CLOCK_SKEW = timedelta(seconds=5)  # sign-in codes live minutes, TOTP steps 30 s


@frozen
class Finding:
    check: str
    problem: str = ""  # "" when the check passed
    fix: str = ""
    seen: str = ""  # what a passing check saw

    @property
    def ok(self) -> bool:
        return not self.problem


def check_configuration(settings: Settings) -> Finding:
    """What loading the settings cannot see: a usable secret key for this mode, a mail URL
    that names a transport, the base URL a production portal needs."""
    name = "configuration"
    try:
        settings.effective_secret_key()
    except Exception as error:
        return Finding(name, f"the secret key cannot be read: {error}",
                       "set CLICO_SECRET_KEY (at least 32 characters)")
    if settings.mode is Mode.PRODUCTION and not settings.mail_url:
        return Finding(name, "production mode with no CLICO_MAIL_URL: mail would only go to "
                             "a local Maildir", "set CLICO_MAIL_URL=smtp://… or smtps://…")
    if settings.mode is not Mode.DEMO and not settings.secret_key:
        seen = (f"{settings.mode.value} mode; the secret key is kept in "
                f"{settings.data_dir / 'secret_key'} (back it up with the database)")
    else:
        seen = f"{settings.mode.value} mode, base URL {settings.base_url}"
    return Finding(name, seen=seen)


def check_data_directory(settings: Settings) -> Finding:
    """The data directory exists, is ours, is writable and is closed to other users."""
    name = "data directory"
    path = Path(settings.data_dir)
    if not path.exists():
        return Finding(name, f"{path} does not exist",
                       f"create it: mkdir -m 700 {path} (or run `clico db upgrade`)")
    if not path.is_dir():
        return Finding(name, f"{path} is not a directory", "point CLICO_DATA_DIR at a directory")
    info = path.stat()
    if info.st_uid != os.geteuid():
        return Finding(name, f"{path} belongs to user id {info.st_uid}, not to this one "
                             f"({os.geteuid()})", "chown the directory to the portal's user")
    if not os.access(path, os.W_OK | os.X_OK):
        return Finding(name, f"{path} is not writable", f"chmod u+rwx {path}")
    loose = [p for p in _private_paths(path) if p.stat().st_mode & 0o077]
    if loose:
        shown = ", ".join(f"{p} ({stat.filemode(p.stat().st_mode)})" for p in loose)
        return Finding(name, f"readable by other users: {shown}",
                       f"chmod go-rwx {' '.join(str(p) for p in loose)}")
    return Finding(name, seen=f"{path.resolve()} (private)")


def _private_paths(path: Path) -> list[Path]:
    names = ("", "clico.db", "clico.db-wal", "clico.db-shm", "secret_key")
    return [path / n if n else path for n in names if (path / n if n else path).exists()]


def check_database(backend: Backend) -> Finding:
    name = "database"
    database = backend.database
    assert database is not None
    try:
        database.operations.database_now()
    except Exception as error:
        return Finding(name, f"cannot reach it ({type(error).__name__}: {_short(error)})",
                       "check CLICO_DATABASE_URL and that the server is running")
    return Finding(name, seen=f"{database.dialect} answers")


def check_migrations(backend: Backend) -> Finding:
    name = "migrations"
    database = backend.database
    assert database is not None
    try:
        current, head = database.current_revision(), database.head_revision()
    except Exception as error:
        return Finding(name, f"cannot read the schema revision ({type(error).__name__})",
                       "fix the database first")
    if current != head:
        return Finding(name, f"the database is at {current or 'no revision (empty)'}, the "
                             f"code needs {head}", "run `clico db upgrade`")
    return Finding(name, seen=f"at {head}")


def check_mail(settings: Settings) -> Finding:
    name = "mail transport"
    try:
        probe_mail(settings)
    except Exception as error:
        return Finding(name, _short(error), "check CLICO_MAIL_URL (host, port, TLS, "
                                            "credentials) and that the server accepts us")
    return Finding(name, seen="reachable; nothing was sent")


def check_clock(database_now: Callable[[], datetime], clock: Clock) -> Finding:
    """The database's clock against ours: tokens, codes and SLA times are compared across
    both, so they must agree within ``MAX_CLOCK_SKEW``."""
    name = "clock"
    try:
        ours_before = clock.now()
        theirs = database_now()
        ours_after = clock.now()
    except Exception as error:
        return Finding(name, f"cannot read the database's clock ({type(error).__name__})",
                       "fix the database first")
    ours = ours_before + (ours_after - ours_before) / 2
    skew = theirs - ours
    if abs(skew) > MAX_CLOCK_SKEW:
        return Finding(name, f"the database's clock is {skew.total_seconds():+.1f} s from "
                             f"this host's", "synchronise both hosts with NTP (chrony, "
                                             "systemd-timesyncd)")
    return Finding(name, seen=f"{skew.total_seconds():+.3f} s from the database")


def diagnose(settings: Settings,
             make_backend: Callable[[Settings], Backend] | None = None) -> list[Finding]:
    """Every check, in the order a person would fix them."""
    findings = [check_configuration(settings), check_data_directory(settings)]
    backend = (make_backend or _backend)(settings)
    try:
        database = backend.database
        assert database is not None
        reached = check_database(backend)
        findings.append(reached)
        if reached.ok:
            findings += [check_migrations(backend),
                         check_clock(database.operations.database_now, backend.clock)]
        findings.append(check_mail(settings))
    finally:
        backend.close()
    return findings


def _backend(settings: Settings) -> Backend:
    return build(settings, schema=Schema.AS_IS)


def _short(error: BaseException, limit: int = 300) -> str:
    return " ".join(str(error).split())[:limit] or type(error).__name__
