"""``clico accounts import|list|disable`` and ``clico staff create``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click
from rich.progress import Progress
from rich.table import Table

from clico_core.services import CreateStaff, MigratedAccount
from clico_core.values import Role

from .context import Runtime, console, fail_cleanly, pass_runtime

REQUIRED = ("email", "first_name", "last_name", "phone", "company")
OPTIONAL = ("login", "language")
REASONS = {
    "invalid_email": "invalid e-mail address", "invalid_name": "first or last name missing",
    "invalid_company": "company missing", "invalid_phone": "invalid phone number",
    "invalid_login": "invalid login", "invalid_language": "language must be pl or en",
    "duplicate_in_file": "e-mail appears earlier in this file",
    "login_taken": "login belongs to another account",
}


def read_tac_csv(path: Path) -> list[MigratedAccount]:
    """Parse the CLICO TAC export; any malformation stops everything with a clear reason."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            f"{path.name} is not UTF-8 (byte {error.start}): save it as UTF-8 and retry; "
            "nothing was imported") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise click.ClickException(f"{path.name} lacks the column(s) {', '.join(missing)}; "
                                   "nothing was imported")
    reader.fieldnames = header
    rows = []
    try:
        for record in reader:
            if None in record:
                raise click.ClickException(
                    f"line {reader.line_num} has more fields than the header; nothing was "
                    "imported")
            values = {k: (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue
            rows.append(MigratedAccount(reader.line_num, values["email"], values["first_name"],
                                        values["last_name"], values["phone"], values["company"],
                                        values.get("login", ""), values.get("language", "")))
    except csv.Error as error:
        raise click.ClickException(f"line {reader.line_num}: {error}; nothing was imported"
                                   ) from None
    return rows


@click.group()
def accounts() -> None:
    """Customer accounts."""


@accounts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report without saving anything.")
@pass_runtime
@fail_cleanly
def import_accounts(runtime: Runtime, file: Path, dry_run: bool) -> None:
    """Import CLICO TAC accounts from a UTF-8 CSV (idempotent, one transaction)."""
    rows = read_tac_csv(file)
    services = runtime.services()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("importing", total=len(rows))
        report = services.import_migrated_accounts(
            rows, dry_run=dry_run, progress=lambda done: progress.update(task, completed=done))
    prefix = "would create" if dry_run else "created"
    console.print(f"{prefix} {len(report.created)}, already present "
                  f"{len(report.already_present)}, rejected {len(report.rejected)}")
    if report.rejected:
        table = Table("line", "reason")
        for line, code in report.rejected:
            table.add_row(str(line), REASONS.get(code, code))
        console.print(table)


@accounts.command("list")
@pass_runtime
@fail_cleanly
def list_accounts(runtime: Runtime) -> None:
    """List every account with its company, role and state."""
    table = Table("login", "e-mail", "name", "company", "role", "state", "last sign-in")
    for row in runtime.services().list_accounts():
        a = row.account
        table.add_row(a.login, a.email, a.full_name, row.company_name or "?", a.role.value,
                      a.state.value,
                      a.last_sign_in_at.isoformat(timespec="minutes") if a.last_sign_in_at
                      else "never")
    console.print(table)


@accounts.command("disable")
@click.argument("login_or_email")
@pass_runtime
@fail_cleanly
def disable(runtime: Runtime, login_or_email: str) -> None:
    """Disable an account; its sessions end at once."""
    account = runtime.services().disable_account(login_or_email)
    console.print(f"{account.login} disabled; its sessions are ended")


@accounts.command("reset-2fa")
@click.argument("login_or_email")
@pass_runtime
@fail_cleanly
def reset_two_factor(runtime: Runtime, login_or_email: str) -> None:
    """Back to e-mailed sign-in codes for a user who lost their authenticator app."""
    account = runtime.services().reset_two_factor(login_or_email)
    console.print(f"{account.login}: sign-in codes go by e-mail again; sessions ended; "
                  "the user was told by e-mail")


@click.group()
def staff() -> None:
    """Support engineers and administrators."""


@staff.command("create")
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--role", type=click.Choice([Role.ENGINEER.value, Role.ADMIN.value]),
              required=True)
@pass_runtime
@fail_cleanly
def create(runtime: Runtime, email: str, first_name: str, last_name: str, role: str) -> None:
    """Create a staff account and print its one-time set-password link."""
    account, path = runtime.services().create_staff_account(
        CreateStaff(email, first_name, last_name, Role(role)))
    console.print(f"{account.login} ({role}) created; set the password within 24 h at:")
    click.echo(runtime.settings.base_url + path)
