"""Conformance: the accounts a ticket's mails and history name (``company_watchers``,
``get_many``), and the notification setting's round trip."""

from __future__ import annotations

from datetime import date

from ...accounts import AccountState
from ...contracts import Activation
from ...ports import UnitOfWorkFactory
from ...values import Role
from .. import builders as b

T0 = b.T0
ON = date(2026, 6, 1)


class NotificationConformance:
    def test_the_setting_round_trips(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        account = b.account(company.id)
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.accounts.get(account.id)
            assert loaded is not None and loaded.notify_company_tickets is False
            loaded.notify_company_tickets = True
            uow.accounts.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.accounts.get(account.id)
            assert again is not None and again.notify_company_tickets is True

    def test_watchers_opted_in_active_customers_holding_a_valid_contract(
            self, uow_factory: UnitOfWorkFactory) -> None:
        acme, beta = b.company(), b.company("Beta")
        current = b.contract(acme.id, number="C-A1")
        expired = b.contract(acme.id, number="C-A2", valid_until=date(2026, 3, 1))
        other = b.contract(beta.id, number="C-B1")

        def person(login: str, contract_ids: tuple[str, ...], **changes: object) -> str:
            account = b.account(acme.id, login, **{"notify_company_tickets": True, **changes})
            uow.accounts.add(account)
            for contract_id in contract_ids:
                uow.contracts.activate(Activation(contract_id, account.id, T0))
            return account.id

        with uow_factory() as uow:
            uow.companies.add(acme)
            uow.companies.add(beta)
            for contract in (current, expired, other):
                uow.contracts.add(contract)
            watching = person("zoe", (current.id, other.id))
            also = person("abe", (current.id,))
            person("quiet", (current.id,), notify_company_tickets=False)
            person("gone", (current.id,), state=AccountState.DISABLED)
            person("new", (current.id,), state=AccountState.AWAITING_CONFIRMATION)
            person("staff", (current.id,), role=Role.ENGINEER)
            person("lapsed", (expired.id,))
            person("elsewhere", (other.id,))
            person("none", ())
            uow.commit()
        with uow_factory() as uow:
            found = [a.id for a in uow.accounts.company_watchers(acme.id, ON)]
            assert found == sorted([watching, also])
            assert all(a.notify_company_tickets for a in uow.accounts.company_watchers(
                acme.id, ON))
            in_beta = uow.accounts.company_watchers(beta.id, ON)  # by contract, not by account
            assert sorted(a.login for a in in_beta) == ["elsewhere", "zoe"]
            assert [a.id for a in in_beta] == sorted(a.id for a in in_beta)
            assert uow.accounts.company_watchers(acme.id, date(2027, 1, 2)) == []
            assert uow.accounts.company_watchers("missing", ON) == []

    def test_get_many_reads_the_accounts_asked_for(self, uow_factory: UnitOfWorkFactory
                                                   ) -> None:
        company = b.company()
        first, second = b.account(company.id), b.account(company.id, first_name="Ola")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(first)
            uow.accounts.add(second)
            uow.commit()
        with uow_factory() as uow:
            found = uow.accounts.get_many([second.id, "missing", second.id, first.id])
            assert sorted(a.id for a in found) == sorted([first.id, second.id])
            assert {a.id: a.first_name for a in found}[second.id] == "Ola"
            assert uow.accounts.get_many([]) == []
