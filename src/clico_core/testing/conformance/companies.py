"""Conformance: what contract administration and the company view read and write."""

from __future__ import annotations

from datetime import date, timedelta

from ...audit import AuditEvent, AuditKind
from ...contracts import Activation, hash_contract_key
from ...ports import UnitOfWorkFactory
from ...tickets import TicketStatus
from .. import builders as b

T0 = b.T0


class CompanyConformance:
    def test_contract_update_writes_terms_key_revocation_and_assets(
            self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        a1, a2, a3 = (b.asset(company.id, name) for name in ("A1", "A2", "A3"))
        contract = b.contract(company.id, [a1.id, a2.id])
        with uow_factory() as uow:
            uow.companies.add(company)
            for asset in (a1, a2, a3):
                uow.assets.add(asset)
            uow.contracts.add(contract)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.contracts.get(contract.id)
            assert loaded is not None and loaded.revoked_at is None
            loaded.support_level = "premium"
            loaded.valid_from, loaded.valid_until = date(2026, 2, 1), date(2028, 1, 31)
            loaded.key_hash = hash_contract_key("NEW-KEY")
            loaded.asset_ids = [a3.id, a1.id]
            loaded.revoked_at = T0 + timedelta(hours=1)
            uow.contracts.update(loaded)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            again = uow.contracts.get_by_number(contract.number)
            assert again is not None
            assert (again.support_level, again.valid_from, again.valid_until) == (
                "premium", date(2026, 2, 1), date(2028, 1, 31))
            assert again.key_matches("NEW-KEY") and not again.key_matches("KEY-1")
            assert again.asset_ids == [a3.id, a1.id]
            assert again.revoked_at == T0 + timedelta(hours=1)
            assert again.revoked and not again.covers(a1.id)

    def test_activation_counts_and_company_assets(self, uow_factory: UnitOfWorkFactory
                                                  ) -> None:
        company, other = b.company("Acme"), b.company("Beta")
        people = [b.account(company.id) for _ in range(3)]
        assets = [b.asset(company.id, name) for name in ("Zeta", "Alpha", "Mid")]
        foreign = b.asset(other.id, "Alpha")
        used, unused = b.contract(company.id), b.contract(company.id)
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.companies.add(other)
            for item in (*assets, foreign):
                uow.assets.add(item)
            for person in people:
                uow.accounts.add(person)
            uow.contracts.add(used)
            uow.contracts.add(unused)
            for person in people[:2]:
                uow.contracts.activate(Activation(used.id, person.id, T0))
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.contracts.activation_counts([used.id, unused.id]) == {
                used.id: 2, unused.id: 0}
            assert uow.contracts.activation_counts([]) == {}
            assert [a.name for a in uow.assets.list_for_company(company.id, 10)] == [
                "Alpha", "Mid", "Zeta"]
            assert [a.name for a in uow.assets.list_for_company(company.id, 2)] == [
                "Alpha", "Mid"]

    def test_company_search_by_name_number_serial_and_email(
            self, uow_factory: UnitOfWorkFactory) -> None:
        acme, beta, gamma = b.company("Acme 100% Sp. z o.o."), b.company("Beta"), \
            b.company("Gamma_X")
        asset = b.asset(beta.id)
        contract = b.contract(gamma.id, number="UM-77")
        person = b.account(acme.id, "jan.k")
        with uow_factory() as uow:
            for company in (acme, beta, gamma):
                uow.companies.add(company)
            uow.assets.add(asset)
            uow.contracts.add(contract)
            uow.accounts.add(person)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            def names(text: str, limit: int = 10) -> list[str]:
                return [c.name for c in uow.companies.search(text, limit)]

            assert names("acme") == ["Acme 100% Sp. z o.o."]
            assert names("A") == ["Acme 100% Sp. z o.o.", "Beta", "Gamma_X"]
            assert names("A", 2) == ["Acme 100% Sp. z o.o.", "Beta"]
            assert names("100%") == ["Acme 100% Sp. z o.o."]
            assert names("%") == ["Acme 100% Sp. z o.o."]  # a wildcard is a character
            assert names("a_x") == ["Gamma_X"]
            assert names("ma x") == []
            assert names("UM-77") == ["Gamma_X"]
            assert names(asset.serial) == ["Beta"]
            assert names("JAN.K@EXAMPLE.COM") == ["Acme 100% Sp. z o.o."]
            assert names("nothing") == []

    def test_open_ticket_counts_by_asset(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        person = b.account(company.id)
        a1, a2, a3 = (b.asset(company.id) for _ in range(3))
        tickets = [b.ticket(company.id, person.id, "T1", asset_ids=[a1.id, a2.id]),
                   b.ticket(company.id, person.id, "T2", asset_ids=[a1.id]),
                   b.ticket(company.id, person.id, "T3", asset_ids=[a2.id],
                            status=TicketStatus.CLOSED)]
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(person)
            for asset in (a1, a2, a3):
                uow.assets.add(asset)
            for ticket in tickets:
                uow.tickets.add(ticket)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            assert uow.tickets.open_counts_by_asset([a1.id, a2.id, a3.id]) == {
                a1.id: 2, a2.id: 1, a3.id: 0}
            assert uow.tickets.open_counts_by_asset([]) == {}

    def test_contract_history_is_its_own_oldest_first(self, uow_factory: UnitOfWorkFactory
                                                      ) -> None:
        kinds = (AuditKind.CONTRACT_CREATED, AuditKind.CONTRACT_KEY_REGENERATED,
                 AuditKind.CONTRACT_REVOKED)
        with uow_factory() as uow:
            for minutes, kind in enumerate(kinds):
                uow.audit.record(AuditEvent(kind, T0 + timedelta(minutes=minutes), "ac1",
                                            detail="x", contract_id="ct1"))
            uow.audit.record(AuditEvent(AuditKind.CONTRACT_CREATED, T0, "ac1",
                                        contract_id="ct2"))
            uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, T0, "ac1"))
            uow.commit()
        with uow_factory(readonly=True) as uow:
            history = uow.audit.for_contract("ct1")
            assert [e.kind for e in history] == list(kinds)
            assert all(e.contract_id == "ct1" and e.account_id == "ac1" for e in history)
            assert [e.kind for e in uow.audit.for_contract("ct1", limit=1)] == [kinds[0]]
            assert uow.audit.for_contract("nobody") == []
