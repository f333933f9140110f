"""Conformance: units of work and every repository except the ticket list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ...accounts import Account
from ...assets import Asset
from ...audit import AuditEvent, AuditKind
from ...companies import Company
from ...contracts import Activation, Contract
from ...errors import ConcurrencyConflict, DuplicateContractNumber, ValidationFailed
from ...ports import UnitOfWorkFactory
from ...sessions import SecondFactor, Session, SessionLevel
from ...tokens import Token, TokenPurpose
from ...values import Role
from .. import builders as b

T0 = b.T0


class RepositoryConformance:
    # --- unit of work ------------------------------------------------------------------
    def test_leaving_without_commit_rolls_back(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        with uow_factory() as uow:
            uow.companies.add(company)
        with uow_factory() as uow:
            assert uow.companies.get(company.id) is None

    def test_commit_persists_and_exception_rolls_back(self, uow_factory: UnitOfWorkFactory
                                                      ) -> None:
        kept, lost = b.company("Kept"), b.company("Lost")
        with uow_factory() as uow:
            uow.companies.add(kept)
            uow.commit()
        with pytest.raises(RuntimeError), uow_factory() as uow:
            uow.companies.add(lost)
            raise RuntimeError("boom")
        with uow_factory(readonly=True) as uow:
            assert uow.companies.get(kept.id) is not None
            assert uow.companies.get(lost.id) is None

    def test_explicit_rollback_discards(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.rollback()
            uow.commit()
        with uow_factory() as uow:
            assert uow.companies.get(company.id) is None

    # --- companies and accounts ------------------------------------------------------------
    def test_companies_by_normalised_name(self, uow_factory: UnitOfWorkFactory) -> None:
        acme, beta = b.company("Acme  Sp. z o.o."), b.company("Beta")
        with uow_factory() as uow:
            uow.companies.add(beta)
            uow.companies.add(acme)
            uow.commit()
        with uow_factory() as uow:
            found = uow.companies.get_by_name("acme sp. z O.O.")
            assert found is not None and found.id == acme.id
            assert uow.companies.get_by_name("Gamma") is None
            assert [c.name for c in uow.companies.list_by_ids()] == ["Acme  Sp. z o.o.", "Beta"]
            assert [c.id for c in uow.companies.list_by_ids([beta.id])] == [beta.id]

    def test_account_round_trip_and_update(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        account = b.account(company.id, "Jan.K", organisation="Acme typed")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.accounts.get_by_login("jan.k")
            assert loaded is not None
            for name in ("id", "login", "email", "first_name", "last_name", "phone",
                         "company_id", "password_hash", "created_at", "language", "role",
                         "state", "two_factor", "organisation", "security_stamp",
                         "totp_secret", "totp_last_step"):
                assert getattr(loaded, name) == getattr(account, name), name
            loaded.record_sign_in(at=T0 + timedelta(hours=1, microseconds=123))
            loaded.failed_sign_ins = 0
            loaded.disable()
            uow.accounts.update(loaded)
            uow.commit()
        with uow_factory() as uow:
            again = uow.accounts.get_by_email(account.email.upper())
            assert again is not None
            assert again.last_sign_in_at == T0 + timedelta(hours=1, microseconds=123)
            assert again.state.value == "disabled"
            assert again.security_stamp == account.security_stamp + 2

    def test_totp_steps_only_move_forward(self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        account = b.account(company.id, totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(account)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.advance_totp_step(account.id, 100)
            assert not uow.accounts.advance_totp_step(account.id, 100)  # a replay
            assert not uow.accounts.advance_totp_step(account.id, 99)
            assert uow.accounts.advance_totp_step(account.id, 101)
            assert not uow.accounts.advance_totp_step("missing", 1)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.accounts.get(account.id)
            assert loaded is not None
            assert loaded.totp_secret == account.totp_secret and loaded.totp_last_step == 101

    def test_recovery_codes_are_replaced_and_used_once(
            self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        account, other = b.account(company.id), b.account(company.id, "other")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(account)
            uow.accounts.add(other)
            uow.accounts.replace_recovery_codes(account.id, ["a1", "a2", "a3"], T0)
            uow.accounts.replace_recovery_codes(other.id, ["a1"], T0)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.recovery_codes_left(account.id) == 3
            assert uow.accounts.use_recovery_code(account.id, "a2")
            assert not uow.accounts.use_recovery_code(account.id, "a2")  # used
            assert not uow.accounts.use_recovery_code(account.id, "zz")
            assert not uow.accounts.use_recovery_code("missing", "a1")
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.recovery_codes_left(account.id) == 2
            assert uow.accounts.recovery_codes_left(other.id) == 1  # untouched
            uow.accounts.replace_recovery_codes(account.id, ["b1"], T0)
            assert not uow.accounts.use_recovery_code(account.id, "a1")  # the old set died
            uow.accounts.use_recovery_code(account.id, "b1")
            # rolled back: nothing of this unit of work stays
        with uow_factory() as uow:
            assert uow.accounts.recovery_codes_left(account.id) == 2
            uow.accounts.replace_recovery_codes(account.id, [], T0)
            uow.commit()
        with uow_factory() as uow:
            assert uow.accounts.recovery_codes_left(account.id) == 0

    def test_login_and_email_are_unique_case_insensitively(
            self, uow_factory: UnitOfWorkFactory) -> None:
        company = b.company()
        first = b.account(company.id, "anna")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(first)
            uow.commit()
        with pytest.raises(ValidationFailed) as login_taken, uow_factory() as uow:
            uow.accounts.add(b.account(company.id, "ANNA", email="other@example.com"))
        assert login_taken.value.fields == {"login": "login_taken"}
        with pytest.raises(ValidationFailed) as email_taken, uow_factory() as uow:
            uow.accounts.add(b.account(company.id, "anna2", email="ANNA@example.com"))
        assert email_taken.value.fields == {"email": "email_taken"}

    def test_accounts_of_companies(self, uow_factory: UnitOfWorkFactory) -> None:
        acme, beta = b.company("Acme"), b.company("Beta")
        with uow_factory() as uow:
            for c in (acme, beta):
                uow.companies.add(c)
            uow.accounts.add(b.account(acme.id, "zed", last_name="Zawada"))
            uow.accounts.add(b.account(acme.id, "abe", last_name="Adamski"))
            uow.accounts.add(b.account(beta.id, "bob"))
            uow.commit()
        with uow_factory() as uow:
            assert [a.login for a in uow.accounts.list_for_companies([acme.id])] == ["abe", "zed"]
            assert len(uow.accounts.list_for_companies()) == 3
            assert uow.accounts.list_staff() == []

    def test_staff_accounts(self, uow_factory: UnitOfWorkFactory) -> None:
        acme = b.company("Acme")
        with uow_factory() as uow:
            uow.companies.add(acme)
            uow.accounts.add(b.account(acme.id, "cust"))
            uow.accounts.add(b.account(acme.id, "zed", last_name="Zawada", role=Role.ENGINEER))
            uow.accounts.add(b.account(acme.id, "abe", last_name="Adamski", role=Role.ADMIN))
            uow.commit()
        with uow_factory() as uow:
            assert [a.login for a in uow.accounts.list_staff()] == ["abe", "zed"]

    # --- contracts and assets --------------------------------------------------------------
    def _contract_world(self, uow_factory: UnitOfWorkFactory
                        ) -> tuple[Company, Account, list[Asset], Contract]:
        company = b.company()
        account = b.account(company.id)
        assets = [b.asset(company.id, f"PA-{i}") for i in range(3)]
        contract = b.contract(company.id, [a.id for a in assets[:2]], number="C-100")
        with uow_factory() as uow:
            uow.companies.add(company)
            uow.accounts.add(account)
            for a in assets:
                uow.assets.add(a)
            uow.contracts.add(contract)
            uow.commit()
        return company, account, assets, contract

    def test_contract_round_trip(self, uow_factory: UnitOfWorkFactory) -> None:
        company, _, assets, contract = self._contract_world(uow_factory)
        with uow_factory() as uow:
            loaded = uow.contracts.get_by_number("C-100")
            assert loaded is not None and loaded.id == contract.id
            assert loaded.key_hash == contract.key_hash
            assert loaded.valid_from == contract.valid_from
            assert loaded.valid_until == contract.valid_until
            assert sorted(loaded.asset_ids) == sorted(a.id for a in assets[:2])
            assert [c.id for c in uow.contracts.list_for_company(company.id)] == [contract.id]
            assert uow.contracts.get("missing") is None

    def test_contract_pages_by_company_name(self, uow_factory: UnitOfWorkFactory) -> None:
        """Code point order on every engine: "Zeta" < "alfa" < "Żaba"."""
        owners = [b.company(b.new_id(name)) for name in ("Żaba ", "alfa ", "Zeta ")]
        made: dict[str, list[Contract]] = {}
        with uow_factory() as uow:
            for owner in owners:
                uow.companies.add(owner)
                made[owner.id] = [b.contract(owner.id, number=b.new_id(f"N-{i}-"))
                                  for i in (2, 1)]
                for contract in made[owner.id]:
                    uow.contracts.add(contract)
            uow.commit()
        with uow_factory() as uow:
            one = uow.contracts.page_by_company_name(owners[0].id, 0, 10)
            assert one.total == 2
            assert [(c.number, name) for c, name in one.rows] == sorted(
                (c.number, owners[0].name) for c in made[owners[0].id])
            assert [(c.id, name) for c, name in uow.contracts.page_by_company_name(
                owners[0].id, 1, 10).rows] == [(c.id, name) for c, name in one.rows[1:]]
            assert uow.contracts.page_by_company_name(owners[0].id, 5, 10).rows == ()
            # every company's, two at a time: each row once, in (name, number) order
            first = uow.contracts.page_by_company_name(None, 0, 2)
            walked: list[tuple[str, str]] = []
            for start in range(0, first.total, 2):
                page = uow.contracts.page_by_company_name(None, start, 2)
                assert page.total == first.total and len(page.rows) <= 2
                walked += [(name, c.number) for c, name in page.rows]
            assert walked == sorted(walked) and len(set(walked)) == first.total
            ours = [row for row in walked if row[0] in {o.name for o in owners}]
            assert [name for name, _ in ours] == [owners[2].name] * 2 + [
                owners[1].name] * 2 + [owners[0].name] * 2
            loaded = uow.contracts.page_by_company_name(owners[1].id, 0, 1).rows[0][0]
            wanted = next(c for c in made[owners[1].id] if c.number == loaded.number)
            assert (loaded.id, loaded.company_id, loaded.key_hash, loaded.valid_until) == (
                wanted.id, wanted.company_id, wanted.key_hash, wanted.valid_until)

    def test_contract_numbers_are_unique(self, uow_factory: UnitOfWorkFactory) -> None:
        company, *_ = self._contract_world(uow_factory)
        with pytest.raises(DuplicateContractNumber), uow_factory() as uow:
            uow.contracts.add(b.contract(company.id, number="C-100"))

    def test_activation_happens_once_per_account(self, uow_factory: UnitOfWorkFactory) -> None:
        company, account, _, contract = self._contract_world(uow_factory)
        other = b.account(company.id)
        with uow_factory() as uow:
            uow.accounts.add(other)
            assert uow.contracts.activate(Activation(contract.id, account.id, T0))
            assert not uow.contracts.activate(Activation(contract.id, account.id, T0))
            assert uow.contracts.activate(Activation(contract.id, other.id, T0))
            uow.commit()
        with uow_factory() as uow:
            assert not uow.contracts.activate(Activation(contract.id, account.id, T0))
            assert {a.account_id for a in uow.contracts.activations_of(contract.id)} == {
                account.id, other.id}
            assert [a.contract_id for a in uow.contracts.activations_for_account(account.id)
                    ] == [contract.id]
            assert [c.id for c in uow.contracts.active_for_account(
                account.id, date(2026, 6, 1))] == [contract.id]
            assert uow.contracts.active_for_account(account.id, date(2027, 1, 2)) == []
            assert uow.contracts.active_for_account(account.id, date(2025, 12, 31)) == []

    def test_covered_assets_paged_by_category(self, uow_factory: UnitOfWorkFactory) -> None:
        company, _, assets, contract = self._contract_world(uow_factory)
        extra = b.asset(company.id, "AAA-first", vendor="OTHER", category="default")
        with uow_factory() as uow:
            uow.assets.add(extra)
            loaded = uow.contracts.get(contract.id)
            assert loaded is not None
            second = b.contract(company.id, [extra.id, assets[0].id], number="C-200")
            uow.contracts.add(second)
            uow.commit()
        with uow_factory() as uow:
            page = uow.assets.page_covered([contract.id, second.id], None, 1, 2)
            assert page.total == 3
            assert [a.name for a in page.rows] == ["AAA-first", "PA-0"]
            assert dict(page.categories) == {"PALO_ALTO": 2, "default": 1}
            assert [a.name for a in uow.assets.page_covered(
                [contract.id, second.id], None, 2, 2).rows] == ["PA-1"]
            only = uow.assets.page_covered([contract.id, second.id], "PALO_ALTO", 1, 10)
            assert [a.name for a in only.rows] == ["PA-0", "PA-1"] and only.total == 2
            assert uow.assets.page_covered([], None, 1, 10).total == 0
            got = uow.assets.get_many([assets[2].id, "missing"])
            assert [a.id for a in got] == [assets[2].id]

    # --- tickets (not the list) ------------------------------------------------------------
    def test_ticket_numbers_are_distinct_and_increasing(self, uow_factory: UnitOfWorkFactory
                                                        ) -> None:
        with uow_factory() as uow:
            first, second = uow.tickets.next_number(), uow.tickets.next_number()
            uow.commit()
        with uow_factory() as uow:
            third = uow.tickets.next_number()
        assert first < second < third

    def test_ticket_round_trip_with_answers_and_assets(self, uow_factory: UnitOfWorkFactory
                                                       ) -> None:
        company, account, assets, _ = self._contract_world(uow_factory)
        ticket = b.ticket(company.id, account.id, "CSS-000001", asset_ids=[assets[0].id],
                          answers={"occurred_on": "2026-01-01", "production": "yes"},
                          idempotency_key="form-1")
        with uow_factory() as uow:
            uow.tickets.add(ticket)
            uow.commit()
        with uow_factory() as uow:
            loaded = uow.tickets.get_by_number("CSS-000001")
            assert loaded is not None
            for name in ("id", "kind", "subject", "description", "priority", "relation_type",
                         "company_id", "reporter_id", "created_at", "modified_at", "status",
                         "asset_ids", "questionnaire_id", "answers", "idempotency_key"):
                assert getattr(loaded, name) == getattr(ticket, name), name
            same = uow.tickets.get_by_idempotency_key(account.id, "form-1")
            assert same is not None and same.id == ticket.id
            assert uow.tickets.get_by_idempotency_key(account.id, "form-2") is None
            assert uow.tickets.get(ticket.id) is not None

    def test_an_idempotency_key_makes_one_ticket(self, uow_factory: UnitOfWorkFactory) -> None:
        company, account, _, _ = self._contract_world(uow_factory)
        with uow_factory() as uow:
            uow.tickets.add(b.ticket(company.id, account.id, "CSS-1", idempotency_key="k"))
            uow.commit()
        with pytest.raises(ConcurrencyConflict), uow_factory() as uow:
            uow.tickets.add(b.ticket(company.id, account.id, "CSS-2", idempotency_key="k"))
            uow.commit()

    # --- tokens, sessions, attempts, audit -------------------------------------------------------
    def test_tokens_are_purpose_bound_and_consumed_once(
            self, uow_factory: UnitOfWorkFactory) -> None:
        _, account, *_ = self._contract_world(uow_factory)
        token = Token("h" * 64, TokenPurpose.RESET_PASSWORD, account.id, 3, T0,
                      T0 + timedelta(hours=1))
        with uow_factory() as uow:
            uow.tokens.add(token)
            uow.commit()
        with uow_factory() as uow:
            assert uow.tokens.get(TokenPurpose.CONFIRM_EMAIL, token.token_hash) is None
            loaded = uow.tokens.get(TokenPurpose.RESET_PASSWORD, token.token_hash)
            assert loaded is not None and loaded.security_stamp == 3
            assert loaded.expires_at == token.expires_at
            assert uow.tokens.consume(token.token_hash, T0)
            assert not uow.tokens.consume(token.token_hash, T0)
            uow.commit()
        with uow_factory() as uow:
            used = uow.tokens.get(TokenPurpose.RESET_PASSWORD, token.token_hash)
            assert used is not None and used.used_at == T0
            assert not uow.tokens.consume("unknown", T0)

    def test_sessions(self, uow_factory: UnitOfWorkFactory) -> None:
        _, account, *_ = self._contract_world(uow_factory)
        one = Session("s1", account.id, SessionLevel.PENDING_CODE, T0, T0, "198.51.100.1",
                      code_hash="c", code_expires_at=T0 + timedelta(minutes=10), code_sent_at=T0,
                      codes_sent=1)
        two = Session("s2", account.id, SessionLevel.FULL, T0, T0,
                      second_factor=SecondFactor.TOTP)
        three = Session("s3", account.id, SessionLevel.FULL, T0, T0)
        with uow_factory() as uow:
            for s in (one, two, three):
                uow.sessions.add(s)
            uow.commit()
        with uow_factory() as uow:
            assert uow.sessions.record_code_failure("s1") == 1
            assert uow.sessions.record_code_failure("s1") == 2
            loaded = uow.sessions.get("s1")
            assert loaded is not None and loaded.code_failures == 2 and loaded.codes_sent == 1
            assert loaded.code_expires_at == one.code_expires_at and loaded.client == one.client
            loaded.code_hash, loaded.codes_sent = "d", 2
            uow.sessions.update(loaded)
            uow.sessions.touch("s2", T0 + timedelta(minutes=5))
            assert uow.sessions.revoke("s1", T0)
            assert not uow.sessions.revoke("s1", T0)
            assert uow.sessions.revoke_all(account.id, T0, except_hash="s3") == 1
            uow.commit()
        with uow_factory() as uow:
            s1, s2, s3 = (uow.sessions.get(h) for h in ("s1", "s2", "s3"))
            assert s1 is not None and s1.code_hash == "d" and s1.revoked_at == T0
            assert s2 is not None and s2.revoked_at == T0
            assert s2.last_seen_at == T0 + timedelta(minutes=5)
            assert s2.second_factor is SecondFactor.TOTP and s1.second_factor.value == "email"
            assert s3 is not None and s3.revoked_at is None
            assert uow.sessions.get("nope") is None

    def test_attempts_in_a_window(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            for minute in (0, 1, 2):
                uow.attempts.add("k", T0 + timedelta(minutes=minute))
            uow.attempts.add("other", T0)
            uow.commit()
        with uow_factory() as uow:
            assert uow.attempts.count_since("k", T0 - timedelta(seconds=1)) == 3
            assert uow.attempts.count_since("k", T0) == 2  # strictly after ``since``
            assert uow.attempts.oldest_since("k", T0) == T0 + timedelta(minutes=1)
            assert uow.attempts.oldest_since("none", T0) is None
            assert uow.attempts.newest_since("k", T0) == T0 + timedelta(minutes=2)
            assert uow.attempts.newest_since("k", T0 + timedelta(minutes=2)) is None
            uow.attempts.clear("k")
            uow.commit()
        with uow_factory() as uow:
            assert uow.attempts.count_since("k", T0 - timedelta(days=1)) == 0
            assert uow.attempts.count_since("other", T0 - timedelta(days=1)) == 1

    def test_a_claim_is_held_until_it_lapses(self, uow_factory: UnitOfWorkFactory) -> None:
        hour = timedelta(hours=1)
        with uow_factory() as uow:
            assert uow.attempts.claim("k", T0, T0 + hour)
            assert not uow.attempts.claim("k", T0 + timedelta(minutes=59), T0 + 2 * hour)
            assert uow.attempts.claim("other", T0, T0 + hour)
            uow.commit()
        with uow_factory() as uow:
            assert not uow.attempts.claim("k", T0 + timedelta(minutes=30), T0 + 2 * hour)
            assert uow.attempts.claim("k", T0 + hour, T0 + 2 * hour)  # lapsed: taken again
            assert not uow.attempts.claim("k", T0 + hour, T0 + 2 * hour)
        with uow_factory() as uow:  # that claim was rolled back with its unit of work
            assert uow.attempts.claim("k", T0 + hour, T0 + 2 * hour)
            uow.commit()
        with uow_factory() as uow:
            assert not uow.attempts.claim("k", T0 + hour + timedelta(minutes=59), T0 + 3 * hour)

    def test_audit_log_newest_first(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.audit.record(AuditEvent(AuditKind.SIGN_IN_FAILED, T0, None, "198.51.100.7"))
            uow.audit.record(AuditEvent(AuditKind.SIGNED_IN, T0 + timedelta(seconds=1), "a1",
                                        "198.51.100.7", "note"))
            uow.commit()
        with uow_factory() as uow:
            events = uow.audit.recent()
            assert [e.kind for e in events] == [AuditKind.SIGNED_IN, AuditKind.SIGN_IN_FAILED]
            assert events[0].detail == "note" and events[0].at == T0 + timedelta(seconds=1)
            assert [e.kind for e in uow.audit.recent("a1")] == [AuditKind.SIGNED_IN]
            assert len(uow.audit.recent(limit=1)) == 1
