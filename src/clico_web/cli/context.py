"""What every command needs: settings, the database, the services, and clean failures."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from rich.console import Console

from clico_adapters.bootstrap import bootstrap
from clico_adapters.sql import SqlDatabase, default_database_url
from clico_core.errors import ClicoError, ValidationFailed
from clico_core.ports import MailQueue
from clico_core.services import Services

from ..backend import open_database
from ..settings import Settings, SettingsError

P = ParamSpec("P")
R = TypeVar("R")
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False)


class Runtime:
    """Settings plus a lazily opened database; one per command invocation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db: SqlDatabase | None = None

    @property
    def database_url(self) -> str:
        return self.settings.database_url or default_database_url(self.settings.data_dir)

    @property
    def db(self) -> SqlDatabase:
        if self._db is None:
            self._db = open_database(self.settings)
        return self._db

    def services(self) -> Services:
        """The services over the database; refuses to run on an outdated schema."""
        if self.db.pending_migrations():
            raise click.ClickException(
                "the database schema is not up to date: run `clico db upgrade` first")
        return bootstrap(uow=self.db.uow_factory)

    @property
    def mail_queue(self) -> MailQueue:
        return self.db.mail_queue

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


ENV_FILE_VARIABLE = "CLICO_ENV_FILE"


def environment() -> dict[str, str]:
    """The process environment over an optional ``.env``-style file (python-dotenv).

    The file is ``$CLICO_ENV_FILE``, else ``./.env`` when present; real environment
    variables win over it, and only ``CLICO_*`` keys are taken from it.
    """
    path = Path(os.environ.get(ENV_FILE_VARIABLE, ".env"))
    from_file: dict[str, str] = {}
    if path.is_file():
        from dotenv import dotenv_values

        from_file = {k: v for k, v in dotenv_values(path).items()
                     if k.startswith("CLICO_") and v is not None}
    elif ENV_FILE_VARIABLE in os.environ:
        raise click.ClickException(f"{ENV_FILE_VARIABLE} names {path}, which is not a file")
    return {**from_file, **os.environ}


def load_settings() -> Settings:
    try:
        return Settings.from_env(environment())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def fail_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and configuration errors into a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ValidationFailed as error:
            fields = ", ".join(f"{k}: {v}" for k, v in error.fields.items())
            raise click.ClickException(f"invalid input ({fields})") from None
        except ClicoError as error:
            raise click.ClickException(error.code.replace("_", " ")) from None
        except (SettingsError, ValueError) as error:
            raise click.ClickException(str(error)) from None

    return wrapper


pass_runtime = click.make_pass_decorator(Runtime)
