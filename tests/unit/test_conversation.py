"""The conversation's use cases on the in-memory adapters: replies, notes, statuses, mails."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from attrs import define

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.articles import ArticleKind, AuthorRole
from clico_core.audit import AuditKind
from clico_core.errors import (
    EmptyReply,
    NotFound,
    PermissionDenied,
    TicketClosed,
    TransitionNotAllowed,
    ValidationFailed,
)
from clico_core.mail import MailTemplate
from clico_core.services import OpenTicket, PostReply, ReplyOffer, Viewer
from clico_core.tickets import Priority, TicketStatus

from ..support import World

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
S = TicketStatus
INBOX = "support@clico.pl"


@define
class Cast:
    world: World
    jan: Viewer  # reported the ticket
    ola: Viewer  # his colleague at Acme
    max: Viewer  # a customer of another company
    eng: Viewer  # an engineer
    number: str

    def reply(self, who: Viewer, body: str = "<p>hello</p>", **options: object):  # type: ignore[no-untyped-def]
        return self.world.services.post_reply(who, PostReply(self.number, body, **options))  # type: ignore[arg-type]

    def status(self) -> TicketStatus:
        return self.world.services.conversation(self.eng, self.number).status

    def mails(self, template: MailTemplate) -> list[tuple[str, dict[str, str]]]:
        return [(m.mail.to, dict(m.mail.context)) for m in self.world.mails.all()
                if m.mail.template is template]


@pytest.fixture
def cast(hasher: Argon2Hasher) -> Cast:
    store = MemoryStore()
    clock = SteppingClock(START, step=timedelta(seconds=1))
    services = bootstrap(uow=MemoryUnitOfWorkFactory(store, SeededSecrets(7).new_id),
                         clock=clock, secrets=SeededSecrets(42), hasher=hasher,
                         support_inbox=INBOX)
    world = World(services, clock, MemoryMailQueue(store), today=date(2026, 11, 25))
    acme = world.issue("C-1", "Acme")
    world.register("jan", contract=acme)
    world.register("ola", contract=acme, email="ola@example.com")
    world.register("max", contract=world.issue("C-2", "Beta"), company="Beta")
    jan = world.viewer("jan")
    ticket = services.open_ticket(jan, OpenTicket("VPN down", "<p>The tunnel drops.</p>"))
    return Cast(world, jan, world.viewer("ola"), world.viewer("max"), world.engineer(),
                ticket.number)


def test_the_description_opens_the_conversation(cast: Cast) -> None:
    page = cast.world.services.conversation(cast.ola, cast.number)
    [description] = page.articles
    assert description.kind is ArticleKind.DESCRIPTION and description.body == (
        "<p>The tunnel drops.</p>")
    assert (description.author_id, description.author_role) == (cast.jan.account.id,
                                                                AuthorRole.CUSTOMER)
    assert (page.total, page.next_cursor, page.status, page.offer) == (1, None, S.NEW,
                                                                       ReplyOffer.REPLY)
    assert page.status_choices == (S.CLOSED,) and not page.may_write_notes
    staff_page = cast.world.services.conversation(cast.eng, cast.number)
    assert staff_page.status_choices == (S.OPEN, S.WAITING_FOR_CUSTOMER, S.RESOLVED, S.CLOSED)
    history = cast.world.services.ticket_history(cast.eng, cast.number)
    assert [e.kind for e in history] == [AuditKind.TICKET_OPENED, AuditKind.TICKET_SLA]


def test_an_engineers_first_reply_starts_the_work_and_mails_the_reporter(cast: Cast) -> None:
    before = cast.world.services.ticket_detail(cast.jan, cast.number).ticket.modified_at
    posted = cast.reply(cast.eng, "<p>Looking into it</p><script>x()</script>")
    assert posted.status is S.OPEN
    assert posted.article.body == "<p>Looking into it</p>"  # the ticket form's nh3 rules
    assert posted.article.author_role is AuthorRole.STAFF
    after = cast.world.services.ticket_detail(cast.jan, cast.number).ticket.modified_at
    assert after == posted.article.created_at > before
    [(to, context)] = cast.mails(MailTemplate.TICKET_REPLY)
    assert to == "jan@example.com"
    assert context["author"] == "Ewa Inżynier" and context["status"] == "open"
    assert "Looking into it" not in str(context)  # mails never carry an article's text
    history = cast.world.services.ticket_history(cast.eng, cast.number)
    assert [e.kind for e in history if e.kind is not AuditKind.TICKET_SLA] == [
        AuditKind.TICKET_OPENED, AuditKind.ARTICLE_POSTED, AuditKind.TICKET_STATUS_CHANGED]
    assert [e.detail for e in history if e.kind is AuditKind.TICKET_SLA] == [
        "apply", "met first_response"]


def test_an_internal_note_is_for_staff_only_and_changes_nothing_a_customer_sees(
        cast: Cast) -> None:
    before = cast.world.services.ticket_detail(cast.jan, cast.number).ticket
    mails = len(cast.world.mails.all())
    cast.reply(cast.eng, "<p>customer is on an old firmware</p>", internal=True)
    for customer in (cast.jan, cast.ola):
        page = cast.world.services.conversation(customer, cast.number)
        assert [a.kind for a in page.articles] == [ArticleKind.DESCRIPTION]
        assert page.total == 1
    assert cast.world.services.conversation(cast.eng, cast.number).total == 2
    after = cast.world.services.ticket_detail(cast.jan, cast.number).ticket
    assert (after.status, after.modified_at) == (before.status, before.modified_at)
    assert len(cast.world.mails.all()) == mails
    with pytest.raises(PermissionDenied):
        cast.reply(cast.jan, "<p>sneaky</p>", internal=True)
    with pytest.raises(PermissionDenied):
        cast.world.services.ticket_history(cast.jan, cast.number)


def test_a_note_with_a_status_change_tells_the_reporter_the_status_only(cast: Cast) -> None:
    cast.reply(cast.eng, "<p>waiting for their logs</p>", internal=True,
               new_status="waiting_for_customer")
    assert cast.status() is S.WAITING_FOR_CUSTOMER
    [(to, context)] = cast.mails(MailTemplate.TICKET_CHANGED)
    assert to == "jan@example.com" and context["status"] == "waiting_for_customer"
    assert "logs" not in str(context) and not cast.mails(MailTemplate.TICKET_REPLY)


def test_a_customer_reply_brings_waiting_back_to_work_and_goes_to_the_engineer(
        cast: Cast) -> None:
    cast.reply(cast.eng, new_status="waiting_for_customer")
    assert cast.status() is S.WAITING_FOR_CUSTOMER
    cast.reply(cast.ola, "<p>logs attached</p>")  # a colleague answers the company's ticket
    assert cast.status() is S.OPEN
    cast.world.services.assign_ticket(cast.eng, cast.number, cast.eng.account.id)
    cast.world.services.change_status(cast.eng, cast.number, "resolved")
    cast.reply(cast.jan, "<p>still broken</p>")
    assert cast.status() is S.OPEN
    to_staff = [(to, c["author"]) for to, c in cast.mails(MailTemplate.TICKET_REPLY)
                if to != "jan@example.com"]
    assert to_staff == [(INBOX, "Jan Kowalski"), ("eng@clico.pl", "Jan Kowalski")]


def test_another_companys_ticket_is_not_found_for_every_use_case(cast: Cast) -> None:
    services = cast.world.services
    for call in (lambda: services.conversation(cast.max, cast.number),
                 lambda: cast.reply(cast.max),
                 lambda: services.close_ticket(cast.max, cast.number),
                 lambda: services.change_status(cast.max, cast.number, "closed"),
                 lambda: services.conversation(cast.jan, "CSS-999999"),
                 lambda: services.conversation(cast.jan, "\x00" * 40)):
        with pytest.raises(NotFound):
            call()
    assert services.conversation(cast.eng, cast.number).total == 1


@pytest.mark.parametrize("body", ["", "   \n\t", "<p> </p>", "<p><br></p>",
                                  "<script>alert(1)</script>", "\x00"])
def test_an_empty_reply_is_refused_and_nothing_is_stored(cast: Cast, body: str) -> None:
    with pytest.raises(EmptyReply) as refused:
        cast.reply(cast.jan, body)
    assert refused.value.fields == {"body": "required"}
    assert cast.world.services.conversation(cast.eng, cast.number).total == 1


def test_a_huge_reply_and_a_bad_status_are_field_errors(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as huge:
        cast.reply(cast.jan, "<p>" + "x" * 100_001 + "</p>")
    assert huge.value.fields == {"body": "too_long"}
    with pytest.raises(ValidationFailed) as status:
        cast.reply(cast.eng, new_status="done")
    assert status.value.fields == {"new_status": "invalid_choice"}
    with pytest.raises(ValidationFailed):
        cast.world.services.change_status(cast.eng, cast.number, "done")


def test_a_double_click_posts_one_reply(cast: Cast) -> None:
    first = cast.reply(cast.jan, "<p>once</p>", idempotency_key="form-1")
    again = cast.reply(cast.jan, "<p>once</p>", idempotency_key="form-1")
    assert again.article == first.article
    assert cast.world.services.conversation(cast.jan, cast.number).total == 2
    assert len(cast.mails(MailTemplate.TICKET_REPLY)) == 1
    other = cast.world.services.open_ticket(cast.jan, OpenTicket("Other", "<p>x</p>"))
    with pytest.raises(ValidationFailed):  # a key is one form: not reused on another ticket
        cast.world.services.post_reply(cast.jan, PostReply(other.number, "<p>once</p>",
                                                            idempotency_key="form-1"))


def test_a_reply_to_a_ticket_closed_meanwhile_is_refused_until_confirmed(cast: Cast) -> None:
    cast.world.services.close_ticket(cast.ola, cast.number)
    assert cast.world.services.close_ticket(cast.jan, cast.number) is S.CLOSED  # no-op
    with pytest.raises(TicketClosed) as closed:
        cast.reply(cast.jan, "<p>one more thing</p>")
    assert closed.value.can_reopen
    assert cast.world.services.conversation(cast.jan, cast.number).offer is ReplyOffer.REOPEN
    posted = cast.reply(cast.jan, "<p>one more thing</p>", reopen=True)
    assert posted.status is S.OPEN
    history = cast.world.services.ticket_history(cast.eng, cast.number)
    assert [e.detail for e in history if e.kind is AuditKind.TICKET_STATUS_CHANGED] == [
        "new -> closed", "closed -> open"]


def test_after_14_days_a_closed_ticket_offers_a_follow_up_that_links_it(cast: Cast) -> None:
    services = cast.world.services
    services.change_status(cast.eng, cast.number, "closed")
    cast.world.clock.advance(timedelta(days=14, minutes=1))
    with pytest.raises(TicketClosed) as closed:
        cast.reply(cast.jan, "<p>it is back</p>", reopen=True)
    assert not closed.value.can_reopen
    assert services.conversation(cast.jan, cast.number).offer is ReplyOffer.FOLLOW_UP
    with pytest.raises(TicketClosed):
        services.change_status(cast.eng, cast.number, "open")
    cast.reply(cast.eng, "<p>note on an old ticket</p>", internal=True)  # staff notes still go
    follow_up = services.open_ticket(cast.jan, OpenTicket("It is back", "<p>again</p>",
                                                          follows=cast.number))
    old = services.ticket_detail(cast.jan, cast.number).ticket
    assert follow_up.follows_id == old.id and old.status is S.CLOSED
    with pytest.raises(ValidationFailed) as foreign:
        services.open_ticket(cast.max, OpenTicket("Peek", "<p>x</p>", follows=cast.number))
    assert foreign.value.fields == {"follows": "invalid"}


def test_who_may_set_which_status(cast: Cast) -> None:
    services = cast.world.services
    with pytest.raises(TransitionNotAllowed):
        services.change_status(cast.jan, cast.number, "resolved")
    with pytest.raises(TransitionNotAllowed):
        cast.reply(cast.jan, new_status="waiting_for_customer")
    assert services.conversation(cast.eng, cast.number).total == 1  # the refused reply too
    services.change_status(cast.eng, cast.number, "resolved")
    with pytest.raises(TransitionNotAllowed):
        services.change_status(cast.eng, cast.number, "new")
    events = len(services.ticket_history(cast.eng, cast.number))
    assert services.change_status(cast.eng, cast.number, "resolved") is S.RESOLVED
    assert len(services.ticket_history(cast.eng, cast.number)) == events  # nothing changed


def test_staff_assign_and_prioritise_without_touching_the_modified_date(cast: Cast) -> None:
    services = cast.world.services
    before = services.ticket_detail(cast.jan, cast.number).ticket.modified_at
    services.assign_ticket(cast.eng, cast.number, cast.eng.account.id)
    assert services.change_priority(cast.eng, cast.number, "critical") is Priority.CRITICAL
    ticket = services.ticket_detail(cast.jan, cast.number).ticket
    assert (ticket.assignee_id, ticket.priority) == (cast.eng.account.id, Priority.CRITICAL)
    assert ticket.modified_at == before
    with pytest.raises(ValidationFailed):
        services.assign_ticket(cast.eng, cast.number, cast.jan.account.id)  # not an engineer
    with pytest.raises(ValidationFailed):
        services.change_priority(cast.eng, cast.number, "urgent")
    for call in (lambda: services.assign_ticket(cast.jan, cast.number, None),
                 lambda: services.change_priority(cast.jan, cast.number, "low")):
        with pytest.raises(PermissionDenied):
            call()
    services.assign_ticket(cast.eng, cast.number, None)
    kinds = [e.kind for e in services.ticket_history(cast.eng, cast.number)]
    assert kinds.count(AuditKind.TICKET_ASSIGNED) == 2
    assert kinds.count(AuditKind.TICKET_PRIORITY_CHANGED) == 1


def test_a_long_thread_pages_by_cursor(cast: Cast) -> None:
    for i in range(7):
        cast.reply(cast.jan if i % 2 else cast.eng, f"<p>reply {i}</p>", internal=i == 4)
    seen, cursor, pages = [], "", 0
    while True:
        page = cast.world.services.conversation(cast.ola, cast.number, cursor, page_size=3)
        seen += [a.body for a in page.articles]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ["<p>The tunnel drops.</p>"] + [f"<p>reply {i}</p>" for i in range(7)
                                                    if i != 4]
    assert (pages, page.total) == (3, 7)
    with pytest.raises(ValidationFailed):
        cast.world.services.conversation(cast.ola, cast.number, "not-a-cursor")


def test_quiet_resolved_tickets_are_reminded_once_then_closed(cast: Cast) -> None:
    services, clock = cast.world.services, cast.world.clock
    services.change_status(cast.eng, cast.number, "resolved")
    clock.advance(timedelta(days=4, hours=23))
    assert (services.auto_close_resolved().reminded, cast.status()) == (0, S.RESOLVED)
    clock.advance(timedelta(hours=2))
    assert services.auto_close_resolved().reminded == 1
    assert services.auto_close_resolved().reminded == 0  # a restart reminds no one again
    [(to, context)] = cast.mails(MailTemplate.TICKET_CLOSING_SOON)
    assert to == "jan@example.com" and context["closes_on"] == "2026-12-02"
    clock.advance(timedelta(days=2))
    assert services.auto_close_resolved().closed == 1
    assert cast.status() is S.CLOSED
    assert cast.mails(MailTemplate.TICKET_CHANGED)[-1][1]["status"] == "closed"
    assert services.auto_close_resolved() == type(services.auto_close_resolved())(0, 0)
    assert cast.reply(cast.jan, reopen=True).status is S.OPEN  # within 14 days
