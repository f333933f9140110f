"""What every use case is given: the ports, the settings, and the signed-in viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

from ..accounts import Account
from ..contracts import Contract
from ..ports import Clock, PasswordHasher, SecretGenerator, TotpVerifier, UnitOfWorkFactory
from ..questionnaires import QuestionnaireRegistry
from ..tickets import TicketScope


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


@frozen
class RateLimit:
    limit: int
    window: timedelta


@frozen
class Limits:
    """Rate limits (SECURITY.md): how many failures in which window before refusing."""

    sign_in_per_account: RateLimit = RateLimit(10, timedelta(minutes=5))
    sign_in_per_client: RateLimit = RateLimit(10, timedelta(minutes=5))
    # failures since the last successful sign-in, known login or not (NIST: at most 100)
    consecutive_failures: RateLimit = RateLimit(100, timedelta(hours=24))
    # Wrong contract keys and unknown contract numbers (one failure, told apart nowhere), on
    # ``Zarejestruj kontrakt`` and on sign-up alike. There is deliberately no limit per
    # contract number: failures of others must never block the holder of the right key, and
    # with 100-bit keys a guess succeeds nowhere near these rates. Each failure is audited
    # with the number typed, for alerting. See docs/security.md.
    contract_key_per_account: RateLimit = RateLimit(10, timedelta(hours=1))
    contract_key_per_client: RateLimit = RateLimit(20, timedelta(hours=1))
    # sign-ups that passed the form checks, per client address
    sign_up_per_client: RateLimit = RateLimit(10, timedelta(hours=1))
    # sign-ups that presented the contract's right key (others cannot use this up)
    sign_up_per_contract: RateLimit = RateLimit(20, timedelta(hours=1))
    # at most one "someone tried to sign up with your address" mail per address per window
    sign_up_notice_interval: timedelta = timedelta(hours=1)
    reset_per_identifier: RateLimit = RateLimit(3, timedelta(hours=1))
    reset_per_client: RateLimit = RateLimit(20, timedelta(hours=1))
    # wrong second-step codes per account, over every pending sign-in
    code_failures_per_account: RateLimit = RateLimit(20, timedelta(hours=1))


def _no_sanitizer(html: str) -> str:
    raise RuntimeError("no HTML sanitizer configured: pass sanitize= to Ports")


@frozen
class Ports:
    """The adapters a use case runs on; built once by the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    secrets: SecretGenerator
    hasher: PasswordHasher
    questionnaires: QuestionnaireRegistry = field(factory=QuestionnaireRegistry.standard)
    sanitize: Callable[[str], str] = _no_sanitizer
    limits: Limits = Limits()
    timezone: str = "Europe/Warsaw"
    totp: TotpVerifier | None = None  # None: accounts cannot enrol an authenticator app
    product_name: str = "CLICO Support System"

    def today(self) -> date:
        """The calendar day in the portal's time zone (contract dates are local days)."""
        return self.clock.now().astimezone(_zone(self.timezone)).date()


@frozen
class Viewer:
    """A signed-in account with what it may see, as resolved at the start of a request."""

    account: Account
    session_hash: str
    active_contracts: tuple[Contract, ...]
    scope: TicketScope
