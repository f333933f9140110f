"""A Hypothesis state machine over the ticket status rules, with time passing.

The model below states the rules of the issue on its own terms (not by calling the core's
machine): an engineer's first public reply starts the work, a customer's reply brings
waiting or resolved back to work, only staff set statuses and customers close, a resolved
ticket quiet for 7 days closes by itself after one reminder at 5 days, and a closed ticket
reopens on a confirmed reply within 14 days. After every step the services must agree with
the model: status, ``Data modyfikacji``, what each side sees and which mails went out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.accounts import Account
from clico_core.errors import TicketClosed, TransitionNotAllowed
from clico_core.mail import MailTemplate
from clico_core.policies import visible_scope
from clico_core.services import OpenTicket, PostReply, Viewer
from clico_core.testing import builders as b
from clico_core.tickets import TicketScope, TicketStatus
from clico_core.values import Role

S = TicketStatus
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
WORKING = [S.OPEN, S.WAITING_FOR_CUSTOMER, S.RESOLVED]
# the moments the rules turn on: either side of 5 days (the reminder), 7 (closing by
# itself) and 14 (reopening), and small steps in between
STEPS = [timedelta(hours=1), timedelta(hours=23), 2 * DAY, 5 * DAY - timedelta(hours=1),
         5 * DAY, 7 * DAY - timedelta(hours=1), 7 * DAY, 14 * DAY - timedelta(hours=1),
         14 * DAY + timedelta(hours=1)]


def _viewer(account: Account) -> Viewer:
    """Signed in, with a contract of its company active (customers) or as staff."""
    scope = visible_scope(account, ()) if account.is_staff else TicketScope(
        frozenset({account.company_id}))
    return Viewer(account, f"session-{account.id}", (), scope)


class StatusMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.store = MemoryStore()
        self.clock = SteppingClock(START)
        self.mails = MemoryMailQueue(self.store)
        self.services = bootstrap(uow=MemoryUnitOfWorkFactory(self.store, SeededSecrets(1).new_id),
                                  clock=self.clock, secrets=SeededSecrets(2),
                                  hasher=Argon2Hasher.minimum(), support_inbox="inbox@clico.pl")
        company, clico = b.company("Acme"), b.company("CLICO")
        jan, ola = b.account(company.id, "jan"), b.account(company.id, "ola")
        eng = b.account(clico.id, "eng", role=Role.ENGINEER)
        with self.services.ports.uow() as uow:
            for c in (company, clico):
                uow.companies.add(c)
            for a in (jan, ola, eng):
                uow.accounts.add(a)
            uow.commit()
        self.customers = [_viewer(jan), _viewer(ola)]
        self.eng = _viewer(eng)
        self.number = self.services.open_ticket(
            self.customers[0], OpenTicket("VPN down", "<p>drops</p>")).number
        # the model
        self.now = START
        self.status = S.NEW
        self.modified = START
        self.closed_at: datetime | None = None
        self.reminded_at: datetime | None = None
        self.public, self.notes = 1, 0
        self.staff_replies = self.reminders = self.customer_replies = 0

    # --- the model's rules ---------------------------------------------------------------
    def _set(self, status: TicketStatus) -> None:
        self.status = status
        self.modified = self.now
        self.closed_at = self.now if status is S.CLOSED else None

    def _reopenable(self) -> bool:
        return self.closed_at is not None and self.now <= self.closed_at + 14 * DAY

    # --- steps ---------------------------------------------------------------------------
    @rule(who=st.integers(0, 1), reopen=st.booleans())
    def customer_replies(self, who: int, reopen: bool) -> None:
        reply = PostReply(self.number, "<p>from the customer</p>", reopen=reopen)
        if self.status is S.CLOSED and not (reopen and self._reopenable()):
            with pytest.raises(TicketClosed) as closed:
                self.services.post_reply(self.customers[who], reply)
            assert closed.value.can_reopen is self._reopenable()
            event(f"refused on a closed ticket, reopenable: {closed.value.can_reopen}")
            return
        posted = self.services.post_reply(self.customers[who], reply)
        if self.status is S.CLOSED:
            event("reopened")
        if self.status in (S.CLOSED, S.WAITING_FOR_CUSTOMER, S.RESOLVED):
            self._set(S.OPEN)
        self.modified = self.now
        self.public += 1
        self.customer_replies += 1
        assert posted.status is self.status

    @rule(internal=st.booleans(), new_status=st.sampled_from([None, *WORKING, S.CLOSED]))
    def engineer_replies(self, internal: bool, new_status: TicketStatus | None) -> None:
        reply = PostReply(self.number, "<p>from support</p>", internal=internal,
                          new_status=new_status.value if new_status else None)
        if self.status is S.CLOSED and (not internal or new_status not in (None, S.CLOSED)):
            with pytest.raises(TicketClosed):  # staff reopen by a confirmed reply too
                self.services.post_reply(self.eng, reply)
            return
        self.services.post_reply(self.eng, reply)
        if internal:
            self.notes += 1
        else:
            self.public += 1
            self.staff_replies += 1
            self.modified = self.now
            if self.status is S.NEW:
                self._set(S.OPEN)
        if new_status is not None and new_status is not self.status:
            self._set(new_status)

    @rule(wanted=st.sampled_from(list(S)), staff=st.booleans())
    def someone_sets_the_status(self, wanted: TicketStatus, staff: bool) -> None:
        target = wanted
        viewer = self.eng if staff else self.customers[1]
        allowed = (target is self.status
                   or (self.status is not S.CLOSED
                       and target in ([*WORKING, S.CLOSED] if staff else [S.CLOSED])))
        if not allowed:
            expected = TicketClosed if self.status is S.CLOSED else TransitionNotAllowed
            with pytest.raises(expected):
                self.services.change_status(viewer, self.number, target.value)
            return
        assert self.services.change_status(viewer, self.number, target.value) is target
        if target is not self.status:
            self._set(target)

    @rule()
    def an_engineer_resolves_it(self) -> None:
        """The same as setting it by hand; its own rule, so quiet resolved spells are common."""
        self.someone_sets_the_status(S.RESOLVED, staff=True)

    @rule(step=st.sampled_from(STEPS), then_the_job=st.booleans())
    def time_passes(self, step: timedelta, then_the_job: bool) -> None:
        self.clock.advance(step)
        self.now += step
        if then_the_job:
            self.the_job_runs()

    @rule()
    def the_job_runs(self) -> None:
        report = self.services.auto_close_resolved()
        quiet = self.now - self.modified
        if self.status is S.RESOLVED and quiet >= 7 * DAY:
            self._set(S.CLOSED)
            event("closed by itself")
            assert (report.closed, report.reminded) == (1, 0)
        elif (self.status is S.RESOLVED and quiet >= 5 * DAY
              and (self.reminded_at is None or self.reminded_at < self.modified)):
            self.reminded_at = self.now
            self.reminders += 1
            event("reminded")
            assert (report.closed, report.reminded) == (0, 1)
        else:
            assert (report.closed, report.reminded) == (0, 0)

    # --- what must hold after every step -------------------------------------------------
    @invariant()
    def the_services_agree_with_the_model(self) -> None:
        ticket = self.services.ticket_detail(self.eng, self.number).ticket
        assert ticket.status is self.status
        assert ticket.modified_at == self.modified
        assert (ticket.closed_at is not None) is (self.status is S.CLOSED)

    @invariant()
    def each_side_sees_its_articles(self) -> None:
        assert self.services.conversation(self.customers[1], self.number).total == self.public
        assert self.services.conversation(self.eng, self.number).total == (
            self.public + self.notes)

    @invariant()
    def the_mails_are_the_ones_the_rules_send(self) -> None:
        sent = [m.mail for m in self.mails.all()]
        reminders = [m for m in sent if m.template is MailTemplate.TICKET_CLOSING_SOON]
        assert len(reminders) == self.reminders
        replies = [m.to for m in sent if m.template is MailTemplate.TICKET_REPLY]
        assert replies.count("jan@example.com") == self.staff_replies
        assert replies.count("inbox@clico.pl") == self.customer_replies
        assert "ola@example.com" not in {m.to for m in sent}  # the reporter is mailed only


StatusMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=35, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestStatusMachine = StatusMachine.TestCase
