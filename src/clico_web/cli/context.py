"""What every command needs: settings, the database, the services, and clean failures."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
from rich.console import Console

from clico_adapters import compose
from clico_adapters.compose import Backend, Schema, SqlDatabase
from clico_core.errors import ClicoError, ValidationFailed
from clico_core.ports import MailQueue, SecretGenerator
from clico_core.services import Services

from ..settings import Settings, SettingsError

P = ParamSpec("P")
R = TypeVar("R")
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
errors = Console(stderr=True, highlight=False)


class Runtime:
    """One command's settings and, once it needs them, what the composition root built.

    ``variables`` is the environment the settings were read from (``clico serve`` asks
    whether the base URL was configured at all).
    """

    def __init__(self, settings: Settings, variables: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.variables: Mapping[str, str] = variables or {}
        self._backends: list[Backend] = []

    def build(self, *, schema: Schema = Schema.AS_IS,
              secrets: SecretGenerator | None = None) -> Backend:
        """A backend from the composition root, closed when the command ends."""
        backend = compose.build(self.settings, schema=schema, secrets=secrets)
        self._backends.append(backend)
        return backend

    @property
    def backend(self) -> Backend:
        """The command's backend, built on first use; it leaves the schema alone."""
        return self._backends[0] if self._backends else self.build()

    @property
    def database_url(self) -> str:
        return self.settings.effective_database_url()

    @property
    def db(self) -> SqlDatabase:
        database = self.backend.database
        assert database is not None  # built from settings, never over a given unit of work
        return database

    def services(self) -> Services:
        """The services over the database; refuses to run on an outdated schema."""
        self.backend.require_current_schema()
        return self.backend.services

    @property
    def mail_queue(self) -> MailQueue:
        return self.backend.mail_queue

    def close(self) -> None:
        for backend in self._backends:
            backend.close()
        self._backends.clear()


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


def load_settings(variables: Mapping[str, str]) -> Settings:
    try:
        return Settings.from_env(variables)
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
