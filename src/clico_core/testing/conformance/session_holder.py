"""Conformance: ``SessionRepository.get_with_holder`` and ``ApiTokenRepository.
get_with_holder``, the lookups of every signed-in request and every API request, must equal
the three reads each stands for."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrs import asdict

from ...api_tokens import ApiScope, ApiToken
from ...contracts import Activation
from ...ports import UnitOfWork, UnitOfWorkFactory
from ...sessions import Session, SessionLevel
from .. import builders as b

T0 = b.T0
IN_2026 = date(2026, 6, 1)


def _values(session: Any, account: Any, contracts: Any) -> tuple[Any, ...]:
    # entities compare by identity (eq=False): compare their fields
    return asdict(session), asdict(account), [asdict(c) for c in contracts]


def _separately(uow: UnitOfWork, session_hash: str, on: date) -> tuple[Any, ...] | None:
    session = uow.sessions.get(session_hash)
    account = uow.accounts.get(session.account_id) if session else None
    if session is None or account is None:
        return None
    return _values(session, account, uow.contracts.active_for_account(account.id, on))


class SessionHolderConformance:
    def _world(self, uow_factory: UnitOfWorkFactory) -> dict[str, str]:
        acme, beta = b.company("Acme"), b.company("Beta")
        owner, colleague, loner = (b.account(acme.id), b.account(acme.id), b.account(beta.id))
        assets = [b.asset(acme.id, f"PA-{i}") for i in range(3)]
        # the assets' order is the contract's (positions), not the ids' or the names'
        wide = b.contract(acme.id, [assets[2].id, assets[0].id, assets[1].id], number="C-200")
        bare = b.contract(beta.id, [], number="C-100")
        lapsed = b.contract(acme.id, [assets[0].id], number="C-050",
                            valid_until=date(2026, 3, 1))
        others = b.contract(acme.id, [assets[1].id], number="C-300")
        with uow_factory() as uow:
            for company in (acme, beta):
                uow.companies.add(company)
            for account in (owner, colleague, loner):
                uow.accounts.add(account)
            for asset in assets:
                uow.assets.add(asset)
            for contract in (wide, bare, lapsed, others):
                uow.contracts.add(contract)
            for contract in (wide, bare, lapsed):
                uow.contracts.activate(Activation(contract.id, owner.id, T0))
            uow.contracts.activate(Activation(others.id, colleague.id, T0))
            for digest, account in (("t-owner", owner), ("t-loner", loner)):
                uow.api_tokens.add(ApiToken(f"id-{digest}", account.id, "script", digest,
                                            ApiScope.READ, T0, None))
            for digest, account, level in (("s-owner", owner, SessionLevel.FULL),
                                           ("s-pending", owner, SessionLevel.PENDING_CODE),
                                           ("s-loner", loner, SessionLevel.FULL)):
                uow.sessions.add(Session(digest, account.id, level, T0, T0))
            uow.commit()
        return {"owner": owner.id, "wide": wide.id, "bare": bare.id, "lapsed": lapsed.id,
                "a0": assets[0].id, "a1": assets[1].id, "a2": assets[2].id}

    def test_holder_is_the_session_its_account_and_active_contracts(
            self, uow_factory: UnitOfWorkFactory) -> None:
        ids = self._world(uow_factory)
        with uow_factory(readonly=True) as uow:
            holder = uow.sessions.get_with_holder("s-owner", IN_2026)
            assert holder is not None
            assert holder.session.session_hash == "s-owner"
            assert holder.account.id == ids["owner"]
            # ordered by number, only those valid on the day, activated by this account
            assert [c.id for c in holder.active_contracts] == [ids["bare"], ids["wide"]]
            assert holder.active_contracts[1].asset_ids == [ids["a2"], ids["a0"], ids["a1"]]
            assert holder.active_contracts[0].asset_ids == []
            for digest in ("s-owner", "s-pending", "s-loner"):
                for day in (IN_2026, date(2026, 2, 1), date(2030, 1, 1)):
                    found = uow.sessions.get_with_holder(digest, day)
                    assert found is not None
                    assert _values(found.session, found.account, found.active_contracts
                                   ) == _separately(uow, digest, day), (digest, day)
            in_february = uow.sessions.get_with_holder("s-owner", date(2026, 2, 1))
            assert in_february is not None
            assert [c.id for c in in_february.active_contracts] == [
                ids["lapsed"], ids["bare"], ids["wide"]]

    def test_unknown_session_has_no_holder(self, uow_factory: UnitOfWorkFactory) -> None:
        self._world(uow_factory)
        with uow_factory(readonly=True) as uow:
            assert uow.sessions.get_with_holder("nope", IN_2026) is None

    def test_holder_in_a_write_unit_of_work(self, uow_factory: UnitOfWorkFactory) -> None:
        """Readable where the session is then changed (SQL adapters lock what they read)."""
        self._world(uow_factory)
        with uow_factory() as uow:
            holder = uow.sessions.get_with_holder("s-owner", IN_2026)
            assert holder is not None and len(holder.active_contracts) == 2
            assert uow.sessions.revoke("s-owner", T0)
            uow.commit()
        with uow_factory(readonly=True) as uow:
            again = uow.sessions.get_with_holder("s-owner", IN_2026)
            assert again is not None and again.session.revoked_at == T0

    def test_token_holder_is_the_token_its_account_and_active_contracts(
            self, uow_factory: UnitOfWorkFactory) -> None:
        ids = self._world(uow_factory)
        with uow_factory(readonly=True) as uow:
            holder = uow.api_tokens.get_with_holder("t-owner", IN_2026)
            assert holder is not None
            assert (holder.token.id, holder.account.id) == ("id-t-owner", ids["owner"])
            assert [c.id for c in holder.active_contracts] == [ids["bare"], ids["wide"]]
            assert holder.active_contracts[1].asset_ids == [ids["a2"], ids["a0"], ids["a1"]]
            for digest in ("t-owner", "t-loner"):
                for day in (IN_2026, date(2026, 2, 1), date(2030, 1, 1)):
                    found = uow.api_tokens.get_with_holder(digest, day)
                    token = uow.api_tokens.get_by_hash(digest)
                    assert found is not None and token is not None
                    account = uow.accounts.get(token.account_id)
                    assert account is not None
                    assert (asdict(found.token), *_values(
                        found.account, found.account, found.active_contracts)[1:]) == (
                        asdict(token), *_values(account, account, uow.contracts
                                                .active_for_account(account.id, day))[1:])
            assert uow.api_tokens.get_with_holder("nope", IN_2026) is None
