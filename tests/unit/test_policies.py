"""One focused test per named policy."""

from __future__ import annotations

from datetime import date

import pytest

from clico_core.accounts import AccountState
from clico_core.contracts import Activation
from clico_core.errors import (
    AccountDisabled,
    AccountNotConfirmed,
    AssetNotCovered,
    ContractAlreadyActive,
    ContractNotValidNow,
    IncompleteAnswers,
    InvalidContractKey,
    PasswordResetRequired,
)
from clico_core.policies import (
    AccountSignsInOnlyWhenConfirmedAndEnabled,
    AnswersCompleteAndTyped,
    ContractActivatesOncePerAccount,
    ContractActivatesOnValidKey,
    ContractActivatesWithinValidity,
    MigratedAccountMustResetPassword,
    TechnicalTicketRequiresCoveredAsset,
    check_rule,
    visible_scope,
)
from clico_core.questionnaires import PALO_ALTO
from clico_core.testing import builders as b
from clico_core.values import Role

from ..support import PALO_ALTO_ANSWERS


def test_contract_activates_only_on_its_own_key() -> None:
    contract = b.contract("co", key="ABCDE-FGHJK")
    check_rule(ContractActivatesOnValidKey(contract, "abcde fghjk"))  # spacing/case forgiven
    with pytest.raises(InvalidContractKey):
        check_rule(ContractActivatesOnValidKey(contract, "ABCDE-FGHJX"))


@pytest.mark.parametrize(("day", "ok"), [(date(2025, 12, 31), False), (date(2026, 1, 1), True),
                                          (date(2027, 1, 1), True), (date(2027, 1, 2), False)])
def test_contract_activates_only_within_its_dates(day: date, ok: bool) -> None:
    rule = ContractActivatesWithinValidity(b.contract("co"), day)
    assert rule.is_broken() is not ok
    if not ok:
        with pytest.raises(ContractNotValidNow):
            check_rule(rule)


def test_contract_activates_once_per_account_but_for_many_accounts() -> None:
    contract = b.contract("co")
    anna, piotr = b.account("co"), b.account("co")
    existing = [Activation(contract.id, anna.id, b.T0)]
    check_rule(ContractActivatesOncePerAccount(contract, piotr, existing))
    with pytest.raises(ContractAlreadyActive):
        check_rule(ContractActivatesOncePerAccount(contract, anna, existing))


@pytest.mark.parametrize(("state", "error"), [
    (AccountState.ACTIVE, None),
    (AccountState.AWAITING_CONFIRMATION, AccountNotConfirmed),
    (AccountState.DISABLED, AccountDisabled),
])
def test_account_signs_in_only_when_confirmed_and_enabled(state: AccountState,
                                                          error: type[Exception] | None) -> None:
    rule = AccountSignsInOnlyWhenConfirmedAndEnabled(b.account("co", state=state))
    if error is None:
        check_rule(rule)
    else:
        with pytest.raises(error):
            check_rule(rule)


def test_migrated_account_must_reset_password_first() -> None:
    migrated = b.account("co", state=AccountState.MUST_RESET_PASSWORD)
    with pytest.raises(PasswordResetRequired):
        check_rule(MigratedAccountMustResetPassword(migrated))
    check_rule(MigratedAccountMustResetPassword(b.account("co")))


def test_technical_ticket_requires_asset_covered_by_an_active_contract() -> None:
    covered, uncovered = b.asset("co"), b.asset("co")
    contract = b.contract("co", [covered.id], valid_until=date(2026, 6, 30))
    today = date(2026, 3, 1)
    rule = TechnicalTicketRequiresCoveredAsset(covered, [contract], today)
    check_rule(rule)
    assert rule.covering() is contract
    for broken in (
        TechnicalTicketRequiresCoveredAsset(uncovered, [contract], today),
        TechnicalTicketRequiresCoveredAsset(covered, [], today),
        TechnicalTicketRequiresCoveredAsset(covered, [contract], date(2026, 7, 1)),
        TechnicalTicketRequiresCoveredAsset(None, [contract], today),
    ):
        with pytest.raises(AssetNotCovered):
            check_rule(broken)


def test_answers_must_be_complete_and_typed() -> None:
    check_rule(AnswersCompleteAndTyped(PALO_ALTO, PALO_ALTO_ANSWERS))
    missing = {k: v for k, v in PALO_ALTO_ANSWERS.items() if k != "production"}
    wrong = {**PALO_ALTO_ANSWERS, "occurred_on": "yesterday", "frequency": "hourly"}
    with pytest.raises(IncompleteAnswers) as missing_error:
        check_rule(AnswersCompleteAndTyped(PALO_ALTO, missing))
    assert missing_error.value.fields == {"production": "required"}
    with pytest.raises(IncompleteAnswers) as wrong_error:
        check_rule(AnswersCompleteAndTyped(PALO_ALTO, wrong))
    assert wrong_error.value.fields == {"occurred_on": "invalid_date",
                                        "frequency": "invalid_choice"}


def test_users_see_exactly_the_companies_of_their_active_contracts() -> None:
    partner = b.account("partner-co")
    contracts = [b.contract("acme"), b.contract("beta")]
    scope = visible_scope(partner, contracts)
    assert scope.company_ids == {"acme", "beta"}
    assert not scope.allows("gamma") and not scope.allows("partner-co")
    assert not scope.allows_ticket("partner-co", partner.id)  # own tickets via companies only
    lapsed = visible_scope(partner, [])
    assert lapsed.company_ids == frozenset()
    assert lapsed.allows_ticket("acme", partner.id)  # with no contract: what they reported
    assert not lapsed.allows_ticket("acme", "someone-else")
    engineer = b.account("clico", role=Role.ENGINEER)
    assert visible_scope(engineer, []).allows("gamma")
