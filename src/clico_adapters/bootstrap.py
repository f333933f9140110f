"""The one composition root: build the ports (defaults made here, not at import) and services."""

from __future__ import annotations

from collections.abc import Callable

from clico_core.attachments import AttachmentLimits
from clico_core.ports import (
    BlobStore,
    Clock,
    PasswordHasher,
    SecretGenerator,
    TotpVerifier,
    TypeSniffer,
    UnitOfWorkFactory,
)
from clico_core.questionnaires import QuestionnaireRegistry
from clico_core.services import Limits, Ports, Services, article_attachment_visible
from clico_core.services.context import AttachmentVisibility
from clico_core.sla import SlaSettings
from clico_core.ticket_status import StatusRules
from clico_core.values import Language


def bootstrap(
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    secrets: SecretGenerator | None = None,
    hasher: PasswordHasher | None = None,
    questionnaires: QuestionnaireRegistry | None = None,
    sanitize: Callable[[str], str] | None = None,
    limits: Limits | None = None,
    timezone: str = "Europe/Warsaw",
    totp: TotpVerifier | None = None,
    support_inbox: str = "",
    language: Language = Language.PL,
    status_rules: StatusRules | None = None,
    blobs: BlobStore | None = None,
    sniff: TypeSniffer | None = None,
    attachment_limits: AttachmentLimits | None = None,
    attachment_visible: AttachmentVisibility | None = None,
    sla: SlaSettings | None = None,
    webhooks_allow_private: bool = False,
    cannot_write: Callable[[BaseException], bool] | None = None,
) -> Services:
    """Wire the core to adapters; anything not given gets the production default.

    Defaults: in-memory persistence and blobs, the system clock and CSPRNG, argon2id, nh3,
    pyotp, filetype for telling file types, the ``standard`` SLA level by default with the
    public holidays of the ``holidays`` dataset.
    """
    from .attachments import MemoryBlobStore, sniff_type
    from .html import sanitize_html
    from .memory import MemoryUnitOfWorkFactory, SystemClock, SystemSecrets
    from .passwords import Argon2Hasher
    from .sla_holidays import public_holidays
    from .sql.outage import cannot_write as database_cannot_write
    from .totp import PyotpVerifier

    clock = clock or SystemClock()
    ports = Ports(
        uow=uow or MemoryUnitOfWorkFactory(),
        clock=clock,
        secrets=secrets or SystemSecrets(),
        hasher=hasher or Argon2Hasher(),
        questionnaires=questionnaires or QuestionnaireRegistry.standard(),
        sanitize=sanitize or sanitize_html,
        limits=limits or Limits(),
        timezone=timezone,
        totp=totp or PyotpVerifier(),
        support_inbox=support_inbox,
        language=language,
        status_rules=status_rules or StatusRules(),
        blobs=blobs or MemoryBlobStore(clock),
        sniff=sniff or sniff_type,
        attachment_limits=attachment_limits or AttachmentLimits(),
        # the conversation's rule unless a caller brings its own
        attachment_visible=attachment_visible or article_attachment_visible,
        sla=sla or SlaSettings(holidays=public_holidays),
        webhooks_allow_private=webhooks_allow_private,
        cannot_write=cannot_write or database_cannot_write,
    )
    return Services(ports)
