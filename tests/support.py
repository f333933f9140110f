"""A small scenario helper shared by unit and integration tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Protocol

import pyotp
from attrs import Factory, define

from clico_adapters.secretbox import AesGcmSecretBox
from clico_core.mail import MailTemplate, OutboxMessage
from clico_core.policies import visible_scope
from clico_core.services import (
    AssetSpec,
    CreateStaff,
    IssueContract,
    IssuedContract,
    RegisterAccount,
    Services,
    SignIn,
    Viewer,
)
from clico_core.sessions import SecondFactor

PASSWORD = "correct horse battery staple"
TEST_SECRET_KEY = "a test secret key, never used outside the tests"


def sealing_box(key: str = TEST_SECRET_KEY, *previous: str) -> AesGcmSecretBox:
    """The box a test database seals its secrets with."""
    return AesGcmSecretBox(key, previous)


class Clock(Protocol):
    def advance(self, delta: timedelta) -> None: ...


class Mails(Protocol):
    def all(self) -> Sequence[OutboxMessage]: ...


@define
class World:
    services: Services
    clock: Clock
    mails: Mails
    today: date
    # authenticator secrets the helpers enrolled, by login (staff must have one)
    totp_secrets: dict[str, str] = Factory(dict)
    totp_steps: dict[str, int] = Factory(dict)  # the last time step used, by login

    def last_mail(self, template: MailTemplate, to: str | None = None) -> OutboxMessage:
        for message in reversed(list(self.mails.all())):
            if message.mail.template is template and (to is None or message.mail.to == to):
                return message
        raise AssertionError(f"no {template} mail to {to}")

    def secret_from(self, template: MailTemplate, to: str | None = None) -> str:
        return self.last_mail(template, to).mail.context["link_path"].rsplit("/", 1)[-1]

    def issue(self, number: str = "C-1", company: str = "Acme", *,
              assets: Sequence[tuple[str, str, str]] = (("PAN-PA-450", "PALO_ALTO", "SN-1"),),
              days: int = 365, valid_from: date | None = None) -> IssuedContract:
        return self.services.issue_contract(IssueContract(
            number, company, self.today + timedelta(days=days), valid_from=valid_from,
            assets=tuple(AssetSpec(*a) for a in assets)))

    def register(self, login: str = "jan", *, contract: IssuedContract, email: str | None = None,
                 company: str = "Acme", confirm: bool = True) -> None:
        email = email or f"{login}@example.com"
        self.services.register_account(RegisterAccount(
            login, email, "Jan", "Kowalski", PASSWORD, PASSWORD, "+48 600 100 200",
            contract.contract.number, contract.activation_key, company))
        if confirm:
            self.services.confirm_email(self.secret_from(MailTemplate.CONFIRM_EMAIL, email))

    def sign_in(self, login: str = "jan", password: str = PASSWORD) -> str:
        """Both steps; returns the full session token."""
        step = self.services.sign_in(SignIn(login, password, "203.0.113.9"))
        if not step.complete and not step.enrol_totp:
            code = self.totp_code(login) if step.second_factor is SecondFactor.TOTP else \
                self.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
            step = self.services.verify_code(step.session_token, code)
        if step.enrol_totp:  # a staff member without the app enrols it first
            setup = self.services.begin_enrolment(step.session_token)
            self.totp_secrets[login] = setup.secret
            step = self.services.finish_enrolment(step.session_token, setup.secret,
                                                  self.totp_code(login)).step
        return step.session_token

    def totp_code(self, login: str) -> str:
        """The app's code for ``login``, a time step after any code used before (a code is
        accepted once, and one step ahead of the portal's clock)."""
        totp = pyotp.TOTP(self.totp_secrets[login])
        advance = getattr(self.clock, "advance", None)
        if advance is not None:  # a test clock: move it on a step
            advance(timedelta(seconds=30))
            return totp.at(self.services.ports.clock.now())
        # the system clock: the next step not used yet, waiting if two steps ahead
        step = max(int(time.time()) // 30, self.totp_steps.get(login, -1) + 1)
        while step > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.totp_steps[login] = step
        return totp.at(step * 30)

    def viewer(self, login: str = "jan") -> Viewer:
        viewer = self.services.authenticate(self.sign_in(login))
        assert viewer is not None
        return viewer

    def engineer(self, email: str = "eng@clico.pl", first: str = "Ewa",
                 last: str = "Inżynier") -> Viewer:
        """A new staff account, seen as signed in (what ``authenticate`` would give)."""
        account, _ = self.services.create_staff_account(CreateStaff(email, first, last))
        return Viewer(account, f"session-{account.id}", (), visible_scope(account, ()))


AnswersFor = Callable[[str], dict[str, str]]

PALO_ALTO_ANSWERS = {
    "occurred_on": "2026-11-24", "new_deployment": "no", "ever_worked": "yes",
    "changes_before": "no", "production": "yes", "frequency": "daily",
}
