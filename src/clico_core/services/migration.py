"""Importing the accounts of CLICO TAC, the system the portal replaces (idempotent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attrs import frozen

from ..accounts import UNUSABLE_PASSWORD, Account, AccountState
from ..audit import AuditEvent, AuditKind
from ..values import (
    Language,
    clean_line,
    email_key,
    normalise_email,
    normalise_login,
    normalise_phone,
)
from .context import Ports
from .contracts import find_or_create_company


@frozen
class MigratedAccount:
    """One row of the CLICO TAC export; ``line`` is its line number in the file."""

    line: int
    email: str
    first_name: str
    last_name: str
    phone: str
    company: str
    login: str = ""
    language: str = ""


@frozen
class ImportReport:
    created: tuple[str, ...]  # e-mails
    already_present: tuple[str, ...]
    rejected: tuple[tuple[int, str], ...]  # (line, reason code)


def _check_row(row: MigratedAccount) -> tuple[str, str, str, str, str, str, Language] | str:
    email = normalise_email(row.email)
    if email is None:
        return "invalid_email"
    first, last = clean_line(row.first_name, 100), clean_line(row.last_name, 100)
    if first is None or last is None:
        return "invalid_name"
    company = clean_line(row.company, 200)
    if company is None:
        return "invalid_company"
    phone = normalise_phone(row.phone) if row.phone.strip() else ""
    if phone is None:
        return "invalid_phone"
    login = normalise_login(row.login) if row.login.strip() else email
    if login is None:
        return "invalid_login"
    language = row.language.strip().lower() or Language.PL.value
    if language not in {lang.value for lang in Language}:
        return "invalid_language"
    return email, first, last, phone, company, login, Language(language)


def import_migrated_accounts(rows: Sequence[MigratedAccount], ports: Ports, *,
                             dry_run: bool = False,
                             progress: Callable[[int], None] | None = None) -> ImportReport:
    """Create accounts that sign in with their e-mail after resetting their password.

    Idempotent: e-mails already present are reported, not changed. One transaction.
    ``progress`` is called with the number of rows done after each row.
    """
    now = ports.clock.now()
    created: list[str] = []
    present: list[str] = []
    rejected: list[tuple[int, str]] = []
    seen: set[str] = set()
    with ports.uow() as uow:
        for done, row in enumerate(rows, 1):
            if progress is not None:
                progress(done)
            checked = _check_row(row)
            if isinstance(checked, str):
                rejected.append((row.line, checked))
                continue
            email, first, last, phone, company_name, login, language = checked
            if email_key(email) in seen:
                rejected.append((row.line, "duplicate_in_file"))
                continue
            seen.add(email_key(email))
            if uow.accounts.get_by_email(email) is not None:
                present.append(email)
                continue
            if uow.accounts.get_by_login(login) is not None:
                rejected.append((row.line, "login_taken"))
                continue
            company = find_or_create_company(uow, ports, company_name)
            account = Account(
                id=ports.secrets.new_id(), login=login, email=email, first_name=first,
                last_name=last, phone=phone, company_id=company.id,
                password_hash=UNUSABLE_PASSWORD, created_at=now, language=language,
                state=AccountState.MUST_RESET_PASSWORD, organisation=company_name,
            )
            uow.accounts.add(account)
            uow.audit.record(AuditEvent(AuditKind.ACCOUNT_IMPORTED, now, account.id))
            created.append(email)
        if not dry_run:
            uow.commit()
    return ImportReport(tuple(created), tuple(present), tuple(rejected))
