"""Opening tickets (administrative and technical) and one ticket's page (the list is in
``ticket_list``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from html import unescape

from attrs import field, frozen

from ..articles import Article, ArticleKind
from ..audit import AuditEvent, AuditKind
from ..errors import ConcurrencyConflict, NotFound, ValidationFailed
from ..mail import THREAD_KEY, MailTemplate, OutgoingMail
from ..policies import AnswersCompleteAndTyped
from ..ports import UnitOfWork
from ..sla import describe
from ..ticket_status import role_of
from ..tickets import (
    MAX_DESCRIPTION,
    MAX_SUBJECT,
    Priority,
    RelationType,
    Ticket,
    TicketDetail,
    TicketKind,
    format_ticket_number,
)
from ..values import CompanyId, clean_line, lookup_text
from ..webhooks import WebhookEvent
from .assets import coverage_of
from .context import Ports, Viewer
from .follow_ups import followed_ticket
from .sla_tracking import event_detail, start_clocks, support_level
from .webhook_events import record_event

MAX_IDEMPOTENCY_KEY = 64


@frozen
class OpenTicket:
    subject: str
    description: str  # HTML from the editor (or plain text); sanitised by the service
    priority: str = Priority.NORMAL.value
    relation_type: str = RelationType.INCIDENT.value
    asset_id: str | None = None  # None: administrative ticket; set: technical ticket
    answers: Mapping[str, str] = field(factory=dict)
    company_id: CompanyId | None = None  # administrative tickets: which company it is for
    idempotency_key: str | None = None
    follows: str | None = None  # the number of a closed ticket this one follows up


@frozen
class _Common:
    """The fields every ticket has, cleaned; ``problems`` names each bad one."""

    subject: str
    description: str
    priority: Priority
    relation: RelationType
    problems: Mapping[str, str]


def _clean_common(cmd: OpenTicket, ports: Ports) -> _Common:
    problems: dict[str, str] = {}
    subject = clean_line(cmd.subject, MAX_SUBJECT)
    if subject is None:
        problems["subject"] = "required" if not cmd.subject.strip() else "invalid_subject"
    if len(cmd.description.encode()) > MAX_DESCRIPTION:
        problems["description"] = "too_long"
        description = ""
    else:
        description = ports.sanitize(cmd.description.replace("\x00", ""))
        if not _has_text(description):
            problems["description"] = "required"
        elif len(description.encode()) > MAX_DESCRIPTION:
            problems["description"] = "too_long"
    try:
        priority = Priority(cmd.priority)
    except ValueError:
        problems["priority"] = "invalid_choice"
        priority = Priority.NORMAL
    try:
        relation = RelationType(cmd.relation_type)
    except ValueError:
        problems["relation_type"] = "invalid_choice"
        relation = RelationType.INCIDENT
    key = cmd.idempotency_key
    if key is not None and (len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable()):
        problems["idempotency_key"] = "invalid"
    return _Common(subject or "", description, priority, relation, problems)


def _blank(char: str) -> bool:
    """White space, and the invisible characters (zero-width spaces, joiners, BOM)."""
    return char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs")


def _has_text(html: str) -> bool:
    """Something a reader sees: a character that is not blank outside the tags (entities
    such as ``&nbsp;`` read as the characters they stand for), or an image."""
    inside = False
    outside: list[str] = []
    for char in html:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            outside.append(char)
    if any(not _blank(char) for char in unescape("".join(outside))):
        return True
    return "<img" in html


def _administrative_company(viewer: Viewer, wanted: str | None) -> CompanyId:
    """The company an administrative ticket is filed under: one the viewer can see, so the
    reporter and their colleagues find it in the list (the chosen one, else their own, else
    the first with an active contract); without any, their own (seen via ``reporter_id``)."""
    own = viewer.account.company_id
    choice = lookup_text(wanted or "", 64)
    if choice and viewer.scope.allows(choice) and not viewer.scope.everything:
        return choice
    if viewer.scope.allows(own) or not viewer.scope.company_ids:
        return own
    return sorted(viewer.scope.company_ids)[0]


def _existing(uow: UnitOfWork, viewer: Viewer, key: str | None) -> Ticket | None:
    if not key:
        return None
    return uow.tickets.get_by_idempotency_key(viewer.account.id, key)


def _reserve_number(ports: Ports) -> int:
    with ports.uow() as uow:
        number = uow.tickets.next_number()
        uow.commit()
        return number


def open_ticket(viewer: Viewer, cmd: OpenTicket, ports: Ports) -> Ticket:
    """Open a ticket: technical when an asset is attached, administrative otherwise.

    Everything is decided here, once, inside the write: an asset not covered by a contract
    active for the account today is ``AssetNotCovered`` (before any field is judged, as the
    form then drops the asset); then bad fields are ``ValidationFailed`` naming each one, and
    the answers to the asset's questionnaire ``IncompleteAnswers`` naming each question.
    Submitting the same form twice (same idempotency key) returns the first ticket.
    """
    common = _clean_common(cmd, ports)  # sanitising is pure: done before the transaction
    # The number in a unit of work of its own, committed before the ticket's: a number once
    # handed out never comes again, even when the ticket's transaction rolls back (SQLite's
    # counter row would roll back with it). A failed or repeated submission leaves a gap.
    reserved = None if common.problems else _reserve_number(ports)
    now = ports.clock.now()
    today = ports.today()
    account = viewer.account
    try:
        with ports.uow() as uow:
            coverage = coverage_of(uow, viewer, cmd.asset_id, today) if cmd.asset_id else None
            covered = coverage.covered() if coverage is not None else None
            if common.problems:
                raise ValidationFailed(common.problems)
            existing = _existing(uow, viewer, cmd.idempotency_key)
            if existing is not None:
                return existing
            if covered is not None:
                asset, contract = covered
                questionnaire = ports.questionnaires.for_asset(asset)
                answers = AnswersCompleteAndTyped(questionnaire, cmd.answers).clean_answers()
                kind, company_id = TicketKind.TECHNICAL, contract.company_id
                asset_ids = [asset.id]
                contract_id: str | None = contract.id
                level: str | None = contract.support_level
                questionnaire_id: str | None = questionnaire.id
            else:
                company_id = _administrative_company(viewer, cmd.company_id)
                kind, answers, asset_ids = TicketKind.ADMINISTRATIVE, {}, []
                contract_id, questionnaire_id, level = None, None, None
            follows_id = followed_ticket(uow, viewer, cmd.follows, ports)
            number = format_ticket_number(
                reserved if reserved is not None else uow.tickets.next_number())
            subject = common.subject
            ticket = Ticket(
                id=ports.secrets.new_id(), number=number, kind=kind, subject=subject,
                description=common.description, priority=common.priority,
                relation_type=common.relation, company_id=company_id, reporter_id=account.id,
                created_at=now, modified_at=now, asset_ids=asset_ids, contract_id=contract_id,
                questionnaire_id=questionnaire_id, answers=answers,
                idempotency_key=cmd.idempotency_key or None, follows_id=follows_id,
            )
            sla_events = start_clocks(uow, ports, ticket, level)
            uow.tickets.add(ticket)
            # the description opens the conversation; the article shares the ticket's id
            uow.articles.add(Article(
                id=ticket.id, ticket_id=ticket.id, kind=ArticleKind.DESCRIPTION,
                author_id=account.id, author_role=role_of(account.is_staff),
                author_name=account.full_name, created_at=now, body=common.description))
            uow.audit.record(AuditEvent(AuditKind.TICKET_OPENED, now, account.id,
                                        detail=number, ticket_id=ticket.id))
            for event in sla_events:
                uow.audit.record(AuditEvent(AuditKind.TICKET_SLA, now, account.id,
                                            detail=event_detail(event), ticket_id=ticket.id))
            uow.outbox.add(OutgoingMail(MailTemplate.TICKET_CREATED, account.email,
                                        account.language,
                                        {"name": account.full_name, THREAD_KEY: ticket.id,
                                         "number": number, "subject": subject,
                                         "kind": kind.value, "link_path": f"/tickets/{number}"}),
                           now)
            record_event(uow, ports.secrets, WebhookEvent.TICKET_CREATED, ticket, now)
            uow.commit()
            return ticket
    except ConcurrencyConflict:
        # the other click of a double-click won the race: answer with its ticket
        with ports.uow(readonly=True) as uow:
            existing = _existing(uow, viewer, cmd.idempotency_key)
        if existing is None:
            raise
        return existing


def safe_description(html: str, ports: Ports) -> str:
    """Rich text from the editor made safe to show again (say, in a form being corrected),
    sanitised as a stored description is."""
    return ports.sanitize(html)


def ticket_detail(viewer: Viewer, number: str, ports: Ports) -> TicketDetail:
    """Everything about one ticket; another company's ticket is ``NotFound``."""
    with ports.uow(readonly=True) as uow:
        wanted = lookup_text(number, 32)
        ticket = uow.tickets.get_by_number(wanted) if wanted else None
        if ticket is None or not viewer.scope.allows_ticket(ticket.company_id,
                                                            ticket.reporter_id):
            raise NotFound()
        company = uow.companies.get(ticket.company_id)
        reporter = uow.accounts.get(ticket.reporter_id)
        assets = uow.assets.get_many(ticket.asset_ids)
        contract = uow.contracts.get(ticket.contract_id) if ticket.contract_id else None
        assignee = uow.accounts.get(ticket.assignee_id) if ticket.assignee_id else None
        # the links between a ticket and its follow-ups, as far as the viewer may see them
        old = uow.tickets.get(ticket.follows_id) if ticket.follows_id else None
        newer = uow.tickets.follow_ups_of(ticket.id)
        clocks = describe(ticket.sla, support_level(uow, ports, ticket.sla.level),
                          ports.clock.now()) if ticket.sla else ()
    seen = viewer.scope.allows_ticket
    return TicketDetail(
        ticket=ticket,
        company_name=company.name if company else "",
        reporter_name=reporter.full_name if reporter else "",
        assets=tuple((a.id, a.name, a.vendor, a.serial) for a in assets),
        contract_number=contract.number if contract else None,
        answers=dict(ticket.answers),
        # stored sanitised; sanitised again (idempotent) before anyone trusts it as markup
        description=ports.sanitize(ticket.description),
        questionnaire=(ports.questionnaires.get(ticket.questionnaire_id)
                       if ticket.questionnaire_id else None),
        assignee_name=assignee.full_name if assignee else "",
        follows=old.number if old and seen(old.company_id, old.reporter_id) else None,
        followed_by=tuple(t.number for t in newer if seen(t.company_id, t.reporter_id)),
        sla=clocks,
    )


def open_administrative_ticket(viewer: Viewer, cmd: OpenTicket, ports: Ports) -> Ticket:
    """A ticket about the portal itself (no asset); not covered by any vendor's support."""
    if cmd.asset_id:
        raise ValidationFailed({"asset_id": "not_allowed"})
    return open_ticket(viewer, cmd, ports)


def open_technical_ticket(viewer: Viewer, cmd: OpenTicket, ports: Ports) -> Ticket:
    """A ticket about an asset under a contract active for the account, with its answers."""
    if not cmd.asset_id:
        raise ValidationFailed({"asset_id": "required"})
    return open_ticket(viewer, cmd, ports)
