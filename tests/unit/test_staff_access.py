"""Staff sign in with an authenticator app (enrolled first), recovery codes, ``Personel``."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from clico_core.accounts import AccountState
from clico_core.audit import AuditKind
from clico_core.errors import (
    AccountDisabled,
    AdminOnly,
    InvalidCode,
    InvalidCredentials,
    InvalidToken,
    NotFound,
    PolicyViolation,
    SignInExpired,
    ValidationFailed,
)
from clico_core.mail import MailTemplate
from clico_core.services import CreateStaff, SignIn, Viewer
from clico_core.sessions import MAX_CODE_FAILURES
from clico_core.values import Role

from ..support import PASSWORD, World

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _staff(world: World, email: str = "eng@clico.pl", role: Role = Role.ENGINEER) -> str:
    account, path = world.services.create_staff_account(CreateStaff(email, "Ewa", "Nowak", role))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    return account.id


def _after_code(world: World, login: str) -> str:
    """Password and e-mailed code done; the token of what comes next."""
    step = world.services.sign_in(SignIn(login, PASSWORD))
    code = world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    done = world.services.verify_code(step.session_token, code)
    assert done.enrol_totp and not done.complete
    return done.session_token


def _now_code(world: World, secret: str = SECRET) -> str:
    world.clock.advance(timedelta(seconds=30))
    return pyotp.TOTP(secret).at(world.services.ports.clock.now())


def test_staff_without_the_app_enrol_it_before_anything_else(world: World) -> None:
    _staff(world)
    token = _after_code(world, "eng@clico.pl")
    assert world.services.authenticate(token) is None  # the session opens nothing yet
    setup = world.services.begin_enrolment(token)
    assert setup.uri.startswith("otpauth://totp/")
    with pytest.raises(InvalidCode):
        world.services.finish_enrolment(token, setup.secret, "000000")
    done = world.services.finish_enrolment(token, setup.secret, _now_code(world, setup.secret))
    assert done.step.complete and done.step.device is not None
    assert len(set(done.recovery_codes)) == 10
    viewer = world.services.authenticate(done.step.session_token)
    assert viewer is not None and viewer.account.totp_secret == setup.secret
    with pytest.raises(SignInExpired):  # the enrolment session is spent
        world.services.begin_enrolment(token)
    # next time the app's code is the second step
    step = world.services.sign_in(SignIn("eng@clico.pl", PASSWORD))
    assert step.second_factor.value == "totp" and not step.enrol_totp


def test_wrong_enrolment_codes_are_limited_like_sign_in_codes(world: World) -> None:
    _staff(world)
    token = _after_code(world, "eng@clico.pl")
    for left in range(MAX_CODE_FAILURES - 1, 0, -1):
        with pytest.raises(InvalidCode) as wrong:
            world.services.finish_enrolment(token, SECRET, "000000")
        assert wrong.value.attempts_left == left
    with pytest.raises(SignInExpired):
        world.services.finish_enrolment(token, SECRET, "000000")
    with pytest.raises(SignInExpired):
        world.services.finish_enrolment(token, SECRET, _now_code(world))


def test_customers_sign_in_as_before(world: World) -> None:
    world.register("jan", contract=world.issue())
    step = world.services.sign_in(SignIn("jan", PASSWORD))
    code = world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    done = world.services.verify_code(step.session_token, code)
    assert done.complete and not done.enrol_totp
    assert world.services.authenticate(done.session_token) is not None


def test_a_staff_session_without_the_app_opens_nothing(world: World) -> None:
    _staff(world)
    token = world.sign_in("eng@clico.pl")  # enrols on the way
    assert world.services.authenticate(token) is not None
    world.services.reset_two_factor("eng@clico.pl")  # an operator: back to no app
    assert world.services.authenticate(token) is None
    with pytest.raises(PolicyViolation, match="staff_need_totp"):
        world.services.disable_totp(world.viewer("eng@clico.pl"), PASSWORD)


def _customer_with_app(world: World) -> tuple[Viewer, tuple[str, ...]]:
    world.register("jan", contract=world.issue())
    jan = world.viewer("jan")
    codes = world.services.enable_totp(jan, SECRET, _now_code(world), PASSWORD)
    world.totp_secrets["jan"] = SECRET
    return world.viewer("jan"), codes


def test_a_recovery_code_signs_in_once(world: World) -> None:
    jan, codes = _customer_with_app(world)
    assert len(set(codes)) == 10 and all(len(c) == 19 for c in codes)
    step = world.services.sign_in(SignIn("jan", PASSWORD))
    done = world.services.verify_recovery_code(step.session_token, codes[3].lower())
    assert done.complete and world.services.authenticate(done.session_token) is not None
    assert world.services.recovery_codes_left(jan) == 9
    step = world.services.sign_in(SignIn("jan", PASSWORD))
    with pytest.raises(InvalidCode):
        world.services.verify_recovery_code(step.session_token, codes[3])
    store = world.services.ports.uow.store  # type: ignore[attr-defined]
    used = [e for e in store.audit if e.kind is AuditKind.RECOVERY_CODE_USED]
    assert [e.account_id for e in used] == [jan.account.id]


def test_recovery_codes_are_stored_hashed_and_a_new_set_kills_the_old(world: World) -> None:
    jan, codes = _customer_with_app(world)
    store = world.services.ports.uow.store  # type: ignore[attr-defined]
    stored = store.recovery_codes[jan.account.id]
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    assert not any(c.replace("-", "") in h for c in codes for h in stored)
    with pytest.raises(InvalidCredentials):
        world.services.regenerate_recovery_codes(jan, "not the password")
    new = world.services.regenerate_recovery_codes(jan, PASSWORD)
    assert not set(new) & set(codes)
    step = world.services.sign_in(SignIn("jan", PASSWORD))
    with pytest.raises(InvalidCode):
        world.services.verify_recovery_code(step.session_token, codes[0])
    assert world.services.verify_recovery_code(step.session_token, new[0]).complete


def test_wrong_recovery_codes_count_like_wrong_app_codes(world: World) -> None:
    _customer_with_app(world)
    step = world.services.sign_in(SignIn("jan", PASSWORD))
    for _ in range(MAX_CODE_FAILURES - 1):
        with pytest.raises(InvalidCode):
            world.services.verify_recovery_code(step.session_token, "AAAA-BBBB-CCCC-DDDD")
    with pytest.raises(SignInExpired):
        world.services.verify_recovery_code(step.session_token, "AAAA-BBBB-CCCC-DDDD")


def test_recovery_codes_need_the_app(world: World) -> None:
    world.register("jan", contract=world.issue())
    jan = world.viewer("jan")
    with pytest.raises(PolicyViolation, match="totp_not_enabled"):
        world.services.regenerate_recovery_codes(jan, PASSWORD)
    step = world.services.sign_in(SignIn("jan", PASSWORD))  # e-mailed codes: none apply
    with pytest.raises(InvalidCode):
        world.services.verify_recovery_code(step.session_token, "AAAA-BBBB-CCCC-DDDD")


def test_only_administrators_manage_staff(world: World) -> None:
    world.register("jan", contract=world.issue())
    _staff(world, "admin@clico.pl", Role.ADMIN)
    engineer_id = _staff(world)
    admin, engineer = world.viewer("admin@clico.pl"), world.viewer("eng@clico.pl")
    cmd = CreateStaff("new@clico.pl", "Nowy", "Inżynier")
    for viewer, refused in ((world.viewer("jan"), NotFound), (engineer, AdminOnly)):
        with pytest.raises(refused):
            world.services.list_staff(viewer)
        with pytest.raises(refused):
            world.services.invite_staff(viewer, cmd)
        with pytest.raises(refused):
            world.services.set_staff_disabled(viewer, engineer_id, True)
    listed = world.services.list_staff(admin)
    assert {(m.email, m.role, m.totp) for m in listed} == {
        ("admin@clico.pl", "admin", True), ("eng@clico.pl", "engineer", True)}


def test_an_invitation_mails_a_single_use_link_and_is_audited(world: World) -> None:
    _staff(world, "admin@clico.pl", Role.ADMIN)
    admin = world.viewer("admin@clico.pl")
    member = world.services.invite_staff(admin, CreateStaff("new@clico.pl", "Nowy", "Nowak",
                                                            Role.ENGINEER))
    assert member.invited and member.role == "engineer" and not member.totp
    mail = world.last_mail(MailTemplate.STAFF_INVITATION, "new@clico.pl").mail
    assert mail.context["role"] == "engineer"
    secret = mail.context["link_path"].rsplit("/", 1)[-1]
    with pytest.raises(ValidationFailed):
        world.services.invite_staff(admin, CreateStaff("new@clico.pl", "N", "N"))
    world.services.reset_password(secret, PASSWORD, PASSWORD)
    with pytest.raises(InvalidToken):
        world.services.reset_password(secret, PASSWORD, PASSWORD)
    store = world.services.ports.uow.store  # type: ignore[attr-defined]
    assert secret not in str(store.tokens)  # only its hash is kept
    events = [(e.kind, e.account_id, e.detail) for e in store.audit]
    assert (AuditKind.STAFF_INVITED, member.id, f"by:{admin.account.id}") in events


def test_a_disabled_account_cannot_sign_in_and_its_sessions_die(world: World) -> None:
    _staff(world, "admin@clico.pl", Role.ADMIN)
    engineer_id = _staff(world)
    admin = world.viewer("admin@clico.pl")
    token = world.sign_in("eng@clico.pl")
    assert world.services.authenticate(token) is not None
    with pytest.raises(PolicyViolation, match="cannot_disable_self"):
        world.services.set_staff_disabled(admin, admin.account.id, True)
    assert world.services.set_staff_disabled(admin, engineer_id, True).disabled
    assert world.services.authenticate(token) is None
    with pytest.raises(AccountDisabled):
        world.sign_in("eng@clico.pl")
    member = world.services.set_staff_disabled(admin, engineer_id, False)
    assert not member.disabled
    assert world.services.authenticate(world.sign_in("eng@clico.pl")) is not None
    store = world.services.ports.uow.store  # type: ignore[attr-defined]
    kinds = [e.kind for e in store.audit if e.account_id == engineer_id]
    assert AuditKind.ACCOUNT_DISABLED in kinds and AuditKind.ACCOUNT_ENABLED in kinds
    with pytest.raises(NotFound):  # customers are not staff: not here
        world.services.set_staff_disabled(admin, "no-such-account", True)
    assert store.accounts[engineer_id].state is AccountState.ACTIVE
