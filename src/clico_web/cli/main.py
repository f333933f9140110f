"""The ``clico`` command group."""

from __future__ import annotations

import click

from .accounts import accounts, staff
from .api_tokens import tokens as api_tokens
from .blobs import blobs
from .context import Runtime, environment, load_settings
from .contracts import contracts
from .database import config, db
from .demo import demo
from .doctor import doctor
from .outbox import outbox
from .secrets import secrets
from .serve import serve, worker
from .sla import sla
from .tickets import tickets


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Operate the CLICO Support System portal (configuration comes from CLICO_* variables)."""
    variables = environment()
    runtime = Runtime(load_settings(variables), variables)
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


for command in (serve, worker, db, config, demo, contracts, accounts, staff, outbox, secrets,
                blobs, tickets, sla, api_tokens, doctor):
    main.add_command(command)
