"""What every use case is given: the ports, the settings, and the signed-in viewer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

from ..accounts import Account
from ..api_tokens import ApiScope
from ..attachments import Attachment, AttachmentLimits
from ..contracts import Contract
from ..ports import (
    BlobStore,
    Clock,
    PasswordHasher,
    SecretGenerator,
    TotpVerifier,
    TypeSniffer,
    UnitOfWork,
    UnitOfWorkFactory,
)
from ..questionnaires import QuestionnaireRegistry
from ..sla import SlaSettings
from ..ticket_status import StatusRules
from ..tickets import TicketScope
from ..values import Language


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
class Slowdown:
    """A limit that never locks out: after ``free`` failures within ``window`` each further
    try waits after the latest failure, ``first`` at first, doubling up to ``longest``."""

    free: int
    window: timedelta
    first: timedelta
    longest: timedelta

    def delay(self, failures: int) -> timedelta:
        """How long after the latest of ``failures`` failures the next try may come."""
        if failures < self.free:
            return timedelta(0)
        delay = self.first
        for _ in range(failures - self.free):
            if delay >= self.longest:
                break
            delay *= 2
        return min(delay, self.longest)


@frozen
class Limits:
    """Rate limits (docs/security.md): how many failures in which window before refusing."""

    # wrong current passwords of a signed-in account (changing the password, the app)
    sign_in_per_account: RateLimit = RateLimit(10, timedelta(minutes=5))
    sign_in_per_client: RateLimit = RateLimit(20, timedelta(minutes=5))
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
    # Sign-in (docs/security.md): every key comes from what was typed (normalised the same
    # way for a login and an e-mail) and the client's address, never from the account, so
    # an unknown login behaves exactly like a known one. ``sign_in_per_client`` above is
    # the per-address limit over 5 minutes.
    sign_in_per_identifier_client: RateLimit = RateLimit(10, timedelta(minutes=5))
    sign_in_per_identifier_client_daily: RateLimit = RateLimit(100, timedelta(hours=24))
    sign_in_per_client_daily: RateLimit = RateLimit(200, timedelta(hours=24))
    # Failures from every address on one identifier slow it down, never lock it: at most
    # about 40 a day get through (10 + 6 doublings + one an hour). A browser holding a
    # device cookie of the account skips this and counts under its own device limits.
    sign_in_per_identifier: Slowdown = Slowdown(10, timedelta(hours=24), timedelta(minutes=1),
                                                timedelta(hours=1))
    sign_in_per_device: RateLimit = RateLimit(10, timedelta(minutes=5))
    sign_in_per_device_daily: RateLimit = RateLimit(100, timedelta(hours=24))


def _no_sanitizer(html: str) -> str:
    raise RuntimeError("no HTML sanitizer configured: pass sanitize= to Ports")


def _no_sniffer(head: bytes) -> str | None:
    raise RuntimeError("no file type sniffer configured: pass sniff= to Ports")


def _never(_error: BaseException) -> bool:
    return False


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
    # where a customer's reply goes when no engineer is assigned ("": nowhere but the list),
    # and in which language mails to it are written
    support_inbox: str = ""
    language: Language = Language.PL
    status_rules: StatusRules = field(factory=StatusRules)
    blobs: BlobStore | None = None  # None: this portal takes no attachments
    sniff: TypeSniffer = _no_sniffer
    attachment_limits: AttachmentLimits = field(factory=AttachmentLimits)
    # Who may download an attachment that belongs to an article: the conversation decides
    # (the ticket's visibility). None: only the uploader, and only before it is linked.
    attachment_visible: AttachmentVisibility | None = None
    sla: SlaSettings = field(factory=SlaSettings)
    # may a webhook point at a loopback or private address (docs/security.md, "Webhooks")?
    webhooks_allow_private: bool = False
    # Does this error mean the store can be read but not written for now (a full disk,
    # read-only files)? Bookkeeping writes of a read (a session's last activity, presence)
    # are then skipped, so pages keep rendering (``best_effort``).
    cannot_write: Callable[[BaseException], bool] = _never

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
    # None for a browser session; the token's grant when the viewer came with an API token
    api_scope: ApiScope | None = None


AttachmentVisibility = Callable[[UnitOfWork, Viewer, Attachment], bool]
"""May ``viewer`` download ``attachment`` (owned by an article)? Asked inside the read unit
of work that loaded the attachment, so it may look the article and its ticket up."""


def best_effort(ports: Ports, write: Callable[[], None]) -> bool:
    """Run ``write``, a bookkeeping write a read makes on the side; when the store cannot
    take writes just now (``ports.cannot_write``) it is skipped: False. Anything else
    raises as usual."""
    try:
        write()
    except Exception as error:
        if not ports.cannot_write(error):
            raise
        return False
    return True
