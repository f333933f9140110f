"""The conversation of a ticket: posting replies and internal notes, reading the thread.

A web handler calls ``post_reply(viewer, PostReply(...))`` for the reply form and
``conversation(viewer, number, cursor)`` for the page; the status machine
(``clico_core.ticket_status``) decides inside the same write, so a reply and a status
change racing each other are applied one after the other, never one over the other.
"""

from __future__ import annotations

import enum

from attrs import frozen

from ..articles import (
    ARTICLE_PAGE_SIZE,
    MAX_ARTICLE_PAGE_SIZE,
    Article,
    ArticleCursor,
    ArticleKind,
    AuthorRole,
)
from ..attachments import Attachment
from ..audit import AuditKind
from ..errors import (
    ConcurrencyConflict,
    EmptyReply,
    PermissionDenied,
    ValidationFailed,
)
from ..mail import MailTemplate
from ..policies import check_rule
from ..ports import UnitOfWork
from ..ticket_status import (
    ReplyAllowed,
    StatusChangeAllowed,
    after_public_reply,
    follow_up_due,
    move,
    role_of,
    targets_for,
)
from ..tickets import MAX_DESCRIPTION, TicketStatus
from .attachments import link_attachments
from .context import Ports, Viewer
from .ticket_changes import TicketChanges, refuse_if_stale, visible_ticket
from .tickets import MAX_IDEMPOTENCY_KEY, _has_text
from .webhook_events import record_reply


@frozen
class PostReply:
    """The reply form: a public reply, or (staff only) an internal note, optionally with a
    new status; ``reopen`` confirms that a reply to a closed ticket reopens it."""

    number: str
    body: str  # HTML from the editor; sanitised by the service
    internal: bool = False
    new_status: str | None = None  # a ``TicketStatus`` value; None or "": unchanged
    reopen: bool = False
    idempotency_key: str | None = None
    attachment_ids: tuple[str, ...] = ()  # the viewer's unlinked uploads for this article
    # the ticket's version the form was rendered from: a status change chosen on an older
    # version is refused (``StaleTicket``); a reply alone is appended whatever the version
    expected_version: int | None = None
    # the API's ``If-Match``: any reply (not only a status change) is refused on a version
    # other than ``expected_version``, checked in the unit of work that writes it
    every_change: bool = False


@frozen
class Posted:
    article: Article
    status: TicketStatus  # the ticket's status after the reply


class ReplyOffer(enum.StrEnum):
    """What the reply form offers on the ticket's page."""

    REPLY = "reply"
    REOPEN = "reopen"  # closed: a reply reopens it, once the author confirms
    FOLLOW_UP = "follow_up"  # closed too long ago: a new ticket linking this one


@frozen
class Conversation:
    """One page of a thread as the viewer may see it, and what the viewer may do next."""

    ticket_id: str
    number: str
    status: TicketStatus
    articles: tuple[Article, ...]
    total: int  # articles the viewer may see, over every page
    next_cursor: str | None  # pass to ``conversation`` for the next page
    status_choices: tuple[TicketStatus, ...]  # what the viewer may set (in machine order)
    offer: ReplyOffer
    may_write_notes: bool
    files: tuple[Attachment, ...] = ()  # the files of this page's articles
    version: int = 0  # the ticket's version read with this page (the reply form carries it)


def _clean_body(raw: str, ports: Ports) -> str:
    """The sanitised HTML of a reply; ``EmptyReply`` when nothing readable remains."""
    if len(raw.encode(errors="replace")) > MAX_DESCRIPTION:
        raise ValidationFailed({"body": "too_long"})
    body = ports.sanitize(raw.replace("\x00", ""))
    if not _has_text(body):
        raise EmptyReply()
    if len(body.encode()) > MAX_DESCRIPTION:
        raise ValidationFailed({"body": "too_long"})
    return body


def _status(value: str | None) -> TicketStatus | None:
    if not value:
        return None
    try:
        return TicketStatus(value)
    except ValueError:
        raise ValidationFailed({"new_status": "invalid_choice"}) from None


def _key(value: str | None) -> str | None:
    if value and (len(value) > MAX_IDEMPOTENCY_KEY or not value.isprintable()):
        raise ValidationFailed({"idempotency_key": "invalid"})
    return value or None


def _existing(uow: UnitOfWork, viewer: Viewer, key: str | None) -> Article | None:
    return uow.articles.get_by_idempotency_key(viewer.account.id, key) if key else None


def post_reply(viewer: Viewer, cmd: PostReply, ports: Ports) -> Posted:
    """Post a public reply or an internal note, moving the status as the machine says.

    The same idempotency key again (a double click) answers with the first article.
    Errors: ``NotFound`` (no such ticket for this viewer), ``EmptyReply``,
    ``PermissionDenied`` (a customer's note), ``TicketClosed`` (closed: confirm ``reopen``
    within the reopening period, else open a follow-up ticket), ``TransitionNotAllowed``,
    ``StaleTicket`` (a status chosen on an older version than ``expected_version``).
    """
    body = _clean_body(cmd.body, ports)
    target = _status(cmd.new_status)
    key = _key(cmd.idempotency_key)
    account = viewer.account
    if cmd.internal and not account.is_staff:
        raise PermissionDenied()
    role = role_of(account.is_staff)
    try:
        with ports.uow() as uow:
            ticket = visible_ticket(uow, viewer, cmd.number)
            existing = _existing(uow, viewer, key)
            if existing is not None:
                if existing.ticket_id != ticket.id:
                    raise ValidationFailed({"idempotency_key": "invalid"})
                return Posted(existing, ticket.status)
            if cmd.every_change or (target is not None and target is not ticket.status):
                refuse_if_stale(uow, ticket, cmd.expected_version)
            now = ports.clock.now()
            public = not cmd.internal
            allowed = ReplyAllowed(ticket, public, cmd.reopen, now, ports.status_rules)
            check_rule(allowed)
            article_id = ports.secrets.new_id()
            # in this unit of work: a refused file (or reply) leaves neither article nor link
            linked = link_attachments(uow, cmd.attachment_ids, article_id, account.id,
                                      ports.attachment_limits)
            article = Article(
                id=article_id, ticket_id=ticket.id,
                kind=ArticleKind.PUBLIC_REPLY if public else ArticleKind.INTERNAL_NOTE,
                author_id=account.id, author_role=role, author_name=account.full_name,
                created_at=now, body=body, attachment_ids=tuple(a.id for a in linked),
                idempotency_key=key)
            uow.articles.add(article)
            changes = TicketChanges(uow, ports, account, now)
            before = ticket.status
            if public:  # public activity: ``Data modyfikacji`` moves, a note never moves it
                move(ticket, TicketStatus.OPEN if allowed.reopens()
                     else after_public_reply(ticket.status, role), now)
            if target is not None and target is not ticket.status:
                check_rule(StatusChangeAllowed(ticket, role, target, now, ports.status_rules))
                move(ticket, target, now)
            if public or ticket.status is not before:
                changes.save(ticket, answered=public and role is AuthorRole.STAFF)
            # after the save: the history event carries the version the change made
            changes.record(AuditKind.ARTICLE_POSTED, ticket, f"{article.kind.value} {article.id}")
            record_reply(uow, ports.secrets, ticket, article, now)  # never a note
            changes.status_changed(ticket, before)
            if public and role is AuthorRole.STAFF:
                changes.mail_customers(MailTemplate.TICKET_REPLY, ticket,
                                       author=account.full_name)
            elif public:
                changes.mail_staff(MailTemplate.TICKET_REPLY, ticket, author=account.full_name)
            elif ticket.status is not before:  # a note's status, never the note
                changes.mail_customers(MailTemplate.TICKET_CHANGED, ticket)
            uow.commit()
            return Posted(article, ticket.status)
    except ConcurrencyConflict:
        # the other click of a double click stored the article first: answer with it
        with ports.uow(readonly=True) as uow:
            existing = _existing(uow, viewer, key)
            stored = uow.tickets.get(existing.ticket_id) if existing else None
        if existing is None or stored is None:
            raise
        return Posted(existing, stored.status)


def _offer(status: TicketStatus, follow_up: bool) -> ReplyOffer:
    if status is not TicketStatus.CLOSED:
        return ReplyOffer.REPLY
    return ReplyOffer.FOLLOW_UP if follow_up else ReplyOffer.REOPEN


def conversation(viewer: Viewer, number: str, ports: Ports, cursor: str = "",
                 page_size: int = ARTICLE_PAGE_SIZE) -> Conversation:
    """A page of the thread, oldest first, after ``cursor`` (a ``next_cursor`` from before).

    Internal notes are left out for anyone but staff, in the query itself, and so is their
    count. Another company's ticket is ``NotFound``; a cursor that is not one is
    ``ValidationFailed``.
    """
    after = None
    if cursor:
        after = ArticleCursor.parse(cursor)
        if after is None:
            raise ValidationFailed({"cursor": "invalid"})
    size = min(max(page_size, 1), MAX_ARTICLE_PAGE_SIZE)
    staff = viewer.account.is_staff
    with ports.uow(readonly=True) as uow:
        ticket = visible_ticket(uow, viewer, number)
        page = uow.articles.page_for(ticket.id, include_internal=staff, after=after,
                                     limit=size)
        total = uow.articles.count_for(ticket.id, include_internal=staff)
        owners = [a.id for a in page.articles if a.attachment_ids]
        files = uow.attachments.list_for(owners) if owners else []
    follow_up = follow_up_due(ticket, ports.clock.now(), ports.status_rules)
    choices = targets_for(ticket.status, role_of(staff))
    return Conversation(
        ticket_id=ticket.id, number=ticket.number, status=ticket.status,
        articles=page.articles, total=total,
        next_cursor=page.next_cursor.token() if page.next_cursor else None,
        status_choices=tuple(s for s in TicketStatus if s in choices),
        offer=_offer(ticket.status, follow_up), may_write_notes=staff, files=tuple(files),
        version=ticket.version)


def article_attachment_visible(uow: UnitOfWork, viewer: Viewer, attachment: Attachment) -> bool:
    """The ``attachment_visible`` rule of the conversation: a file of an article is seen by
    whoever sees its ticket, and a file of an internal note by staff only."""
    article = uow.articles.get(attachment.owner_id) if attachment.owner_id else None
    if article is None or (not article.kind.public and not viewer.account.is_staff):
        return False
    ticket = uow.tickets.get(article.ticket_id)
    return ticket is not None and viewer.scope.allows_ticket(ticket.company_id,
                                                             ticket.reporter_id)
