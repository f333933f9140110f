"""Staff through the pages: ``Personel``, the invitation by real SMTP, enrolling the app first,
``Użyj kodu odzyskiwania`` and ``Kody odzyskiwania``."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from clico_adapters.mail import transport_from_url
from clico_core.errors import InvalidToken
from clico_core.mail import MailTemplate
from clico_core.policies import visible_scope
from clico_core.services import CreateStaff, SignIn, Viewer
from clico_core.values import Role

from ..support import PASSWORD, World
from .mail_support import MailRig, link_in
from .smtp import SmtpServer
from .web_fixtures import BASE_URL, TestClient, form_post, sign_in_web

SECRET = re.compile(r'name="secret" value="([A-Z2-7]+)"')
CODES = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})</code>")


def _admin(world: World) -> None:
    _, path = world.services.create_staff_account(
        CreateStaff("admin@clico.pl", "Anna", "Admin", Role.ADMIN))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)


def test_personel_lists_invites_disables_and_enables(client, web_world) -> None:  # type: ignore[no-untyped-def]
    _admin(web_world)
    sign_in_web(client, web_world, "admin@clico.pl")
    page = client.get("/admin/staff")
    assert page.status_code == 200 and "<h1 id=\"page-heading\">Personel</h1>" in page.text
    assert "Administrator" in page.text and "Aplikacja uwierzytelniająca" in page.text
    invited = form_post(client, "/admin/staff", {
        "email": "ewa@clico.pl", "first_name": "Ewa", "last_name": "Nowak",
        "role": "engineer"})
    assert invited.status_code == 303
    page = client.get(invited.headers["location"])
    assert "Zaproszenie zostało wysłane." in page.text
    assert "Ewa Nowak" in page.text and "Inżynier" in page.text and "zaproszony" in page.text
    again = form_post(client, "/admin/staff", {
        "email": "ewa@clico.pl", "first_name": "Ewa", "last_name": "Nowak", "role": "admin"},
        token_from="/admin/staff")
    assert again.status_code == 400 and "Ten adres e-mail ma już konto." in again.text
    ewa = next(m for m in web_world.services.list_staff(
        web_world.viewer("admin@clico.pl")) if m.email == "ewa@clico.pl")
    off = form_post(client, f"/admin/staff/{ewa.id}/disable", {}, token_from="/admin/staff")
    assert off.status_code == 303
    assert "Konto zostało wyłączone." in client.get(off.headers["location"]).text
    on = form_post(client, f"/admin/staff/{ewa.id}/enable", {}, token_from="/admin/staff")
    assert on.status_code == 303
    form_post(client, "/language", {"language": "en", "next": "/admin/staff"},
              token_from="/admin/staff")
    english = client.get("/admin/staff")
    assert "<h1 id=\"page-heading\">Staff</h1>" in english.text and "Engineer" in english.text


def test_a_disabled_engineer_is_signed_out_at_once(client, web_world) -> None:  # type: ignore[no-untyped-def]
    _admin(web_world)
    _, path = web_world.services.create_staff_account(CreateStaff("eng@clico.pl", "E", "N"))
    web_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    sign_in_web(client, web_world, "eng@clico.pl")
    assert client.get("/account/two-factor").status_code == 200
    admin = web_world.viewer("admin@clico.pl")
    engineer = next(m for m in web_world.services.list_staff(admin) if m.role == "engineer")
    web_world.services.set_staff_disabled(admin, engineer.id, True)
    assert client.get("/account/two-factor").status_code == 303  # the session is gone
    refused = form_post(client, "/signin", {"login": "eng@clico.pl", "password": PASSWORD})
    assert refused.status_code == 403 and "To konto jest zablokowane." in refused.text


def test_staff_reach_no_page_before_enrolling_the_app(client, web_world) -> None:  # type: ignore[no-untyped-def]
    _, path = web_world.services.create_staff_account(CreateStaff("eng@clico.pl", "E", "N"))
    web_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    form_post(client, "/signin", {"login": "eng@clico.pl", "password": PASSWORD})
    code = web_world.last_mail(MailTemplate.SIGN_IN_CODE).mail.context["code"]
    step = form_post(client, "/signin/code", {"code": code})
    assert step.headers["location"] == "/signin/enrol"
    for path in ("/tickets", "/account/two-factor", "/admin/staff", "/contracts", "/"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] in ("/signin", "/signin?expired=1"), path
    page = client.get("/signin/enrol")
    secret = SECRET.search(page.text)
    assert secret and "Skonfiguruj aplikację uwierzytelniającą" in page.text
    wrong = form_post(client, "/signin/enrol", {"secret": secret.group(1), "code": "000000"},
                      token_from="/signin/enrol")
    assert wrong.status_code == 400 and secret.group(1) in wrong.text
    now = web_world.services.ports.clock.now()
    done = form_post(client, "/signin/enrol",
                     {"secret": secret.group(1), "code": pyotp.TOTP(secret.group(1)).at(now)},
                     token_from="/signin/enrol")
    assert done.status_code == 200 and "Kody odzyskiwania" in done.text
    assert len(set(CODES.findall(done.text))) == 10
    assert client.get("/tickets").status_code == 200
    two_factor = client.get("/account/two-factor").text
    assert "Kody odzyskiwania" in two_factor and "10 z 10" in two_factor
    assert "/account/two-factor/disable" not in two_factor  # staff keep the app


def test_a_recovery_code_at_the_app_step(client, web_world, issued) -> None:  # type: ignore[no-untyped-def]
    web_world.register("jan", contract=issued)
    jan = web_world.viewer("jan")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    codes = web_world.services.enable_totp(
        jan, secret, pyotp.TOTP(secret).at(web_world.services.ports.clock.now()), PASSWORD)
    web_world.clock.advance(timedelta(seconds=30))
    step = form_post(client, "/signin", {"login": "jan", "password": PASSWORD})
    assert step.headers["location"] == "/signin/code?app=1"
    assert 'href="/signin/recovery">Użyj kodu odzyskiwania' in client.get(
        "/signin/code?app=1").text
    wrong = form_post(client, "/signin/recovery", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 400 and "Pozostałe próby: 4" in wrong.text
    done = form_post(client, "/signin/recovery", {"code": codes[0]})
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/tickets").status_code == 200
    page = client.get("/account/two-factor")
    assert "9 z 10" in page.text
    new = form_post(client, "/account/recovery-codes", {"current_password": PASSWORD},
                    token_from="/account/two-factor")
    assert new.status_code == 200 and len(set(CODES.findall(new.text))) == 10
    assert not set(CODES.findall(new.text)) & set(codes)
    assert "10 z 10" in client.get("/account/two-factor").text


def test_the_invitation_arrives_by_smtp_and_its_link_works_once(
        mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    services = mail_rig.world.services
    account, _ = services.create_staff_account(
        CreateStaff("admin@clico.pl", "Anna", "Admin", Role.ADMIN))
    admin = Viewer(account, "a session", (), visible_scope(account, ()))
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    worker.run_once()
    services.invite_staff(admin, CreateStaff("ewa@clico.pl", "Ewa", "Nowak"))
    assert worker.run_once() >= 1
    link = link_in(smtp_server.wait_for("ewa@clico.pl"), "/password/reset/")
    secret = link.rsplit("/", 1)[-1]
    services.check_reset_token(secret)
    services.reset_password(secret, PASSWORD, PASSWORD)
    step = services.sign_in(SignIn("ewa@clico.pl", PASSWORD))
    assert not step.complete
    with pytest.raises(InvalidToken):
        services.reset_password(secret, PASSWORD, PASSWORD)


def test_customers_and_engineers_are_kept_out_of_personel(client, web_world, issued) -> None:  # type: ignore[no-untyped-def]
    web_world.register("jan", contract=issued)
    sign_in_web(client, web_world)
    assert client.get("/admin/staff").status_code == 404
    assert 'href="/admin/staff"' not in client.get("/tickets").text
    _, path = web_world.services.create_staff_account(CreateStaff("eng@clico.pl", "E", "N"))
    web_world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    with TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as engineer:
        sign_in_web(engineer, web_world, "eng@clico.pl")
        refused = engineer.get("/admin/staff")
        assert refused.status_code == 403 and "Tylko administrator" in refused.text
