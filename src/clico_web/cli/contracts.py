"""``clico contracts issue|list|show``."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from rich.table import Table

from clico_core.errors import NotFound
from clico_core.services import AssetSpec, IssueContract

from .context import Runtime, console, fail_cleanly, pass_runtime


class DateParam(click.ParamType[date]):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a date in YYYY-MM-DD form", param, ctx)


class AssetParam(click.ParamType[AssetSpec]):
    name = "NAME;VENDOR;SERIAL"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> AssetSpec:
        if isinstance(value, AssetSpec):
            return value
        parts = [p.strip() for p in str(value).split(";")]
        if len(parts) != 3 or not all(parts):
            self.fail(f"{value!r} must be NAME;VENDOR;SERIAL with all three parts", param, ctx)
        return AssetSpec(*parts)


@click.group()
def contracts() -> None:
    """Support contracts."""


@contracts.command("issue")
@click.option("--number", required=True)
@click.option("--company", required=True, help="Created if it does not exist yet.")
@click.option("--valid-until", required=True, type=DateParam())
@click.option("--valid-from", type=DateParam(), help="Default: today.")
@click.option("--level", default="standard", show_default=True)
@click.option("--asset", "assets", multiple=True, type=AssetParam(),
              help='"NAME;VENDOR;SERIAL", e.g. "PAN-PA-450;PALO_ALTO;0128010123"; repeatable.')
@click.option("--json", "as_json", is_flag=True, help="Print {number, activation_key} as JSON.")
@pass_runtime
@fail_cleanly
def issue(runtime: Runtime, number: str, company: str, valid_until: date,
          valid_from: date | None, level: str, assets: tuple[AssetSpec, ...],
          as_json: bool) -> None:
    """Create a contract (and its company and assets); print its activation key once."""
    issued = runtime.services().issue_contract(IssueContract(
        number, company, valid_until, valid_from=valid_from, support_level=level, assets=assets))
    if as_json:
        click.echo(json.dumps({"number": issued.contract.number,
                               "activation_key": issued.activation_key}))
        return
    console.print(f"contract {issued.contract.number} for {company}, valid "
                  f"{issued.contract.valid_from} – {issued.contract.valid_until}, "
                  f"{len(assets)} asset(s)")
    console.print(f"activation key (shown once, only its hash is stored): "
                  f"[bold]{issued.activation_key}[/bold]")


@contracts.command("list")
@click.option("--company", help="Only this company's contracts.")
@pass_runtime
@fail_cleanly
def list_contracts(runtime: Runtime, company: str | None) -> None:
    """List contracts with their company, dates and number of assets and activations."""
    try:
        rows = runtime.services().list_all_contracts(company)
    except NotFound:
        raise click.ClickException(f"no company named {company!r}") from None
    table = Table("number", "company", "level", "valid from", "valid until", "assets",
                  "activations")
    for row in rows:
        contract = row.contract
        table.add_row(contract.number, row.company_name or "?",
                      contract.support_level, str(contract.valid_from),
                      str(contract.valid_until), str(len(contract.asset_ids)),
                      str(row.activations))
    console.print(table)


@contracts.command("show")
@click.argument("number")
@pass_runtime
@fail_cleanly
def show(runtime: Runtime, number: str) -> None:
    """Show one contract: assets and the accounts that activated it."""
    try:
        record = runtime.services().contract_by_number(number)
    except NotFound:
        raise click.ClickException(f"no contract {number!r}") from None
    contract = record.contract
    console.print(f"[bold]{contract.number}[/bold] · {record.company_name or '?'} · "
                  f"{contract.support_level} · {contract.valid_from} – {contract.valid_until}")
    table = Table("asset", "vendor", "SN/MAC", "category")
    for asset in record.assets:
        table.add_row(asset.name, asset.vendor, asset.serial, asset.category)
    console.print(table)
    activated = Table("activated by", "e-mail", "at")
    for row in record.activations:
        account = row.account
        activated.add_row(account.login if account else "?", account.email if account else "",
                          row.activation.activated_at.isoformat(timespec="seconds"))
    console.print(activated)
