"""Business rules as named objects: each says whether it is broken and which error that is.

Services build a rule with the facts at hand and call ``check_rule``; every rule has one
focused unit test. The error raised carries the rule's stable code for the web to translate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Protocol

from attrs import field, frozen

from .accounts import Account, AccountState
from .assets import Asset
from .contracts import Activation, Contract
from .errors import (
    AccountDisabled,
    AccountNotConfirmed,
    AssetNotCovered,
    ClicoError,
    ContractAlreadyActive,
    ContractNotValidNow,
    IncompleteAnswers,
    InvalidContractKey,
    PasswordResetRequired,
)
from .questionnaires import Questionnaire
from .tickets import TicketScope
from .values import CompanyId


class Rule(Protocol):
    def is_broken(self) -> bool: ...
    def error(self) -> ClicoError: ...


def check_rule(rule: Rule) -> None:
    """Raise the rule's error when it is broken."""
    if rule.is_broken():
        raise rule.error()


@frozen
class ContractActivatesOnValidKey:
    """A contract activates only when the key presented is its own."""

    contract: Contract
    key: str

    def is_broken(self) -> bool:
        return not self.contract.key_matches(self.key)

    def error(self) -> ClicoError:
        return InvalidContractKey()


@frozen
class ContractActivatesWithinValidity:
    """A contract activates only between its valid-from and valid-until dates, and never once
    revoked (signing up with it included)."""

    contract: Contract
    today: date

    def is_broken(self) -> bool:
        return self.contract.revoked or not self.contract.is_valid_on(self.today)

    def error(self) -> ClicoError:
        return ContractNotValidNow()


@frozen
class ContractActivatesOncePerAccount:
    """Several accounts may activate one contract; the same account only once."""

    contract: Contract
    account: Account
    existing: Iterable[Activation]

    def is_broken(self) -> bool:
        return any(
            a.contract_id == self.contract.id and a.account_id == self.account.id
            for a in self.existing
        )

    def error(self) -> ClicoError:
        return ContractAlreadyActive()


@frozen
class AccountSignsInOnlyWhenConfirmedAndEnabled:
    """Disabled accounts and accounts awaiting e-mail confirmation cannot sign in."""

    account: Account

    def is_broken(self) -> bool:
        return self.account.state in (AccountState.DISABLED, AccountState.AWAITING_CONFIRMATION)

    def error(self) -> ClicoError:
        if self.account.state is AccountState.DISABLED:
            return AccountDisabled()
        return AccountNotConfirmed()


@frozen
class MigratedAccountMustResetPassword:
    """An account migrated from CLICO TAC signs in only after resetting its password."""

    account: Account

    def is_broken(self) -> bool:
        return self.account.state is AccountState.MUST_RESET_PASSWORD

    def error(self) -> ClicoError:
        return PasswordResetRequired()


@frozen
class TechnicalTicketRequiresCoveredAsset:
    """A technical ticket's asset is covered by a contract active for the account right now."""

    asset: Asset | None
    active_contracts: Iterable[Contract]
    today: date

    def covering(self) -> Contract | None:
        if self.asset is None:
            return None
        return next(
            (
                c
                for c in self.active_contracts
                if c.covers(self.asset.id) and c.is_valid_on(self.today)
            ),
            None,
        )

    def is_broken(self) -> bool:
        return self.covering() is None

    def error(self) -> ClicoError:
        return AssetNotCovered()

    def covered(self) -> tuple[Asset, Contract]:
        """The asset and its covering contract, or ``AssetNotCovered`` (decided once)."""
        contract = self.covering()
        if self.asset is None or contract is None:
            raise self.error()
        return self.asset, contract


@frozen
class AnswersCompleteAndTyped:
    """Every question of the product's questionnaire has an answer of the right type.

    The answers are read once, when the rule is made; ``clean_answers`` then gives them in
    their stored form, so a use case checks the rule and keeps the answers in one pass.
    """

    questionnaire: Questionnaire
    answers: Mapping[str, str]
    _read: tuple[dict[str, str], dict[str, str]] = field(init=False)

    @_read.default
    def _read_answers(self) -> tuple[dict[str, str], dict[str, str]]:
        return self.questionnaire.read(self.answers)

    def is_broken(self) -> bool:
        return bool(self._read[1])

    def error(self) -> ClicoError:
        if not self._read[1]:
            raise AssertionError("error() called on a rule that holds")
        return IncompleteAnswers(self._read[1])

    def clean_answers(self) -> dict[str, str]:
        """The answers in their stored form; ``IncompleteAnswers`` when the rule is broken."""
        check_rule(self)
        return dict(self._read[0])


def visible_scope(account: Account, active_contracts: Iterable[Contract]) -> TicketScope:
    """A user sees exactly the companies whose contracts are active on their account.

    Without any active contract, only the tickets the account reported itself (say, an
    administrative ticket about registering a contract). Staff see every company.
    """
    if account.is_staff:
        return TicketScope(frozenset(), everything=True)
    companies: frozenset[CompanyId] = frozenset(c.company_id for c in active_contracts)
    return TicketScope(companies, reporter_id=None if companies else account.id)
