"""A Hypothesis state machine drives the public services and checks the invariants after
every step: no account sees another company's ticket; contracts are held only after their
valid key was shown; every technical ticket's asset was covered when it was opened; used
or expired links and codes never work."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from clico_adapters.bootstrap import bootstrap
from clico_adapters.memory import (
    MemoryMailQueue,
    MemoryStore,
    MemoryUnitOfWorkFactory,
    SeededSecrets,
    SteppingClock,
)
from clico_adapters.passwords import Argon2Hasher
from clico_core.errors import ClicoError, InvalidCode, InvalidToken, SignInExpired
from clico_core.mail import MailTemplate
from clico_core.questionnaires import DEFAULT, PALO_ALTO
from clico_core.services import (
    AssetSpec,
    IssueContract,
    Limits,
    OpenTicket,
    RateLimit,
    RegisterAccount,
    SignIn,
    Slowdown,
    Viewer,
)
from clico_core.tickets import TicketKind, TicketQuery

WARSAW = ZoneInfo("Europe/Warsaw")
PASSWORD = "correct horse battery staple"
START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
HASHER = Argon2Hasher.minimum()
GENEROUS = RateLimit(10_000, timedelta(minutes=1))
NEVER_SLOW = Slowdown(10_000, timedelta(minutes=1), timedelta(seconds=1), timedelta(seconds=1))
# every limit out of the way: the machine explores behaviour, not throttling
GENEROUS_LIMITS = Limits(**{f.name: GENEROUS if isinstance(f.default, RateLimit) else NEVER_SLOW
                            for f in attrs.fields(Limits)
                            if isinstance(f.default, RateLimit | Slowdown)})
COMPANIES = ["Acme", "Beta", "Gamma"]
ANSWERS = {
    "PALO_ALTO": {"occurred_on": "2026-01-01", "new_deployment": "no", "ever_worked": "yes",
                  "changes_before": "no", "production": "yes", "frequency": "daily"},
    "default": {"occurred_on": "2026-01-01", "production": "no", "frequency": "once"},
}
assert set(ANSWERS["PALO_ALTO"]) == {q.id for q in PALO_ALTO.questions}
assert set(ANSWERS["default"]) == {q.id for q in DEFAULT.questions}


class PortalMachine(RuleBasedStateMachine):
    @initialize()
    def setup(self) -> None:
        self.store = MemoryStore()
        self.clock = SteppingClock(START)
        self.mails = MemoryMailQueue(self.store)
        self.services = bootstrap(
            uow=MemoryUnitOfWorkFactory(self.store, SeededSecrets(1).new_id), clock=self.clock,
            secrets=SeededSecrets(2), hasher=HASHER,
            limits=GENEROUS_LIMITS)
        self.contracts: list[tuple[str, str, str]] = []  # (number, key, company)
        for i, company in enumerate(COMPANIES * 2):
            vendor = "PALO_ALTO" if i % 2 == 0 else "FORTINET"
            issued = self.services.issue_contract(IssueContract(
                f"C-{i}", company, date(2026, 1, 10) + timedelta(days=20 + 15 * i),
                assets=(AssetSpec(f"BOX-{i}", vendor, f"SN-{i}"),)))
            self.contracts.append((issued.contract.number, issued.activation_key, company))
        self.accounts: dict[str, str] = {}  # login -> company it registered into
        self.confirmed: set[str] = set()
        self.sessions: dict[str, str] = {}
        self.presented: set[tuple[str, str]] = set()  # (login, contract) shown with valid key
        self.used_secrets: list[str] = []
        for login, n in (("eve", 0), ("max", 1)):  # two confirmed users to start from
            self.register(n, login, right_key=True)
            self.confirm()

    def _today(self) -> date:
        return self.services.ports.today()

    def _viewer(self, login: str) -> Viewer | None:
        token = self.sessions.get(login)
        viewer = self.services.authenticate(token) if token else None
        if viewer is None and login in self.confirmed:
            step = self.services.sign_in(SignIn(login, PASSWORD))
            code = self._last(MailTemplate.SIGN_IN_CODE).context["code"]
            token = self.services.verify_code(step.session_token, code).session_token
            self.sessions[login] = token
            viewer = self.services.authenticate(token)
        return viewer

    def _last(self, template: MailTemplate):  # type: ignore[no-untyped-def]
        return next(m.mail for m in reversed(self.mails.all()) if m.mail.template is template)

    @rule(n=st.integers(0, 5), login=st.sampled_from(["ann", "bob", "cyd"]),
          right_key=st.booleans())
    def register(self, n: int, login: str, right_key: bool) -> None:
        number, key, company = self.contracts[n]
        before = len(self.mails.all())
        try:
            self.services.register_account(RegisterAccount(
                login, f"{login}@example.com", "Jan", "Kowalski", PASSWORD, PASSWORD,
                "+48 600 100 200", number, key if right_key else "WRONG-KEY", company))
        except ClicoError:
            return
        assert right_key, "a wrong key registered an account"
        if login not in self.accounts:
            created = self._last(MailTemplate.CONFIRM_EMAIL)
            assert len(self.mails.all()) == before + 1 and created.to == f"{login}@example.com"
            self.accounts[login] = company
            self.presented.add((login, number))

    @precondition(lambda self: any(a not in self.confirmed for a in self.accounts))
    @rule()
    def confirm(self) -> None:
        message = self._last(MailTemplate.CONFIRM_EMAIL)
        secret = message.context["link_path"].rsplit("/", 1)[-1]
        login = message.to.split("@")[0]
        try:
            self.services.confirm_email(secret)
        except InvalidToken:
            return  # expired (the clock moved a day) or already used
        self.confirmed.add(login)
        self.used_secrets.append(secret)

    @precondition(lambda self: bool(self.used_secrets))
    @rule()
    def used_links_never_work_again(self) -> None:
        try:
            self.services.confirm_email(self.used_secrets[-1])
        except InvalidToken:
            return
        raise AssertionError("a used confirmation link worked twice")

    @precondition(lambda self: bool(self.confirmed))
    @rule(data=st.data())
    def wrong_code_never_signs_in(self, data: st.DataObject) -> None:
        login = data.draw(st.sampled_from(sorted(self.confirmed)))
        step = self.services.sign_in(SignIn(login, PASSWORD))
        right = self._last(MailTemplate.SIGN_IN_CODE).context["code"]
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        try:
            self.services.verify_code(step.session_token, wrong)
        except (InvalidCode, SignInExpired):
            pass
        else:
            raise AssertionError("a wrong code signed in")
        self.clock.advance(timedelta(minutes=11))
        try:
            self.services.verify_code(step.session_token, right)
        except SignInExpired:
            return
        raise AssertionError("an expired code signed in")

    @precondition(lambda self: bool(self.confirmed))
    @rule(data=st.data(), n=st.integers(0, 5), right_key=st.booleans())
    def activate(self, data: st.DataObject, n: int, right_key: bool) -> None:
        login = data.draw(st.sampled_from(sorted(self.confirmed)))
        viewer = self._viewer(login)
        assert viewer is not None
        number, key, _ = self.contracts[n]
        try:
            self.services.activate_contract(viewer, number, key if right_key else "NOPE")
        except ClicoError:
            return
        assert right_key, "a wrong key activated a contract"
        event("contract activated")
        self.presented.add((login, number))

    @precondition(lambda self: bool(self.confirmed))
    @rule(data=st.data(), pick=st.integers(0, 20), technical=st.booleans())
    def open_ticket(self, data: st.DataObject, pick: int, technical: bool) -> None:
        login = data.draw(st.sampled_from(sorted(self.confirmed)))
        viewer = self._viewer(login)
        assert viewer is not None
        with self.services.ports.uow() as uow:  # any asset, covered or not: the core decides
            all_assets = sorted(uow.assets.get_many(
                [a for c in uow.contracts.list_for_company() for a in c.asset_ids]),
                key=lambda a: a.id)
        asset = all_assets[pick % len(all_assets)] if technical else None
        questionnaire = asset.category if asset else "default"
        try:
            self.services.open_ticket(viewer, OpenTicket(
                "Subject", "<p>body</p>", asset_id=asset.id if asset else None,
                answers=ANSWERS[questionnaire] if asset else {}))
        except ClicoError:
            event("ticket refused")
            return
        event("technical ticket opened" if asset else "administrative ticket opened")

    @rule(days=st.integers(0, 6), minutes=st.integers(0, 120))
    def advance_clock(self, days: int, minutes: int) -> None:
        self.clock.advance(timedelta(days=days, minutes=minutes))

    # --- invariants ------------------------------------------------------------------------
    @invariant()
    def contracts_held_only_after_their_key(self) -> None:
        if not hasattr(self, "store"):
            return
        with self.services.ports.uow() as uow:
            for activation in self.store.activations.values():
                account = uow.accounts.get(activation.account_id)
                contract = uow.contracts.get(activation.contract_id)
                assert account is not None and contract is not None
                assert (account.login, contract.number) in self.presented

    @invariant()
    def technical_tickets_were_covered_when_opened(self) -> None:
        if not hasattr(self, "store"):
            return
        with self.services.ports.uow() as uow:
            for ticket in self.store.tickets.values():
                assert (ticket.kind is TicketKind.TECHNICAL) == bool(ticket.asset_ids)
                if ticket.kind is not TicketKind.TECHNICAL:
                    continue
                contract = uow.contracts.get(ticket.contract_id)
                assert contract is not None and ticket.asset_ids[0] in contract.asset_ids
                opened_on = ticket.created_at.astimezone(WARSAW).date()
                assert contract.valid_from <= opened_on <= contract.valid_until
                activated = [a for a in uow.contracts.activations_of(contract.id)
                             if a.account_id == ticket.reporter_id]
                assert activated and activated[0].activated_at <= ticket.created_at

    @invariant()
    def nobody_sees_another_companys_tickets(self) -> None:
        if not hasattr(self, "store"):
            return
        for login in sorted(self.confirmed):
            token = self.sessions.get(login)
            viewer = self.services.authenticate(token) if token else None
            if viewer is None:
                continue
            with self.services.ports.uow() as uow:
                allowed = {c.company_id for c in uow.contracts.active_for_account(
                    viewer.account.id, self._today())}
            page = self.services.list_tickets(viewer, TicketQuery(show_closed=True,
                                                                  page_size=100))
            for row in page.rows:
                ticket = self.store.tickets[row.id]
                # exactly the companies of active contracts; with none, only one's own tickets
                assert ticket.company_id in allowed or (
                    not allowed and ticket.reporter_id == viewer.account.id), \
                    "saw another company's ticket"


PortalMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestPortal = PortalMachine.TestCase
