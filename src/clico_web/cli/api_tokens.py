"""``clico tokens create|list|revoke``: personal access tokens of the JSON API."""

from __future__ import annotations

import re

import click
from rich.table import Table

from clico_core.api_tokens import ApiScope
from clico_core.services import CreateApiToken

from .context import Runtime, console, fail_cleanly, pass_runtime

_DAYS = re.compile(r"(\d{1,5})d")


def expiry_days(text: str) -> int | None:
    """``90d`` → 90; ``never`` → None (the token does not expire)."""
    if text == "never":
        return None
    match = _DAYS.fullmatch(text)
    if match is None:
        raise click.BadParameter("use a number of days such as 90d, or never")
    return int(match.group(1))


@click.group()
def tokens() -> None:
    """Personal access tokens of the JSON API (/api/v1)."""


@tokens.command("create")
@click.option("--login", required=True, help="The account the token acts as.")
@click.option("--scope", type=click.Choice([s.value for s in ApiScope]), required=True)
@click.option("--expires", default="90d", show_default=True, help="e.g. 30d, 365d or never")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@pass_runtime
@fail_cleanly
def create(runtime: Runtime, login: str, scope: str, expires: str, name: str) -> None:
    """Create a token and print its secret (the only time it is shown)."""
    issued = runtime.services().issue_api_token(
        login, CreateApiToken(name, scope, expiry_days(expires)))
    token = issued.token
    until = token.expires_at.isoformat() if token.expires_at else "never"
    console.print(f"token {token.id} ({token.scope}) for {login}, expires {until}:",
                  highlight=False)
    click.echo(issued.secret)


@tokens.command("list")
@click.option("--login", required=True)
@pass_runtime
@fail_cleanly
def list_tokens(runtime: Runtime, login: str) -> None:
    """The account's tokens (never their secrets)."""
    table = Table("id", "name", "scope", "created", "expires", "revoked", "last used", "from")
    for listed in runtime.services().api_tokens_of(login):
        t = listed.token
        table.add_row(t.id, t.name, t.scope.value, t.created_at.isoformat(timespec="minutes"),
                      t.expires_at.isoformat(timespec="minutes") if t.expires_at else "never",
                      t.revoked_at.isoformat(timespec="minutes") if t.revoked_at else "",
                      t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "",
                      t.last_used_from)
    console.print(table)


@tokens.command("revoke")
@click.option("--login", required=True)
@click.argument("token_id")
@pass_runtime
@fail_cleanly
def revoke(runtime: Runtime, login: str, token_id: str) -> None:
    """Revoke a token at once."""
    runtime.services().revoke_api_token_of(login, token_id)
    console.print(f"token {token_id} revoked")
