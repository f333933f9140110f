"""Companies and accounts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, exists, func, insert, or_, select, update

from clico_core.accounts import Account, AccountState
from clico_core.companies import Company
from clico_core.errors import ConcurrencyConflict, ValidationFailed
from clico_core.values import Role, company_key, email_key, login_key

from ..mapping import account_from, account_values, company_from, company_values
from ..tables import accounts, activations, assets, companies, contracts, recovery_codes
from .base import SqlRepository


class SqlCompanies(SqlRepository):
    def add(self, company: Company) -> None:
        self.uow.insert_guarded(companies, company_values(company),
                                lambda _: ConcurrencyConflict("company exists"))

    def get(self, company_id: str) -> Company | None:
        row = self.uow.execute(select(companies).where(companies.c.id == company_id)
                               ).mappings().first()
        return company_from(row) if row else None

    def get_by_name(self, name: str) -> Company | None:
        row = self.uow.execute(select(companies).where(companies.c.key == company_key(name))
                               ).mappings().first()
        return company_from(row) if row else None

    def list_by_ids(self, company_ids: Sequence[str] | None = None) -> list[Company]:
        query = select(companies).order_by(companies.c.key, companies.c.id)
        if company_ids is not None:
            query = query.where(companies.c.id.in_(list(company_ids)))
        return [company_from(r) for r in self.uow.execute(query).mappings()]

    def search(self, text: str, limit: int) -> list[Company]:
        """One statement; the name is a scan of the (small) companies table, the number,
        the serial and the e-mail are each an index lookup (migration 0015 for the serial)."""
        wanted, folded = text.strip(), company_key(text)
        found: list[ColumnElement[bool]] = [
            companies.c.id.in_(select(contracts.c.company_id)
                               .where(contracts.c.number == wanted)),
            companies.c.id.in_(select(assets.c.company_id).where(assets.c.serial == wanted)),
            companies.c.id.in_(select(accounts.c.company_id)
                               .where(accounts.c.email_key == email_key(wanted))),
        ]
        if folded:
            found.append(companies.c.key.contains(folded, autoescape=True))
        query = (select(companies).where(or_(*found))
                 .order_by(companies.c.key, companies.c.id).limit(limit))
        return [company_from(r) for r in self.uow.execute(query).mappings()]


class SqlAccounts(SqlRepository):
    def _taken(self, account: Account) -> ValidationFailed | None:
        """Which field clashed: login first, as the in-memory adapter reports it."""
        login_taken = self.uow.execute(select(exists().where(
            accounts.c.login_key == login_key(account.login),
            accounts.c.id != account.id))).scalar()
        if login_taken:
            return ValidationFailed({"login": "login_taken"})
        email_taken = self.uow.execute(select(exists().where(
            accounts.c.email_key == email_key(account.email),
            accounts.c.id != account.id))).scalar()
        if email_taken:
            return ValidationFailed({"email": "email_taken"})
        return None

    def _on_conflict(self, account: Account, constraint: str | None) -> Exception | None:
        if constraint in ("uq_accounts_login_key", "uq_accounts_email_key"):
            return self._taken(account)
        if constraint == "pk_accounts":
            return ConcurrencyConflict("account exists")
        return None

    def add(self, account: Account) -> None:
        """Insert; ``ValidationFailed`` on a taken login or e-mail (the unique keys decide)."""
        self.uow.insert_guarded(accounts, account_values(account, self.uow.box),
                                lambda name: self._on_conflict(account, name))

    def get(self, account_id: str) -> Account | None:
        return self._one(accounts.c.id == account_id)

    def get_by_login(self, login: str) -> Account | None:
        return self._one(accounts.c.login_key == login_key(login.strip()))

    def get_by_email(self, email: str) -> Account | None:
        return self._one(accounts.c.email_key == email_key(email.strip()))

    def _one(self, condition: ColumnElement[bool]) -> Account | None:
        query = self.for_change(select(accounts).where(condition))
        row = self.uow.execute(query).mappings().first()
        return account_from(row, self.uow.box) if row else None

    def update(self, account: Account) -> None:
        values = account_values(account, self.uow.box)
        del values["id"]
        result = self.uow.execute_guarded(
            update(accounts).where(accounts.c.id == account.id).values(values),
            lambda name: self._on_conflict(account, name))
        if result.rowcount != 1:
            raise KeyError(account.id)

    def advance_totp_step(self, account_id: str, step: int) -> bool:
        statement = (update(accounts)
                     .where(accounts.c.id == account_id,
                            or_(accounts.c.totp_last_step.is_(None),
                                accounts.c.totp_last_step < step))
                     .values(totp_last_step=step))
        return bool(self.uow.execute(statement).rowcount == 1)

    def list_for_companies(self, company_ids: Sequence[str] | None = None) -> list[Account]:
        query = select(accounts).order_by(accounts.c.last_name, accounts.c.first_name,
                                          accounts.c.id)
        if company_ids is not None:
            query = query.where(accounts.c.company_id.in_(list(company_ids)))
        return [account_from(r, self.uow.box) for r in self.uow.execute(query).mappings()]

    def get_many(self, account_ids: Sequence[str]) -> list[Account]:
        if not account_ids:
            return []
        query = select(accounts).where(accounts.c.id.in_(list(dict.fromkeys(account_ids))))
        return [account_from(r, self.uow.box) for r in self.uow.execute(query).mappings()]

    def company_watchers(self, company_id: str, on: date) -> list[Account]:
        holders = select(activations.c.account_id).join(
            contracts, contracts.c.id == activations.c.contract_id).where(
            contracts.c.company_id == company_id, contracts.c.valid_from <= on,
            contracts.c.valid_until >= on)
        query = select(accounts).where(
            accounts.c.notify_company_tickets.is_(True),
            accounts.c.role == Role.CUSTOMER.value,
            accounts.c.state == AccountState.ACTIVE.value,
            accounts.c.id.in_(holders)).order_by(accounts.c.id)
        return [account_from(r, self.uow.box) for r in self.uow.execute(query).mappings()]

    def list_staff(self) -> list[Account]:
        query = (select(accounts)
                 .where(accounts.c.role.in_([Role.ENGINEER.value, Role.ADMIN.value]))
                 .order_by(accounts.c.last_name, accounts.c.first_name, accounts.c.id))
        return [account_from(r, self.uow.box) for r in self.uow.execute(query).mappings()]

    def replace_recovery_codes(self, account_id: str, code_hashes: Sequence[str],
                               at: datetime) -> None:
        self.uow.execute(delete(recovery_codes).where(recovery_codes.c.account_id == account_id))
        if code_hashes:
            self.uow.execute(insert(recovery_codes), [
                {"account_id": account_id, "code_hash": h, "created_at": at}
                for h in dict.fromkeys(code_hashes)])

    def use_recovery_code(self, account_id: str, code_hash: str) -> bool:
        statement = delete(recovery_codes).where(recovery_codes.c.account_id == account_id,
                                                 recovery_codes.c.code_hash == code_hash)
        return bool(self.uow.execute(statement).rowcount == 1)

    def recovery_codes_left(self, account_id: str) -> int:
        query = select(func.count()).select_from(recovery_codes).where(
            recovery_codes.c.account_id == account_id)
        return int(self.uow.execute(query).scalar_one())
