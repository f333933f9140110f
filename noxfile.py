"""nox sessions for developers who prefer nox; `./manage test` needs nothing but Python."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "tests"]


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    # lint-imports reads the installed packages' imports, so the project is installed too
    session.install("-e", ".[dev]")
    session.run("ruff", "check", "src", "tests")
    session.run("lint-imports", "--no-logo")  # the layer contracts in pyproject.toml


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def serve(session: nox.Session) -> None:
    session.install("-e", ".[web]")
    session.run("clico", "demo")
    session.run("clico", "serve", "--migrate", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("python", "-m", "bench", *session.posargs)
