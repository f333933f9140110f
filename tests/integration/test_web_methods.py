"""Every route of the app × every method: only a POST with a valid CSRF token changes anything.

The routes come from the app itself, so a new route is walked without editing this file. A
route with a path parameter needs a real value in ``PATH_VALUES`` (a real confirmation
secret, a real ticket number…), and a route that takes a POST needs a form that works in
``forms`` and a step in ``LIVE_POSTS``; the tests fail and say so when one is missing.

Each request goes out as an anonymous visitor, half-way through sign-in (password done,
code pending; the app's code pending; a staff member's enrolment of the app pending), fully
signed in as a customer and as an administrator; with no body, with the route's working form but no
token, and with the form and a valid token. Every table (outbox and audit log included) is
compared before and after, row by row. ``test_the_walks_forms_really_write`` proves that the
forms are live: POSTed with a token, each one changes the database. The one exception: a
staff member's load of a ticket's page records that they have it open (``ticket_presence``,
``Teraz przegląda``), so that presence works without JavaScript; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pyotp
import pytest
from attrs import define
from sqlalchemy import Engine, create_engine, select
from starlette.routing import Mount, Route

from clico_adapters.sql.tables import metadata
from clico_core.mail import MailTemplate
from clico_core.policies import visible_scope
from clico_core.services import (
    CreateStaff,
    IssuedContract,
    KbTextInput,
    OpenTicket,
    PostReply,
    RegisterWebhook,
    SaveKbArticle,
    SaveReplyTemplate,
    Viewer,
)
from clico_core.sessions import RESEND_INTERVAL
from clico_core.values import Role

from ..support import PASSWORD, World
from .web_fixtures import _CSRF, BASE_URL, TestClient, csrf_of, form_post, sign_in_web

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
NEW_PASSWORD = "a brand new passphrase 42"
# Pages with a form (and so a token bound to the visitor's session): one for each kind.
TOKEN_PAGES = ("/signin", "/signin/code", "/account/password")
# POSTs that may change nothing stored (the choice of language lives in a cookie).
WRITES_NOTHING = frozenset({"language"})
# GETs that may write one table: a staff member's page load records presence.
PRESENCE_ON_LOAD = ("ticket", "ticket_presence")
# and a reader's load of a knowledge base article counts the view (``kb_events``)
VIEW_ON_LOAD = ("kb_article", "kb_events")

Snapshot = dict[str, list[tuple[Any, ...]]]


@define
class Scene:
    """A portal with something behind every link: accounts in each state, live secrets."""

    world: World
    clients: dict[str, TestClient]
    second_contract: IssuedContract
    contract_id: str
    ticket_number: str
    confirm_secret: str
    reset_secret: str
    totp_secret: str
    attachment_id: str
    template_id: str
    company_id: str
    engineer_id: str
    recovery_codes: tuple[str, ...]
    webhook_id: str = ""
    delivery_id: str = ""
    kb_article_id: str = ""
    kb_file_id: str = ""

    def token(self, state: str) -> str:
        """The token of the form a browser in ``state`` would post from."""
        client = self.clients[state]
        for path in TOKEN_PAGES:
            match = _CSRF.search(client.get(path).text)
            if match:
                return match.group(1)
        raise AssertionError(f"no page with a form for {state}")

    def sign_in_code(self) -> str:
        return self.world.last_mail(MailTemplate.SIGN_IN_CODE, "eva@example.com").mail.context[
            "code"]


def path_values(scene: Scene) -> dict[tuple[str, str], str]:
    """(route name, parameter) → a value that reaches the handler's real work."""
    return {
        ("confirm", "secret"): scene.confirm_secret,
        ("password_reset", "secret"): scene.reset_secret,
        ("ticket", "number"): scene.ticket_number,
        ("ticket_reply", "number"): scene.ticket_number,
        ("ticket_close", "number"): scene.ticket_number,
        ("ticket_history", "number"): scene.ticket_number,
        ("ticket_attachment", "number"): scene.ticket_number,
        ("ticket_attachment", "attachment_id"): scene.attachment_id,
        ("ticket_assign", "number"): scene.ticket_number,
        ("ticket_priority", "number"): scene.ticket_number,
        ("contract", "contract_id"): scene.contract_id,
        ("ticket_presence", "number"): scene.ticket_number,
        ("reply_template", "template_id"): scene.template_id,
        ("reply_template_delete", "template_id"): scene.template_id,
        ("template_filled", "template_id"): scene.template_id,
        ("company", "company_id"): scene.company_id,
        ("admin_contract", "number"): "C-1",
        ("level", "name"): "standard",
        ("static", "path"): "style.css",
        # the JSON API (its own walk: tests/integration/test_api.py); cookies open nothing
        ("api", "path"): "tickets",
        ("admin_staff_disable", "account_id"): scene.engineer_id,
        ("admin_staff_enable", "account_id"): scene.engineer_id,
        ("webhook_log", "endpoint_id"): scene.webhook_id,
        ("webhook_redeliver", "endpoint_id"): scene.webhook_id,
        ("webhook_redeliver", "delivery_id"): scene.delivery_id,
        ("webhook_events", "endpoint_id"): scene.webhook_id,
        ("webhook_disable", "endpoint_id"): scene.webhook_id,
        ("webhook_enable", "endpoint_id"): scene.webhook_id,
        ("webhook_delete", "endpoint_id"): scene.webhook_id,
        ("kb_article", "ref"): f"{scene.kb_article_id}-tunel-vpn",
        ("kb_solved", "article_id"): scene.kb_article_id,
        ("kb_edit", "article_id"): scene.kb_article_id,
        ("kb_history", "article_id"): scene.kb_article_id,
        ("kb_restore", "article_id"): scene.kb_article_id,
        ("kb_restore", "number"): "1",
        ("kb_unpublish", "article_id"): scene.kb_article_id,
        ("kb_file", "article_id"): scene.kb_article_id,
        ("kb_file", "attachment_id"): scene.kb_file_id,
        ("kb_file_remove", "article_id"): scene.kb_article_id,
        ("kb_file_remove", "attachment_id"): scene.kb_file_id,
        ("kb_from_ticket", "number"): scene.ticket_number,
    }


def forms(scene: Scene) -> dict[str, dict[str, str]]:
    """Route name → the form that succeeds when POSTed with a token (at the time of asking)."""
    now = scene.world.services.ports.clock.now()
    return {
        "signin": {"login": "jan", "password": PASSWORD},
        "signin_code": {"code": scene.sign_in_code()},
        "signin_code_resend": {},
        "signout": {},
        "password_forgot": {"login_or_email": "jan"},
        "password_reset": {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        "signup": {"login": "newbie", "email": "newbie@example.com", "first_name": "Nowy",
                   "last_name": "Klient", "password": PASSWORD, "password_confirm": PASSWORD,
                   "phone": "+48 600 100 300", "contract_number": "C-2",
                   "activation_code": scene.second_contract.activation_key,
                   "company": "Acme"},
        "confirm": {},
        "register_contract": {"contract_number": "C-2",
                              "contract_key": scene.second_contract.activation_key},
        "change_password": {"current_password": PASSWORD, "password": NEW_PASSWORD,
                            "password_confirm": NEW_PASSWORD},
        "account_notifications": {"notify_company_tickets": "1"},
        "create_api_token": {"name": "ci", "scope": "read", "expires": "30"},
        "revoke_api_token": {"token_id": next(
            (t.token.id for t in scene.world.services.api_tokens_of("jan")), "none")},
        "new_ticket": {"subject": "VPN tunnel drops", "description": "Every hour.",
                       "format": "text", "priority": "high", "relation_type": "incident"},
        "ticket_reply": {"body": "Any news?", "format": "text"},
        "ticket_close": {},
        "ticket_assign": {"assignee": "me"},
        "ticket_priority": {"priority": "critical"},
        "staff_queue_bulk": {"action": "assign", "assignee": "", "ticket": scene.ticket_number},
        "two_factor_enable": {"secret": scene.totp_secret,
                              "code": pyotp.TOTP(scene.totp_secret).at(now),
                              "password": PASSWORD},
        "two_factor_disable": {"password": PASSWORD},
        "language": {"language": "en", "next": "/"},
        "ticket_presence": {},
        "reply_templates": {"title": "Logi", "body": "Proszę o logi.", "format": "text"},
        "reply_template": {"title": "Logi", "body": "Proszę o logi, {{ customer_name }}.",
                           "format": "text"},
        "reply_template_delete": {},
        "admin_contracts": {"number": "UM-9", "company": "Beta", "valid_until": "2030-01-01"},
        "admin_contract": {"action": "terms", "support_level": "gold",
                           "valid_from": "2026-01-01", "valid_until": "2030-01-01"},
        "admin_contracts_import": {"file": "number,company,valid_from,valid_until\n"
                                           "UM-10,Beta,2026-01-01,2030-01-01\n"},
        "recovery_codes": {"current_password": PASSWORD},
        "signin_enrol": {"secret": ENROL_SECRET, "code": pyotp.TOTP(ENROL_SECRET).at(now)},
        "signin_recovery": {"code": scene.recovery_codes[0]},
        "admin_staff": {"email": "new@clico.pl", "first_name": "Nowy", "last_name": "Inżynier",
                        "role": "engineer"},
        "admin_staff_disable": {},
        "level": {"timezone": "Europe/Warsaw", "holiday_country": "PL",
                  **{f"week_{day}": "08:00-16:00" for day in range(5)},
                  **{f"first_{p}": "4" for p in ("low", "normal", "high", "critical")},
                  **{f"resolution_{p}": "40" for p in ("low", "normal", "high", "critical")}},
        "admin_staff_enable": {},
        "webhooks": {"url": "https://hooks.example.com/new", "company": "Acme",
                     "event_created": "on", "event_sla_breach": "on"},
        "webhook_redeliver": {},
        "webhook_events": {"event_reply": "on"},
        "webhook_disable": {},
        "webhook_enable": {},
        "webhook_delete": {},
        "kb_new": {"title_pl": "Licencja", "body_pl": "Aktywacja.", "visibility": "publiczny",
                   "format": "text"},
        "kb_edit": {"title_pl": "Tunel VPN", "body_pl": "Nowa treść.", "visibility": "klienci",
                    "format": "text"},
        "kb_solved": {},
        "kb_restore": {},
        "kb_unpublish": {},
        "kb_file_remove": {},
        "kb_from_ticket": {},
    }


# POSTs whose form is a file upload (multipart): the route name → the field holding a file
UPLOADS = {"admin_contracts_import": "file"}


# The POSTs of the liveness test in an order where none spoils a later one: (route, visitor).
LIVE_POSTS = [
    ("language", "anonymous"), ("password_forgot", "anonymous"), ("signup", "anonymous"),
    ("confirm", "anonymous"), ("password_reset", "anonymous"), ("signin", "anonymous"),
    ("signin_code_resend", "pending"), ("signin_code", "pending"),
    ("register_contract", "signed_in"), ("new_ticket", "signed_in"),
    ("ticket_reply", "signed_in"), ("ticket_assign", "staff"), ("ticket_priority", "staff"),
    ("staff_queue_bulk", "staff"), ("ticket_close", "signed_in"),
    ("two_factor_enable", "signed_in"), ("recovery_codes", "signed_in"),
    ("two_factor_disable", "signed_in"), ("signin_recovery", "pending_app"),
    ("signin_enrol", "enrolling"),
    ("account_notifications", "signed_in"), ("create_api_token", "signed_in"),
    ("revoke_api_token", "signed_in"), ("change_password", "signed_in"),
    ("signout", "signed_in"),
    ("ticket_presence", "staff"), ("reply_templates", "staff"), ("reply_template", "staff"),
    ("reply_template_delete", "staff"),
    ("admin_contracts", "admin"), ("admin_contract", "admin"),
    ("admin_contracts_import", "admin"),
    ("admin_staff", "admin"), ("admin_staff_disable", "admin"), ("admin_staff_enable", "admin"),
    ("level", "admin"), ("webhooks", "admin"), ("webhook_redeliver", "admin"),
    ("webhook_events", "admin"), ("webhook_disable", "admin"), ("webhook_enable", "admin"),
    ("webhook_delete", "admin"),
    ("kb_new", "staff"), ("kb_edit", "staff"), ("kb_file_remove", "staff"),
    ("kb_unpublish", "staff"), ("kb_restore", "staff"),
    ("kb_solved", "anonymous"), ("kb_from_ticket", "staff"),
]
ENROL_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def tables(database_url: str) -> Iterator[Callable[[], Snapshot]]:
    """Every table of the schema, every row, read on a connection of the test's own."""
    engine: Engine = create_engine(database_url)

    def snapshot() -> Snapshot:
        with engine.connect() as connection:
            return {table.name: sorted((tuple(row) for row in connection.execute(select(table))),
                                       key=repr)
                    for table in metadata.sorted_tables}

    yield snapshot
    engine.dispose()


@pytest.fixture
def scene(client: TestClient, web_world: World) -> Iterator[Scene]:
    world = web_world
    first = world.issue("C-1", "Acme")
    second = world.issue("C-2", "Acme")
    hooks, _ = world.services.create_staff_account(
        CreateStaff("hooks@clico.pl", "Hugo", "Hooks", Role.ADMIN))
    hooks_admin = Viewer(hooks, "session", (), visible_scope(hooks, ()))
    webhook = world.services.register_webhook(hooks_admin, RegisterWebhook(
        "https://hooks.example.com/acme", "Acme", ("ticket.created",)))
    for login in ("jan", "eva", "kim"):
        world.register(login, contract=first)
    world.register("ola", contract=first, confirm=False)
    confirm_secret = world.secret_from(MailTemplate.CONFIRM_EMAIL, "ola@example.com")
    world.services.request_password_reset("kim")  # kim never signs in: the link stays live
    reset_secret = world.secret_from(MailTemplate.PASSWORD_RESET, "kim@example.com")
    ticket = world.services.open_administrative_ticket(
        world.viewer("jan"), OpenTicket("Printer on fire", "<p>Smoke.</p>"))
    (delivery,) = world.services.webhook_log(hooks_admin, webhook.endpoint.id).deliveries
    jan = world.viewer("jan")
    totp_secret = world.services.begin_totp(jan).secret
    upload = world.services.upload_attachment(jan, "log.txt", iter([b"tunnel down"]),
                                              world.services.upload_budget())
    world.services.post_reply(jan, PostReply(ticket.number, "<p>The log.</p>",
                                             attachment_ids=(upload.id,)))
    _, path = world.services.create_staff_account(CreateStaff("eng@clico.pl", "Ewa", "Inż"))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    template = world.services.save_reply_template(world.viewer("eng@clico.pl"),
                                                  SaveReplyTemplate("Hej", "<p>Hej</p>"))
    engineer = world.viewer("eng@clico.pl")
    kb_upload = world.services.upload_attachment(engineer, "config.txt", iter([b"set vpn"]),
                                                 world.services.upload_budget())
    kb_article = world.services.save_kb_article(engineer, SaveKbArticle(
        (KbTextInput("pl", "Tunel VPN", "<p>Zrywa się.</p>"),), "publiczny",
        attachment_ids=(kb_upload.id,)))

    _, invitation = world.services.create_staff_account(
        CreateStaff("admin@clico.pl", "Ada", "Admin", Role.ADMIN))
    world.services.reset_password(invitation.rsplit("/", 1)[-1], PASSWORD, PASSWORD)
    # max uses an authenticator app (and has recovery codes); a new engineer has not
    # enrolled the app yet
    world.register("max", contract=first)
    maks = world.viewer("max")
    codes = world.services.enable_totp(maks, ENROL_SECRET, pyotp.TOTP(ENROL_SECRET).at(
        world.services.ports.clock.now()), PASSWORD)
    newcomer, path = world.services.create_staff_account(
        CreateStaff("new-eng@clico.pl", "Nowy", "Inżynier"))
    world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)

    sign_in_web(client, world, "jan")
    with TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as anonymous, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as pending, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as pending_app, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as enrolling, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as staff, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as admin:
        sign_in_web(staff, world, "eng@clico.pl")  # an engineer: the staff queue's actions
        csrf_of(anonymous, "/signin")  # the anonymous cookie every browser gets first
        sign_in_web(admin, world, "admin@clico.pl")
        step = form_post(enrolling, "/signin", {"login": "new-eng@clico.pl",
                                                "password": PASSWORD})
        code = world.last_mail(MailTemplate.SIGN_IN_CODE,
                               "new-eng@clico.pl").mail.context["code"]
        step = form_post(enrolling, "/signin/code", {"code": code})
        assert step.headers["location"] == "/signin/enrol"
        step = form_post(pending_app, "/signin", {"login": "max", "password": PASSWORD})
        assert step.headers["location"] == "/signin/code?app=1"
        step = form_post(pending, "/signin", {"login": "eva", "password": PASSWORD})
        assert step.headers["location"] == "/signin/code"
        yield Scene(world, {"anonymous": anonymous, "pending": pending, "signed_in": client,
                            "pending_app": pending_app, "enrolling": enrolling,
                            "staff": staff, "admin": admin},
                    second, first.contract.id, ticket.number, confirm_secret, reset_secret,
                    totp_secret, upload.id, template.id, first.contract.company_id,
                    newcomer.id, codes, webhook.endpoint.id, delivery.id, kb_article.id,
                    kb_upload.id)


def _url(route: Route | Mount, scene: Scene) -> str:
    values = path_values(scene)
    params = {}
    for name in route.param_convertors:
        key = (route.name, name)
        assert key in values, f"give {route.path!r} a real {name!r} in PATH_VALUES"
        params[name] = values[key]
    return str(route.url_path_for(route.name, **params))


def _routes(scene: Scene) -> list[Route | Mount]:
    found = [r for r in scene.clients["anonymous"].app.routes if isinstance(r, Route | Mount)]
    assert len(found) == len(scene.clients["anonymous"].app.routes), "an unknown kind of route"
    return found


def _takes_post(route: Route | Mount) -> bool:
    return isinstance(route, Route) and "POST" in (route.methods or ())


def _send(client: TestClient, method: str, url: str, form: dict[str, str] | None,
          token: str | None, upload: str = "") -> int:
    if form is None:
        return client.request(method, url).status_code
    if upload:  # the token first, as a browser sends the form's fields in order
        files = {upload: ("upload.csv", form[upload].encode(), "text/csv")}
        data = {"csrf_token": token} if token else {}
        return client.request(method, url, data=data, files=files).status_code
    fields = {**form, "csrf_token": token} if token else form
    return client.request(method, url, content=urlencode(fields).encode(), headers={
        "content-type": "application/x-www-form-urlencoded"}).status_code


def _changed(before: Snapshot, after: Snapshot) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def test_only_a_post_with_a_valid_token_changes_anything(scene, tables):  # type: ignore[no-untyped-def]
    every_form = forms(scene)
    jars = {state: list(client.cookies.jar) for state, client in scene.clients.items()}
    tokens = {state: scene.token(state) for state in scene.clients}
    routes = _routes(scene)
    assert {"confirm", "password_reset", "change_password", "ticket", "static"} <= {
        route.name for route in routes}
    for route in routes:
        url = _url(route, scene)
        if _takes_post(route):
            assert route.name in every_form, f"give {route.path!r} a working form in forms()"
        form = every_form.get(route.name, {"note": "anything"})
        for method in METHODS:
            before = tables()  # once per route and method: a snapshot costs 16 queries
            sent = []
            for state, client in scene.clients.items():
                for variant, body, token in (("no body", None, None),
                                             ("form, no token", form, None),
                                             ("form and a valid token", form, tokens[state])):
                    if method == "POST" and token:
                        continue  # the one request that may write
                    client.cookies.jar.clear()
                    for cookie in jars[state]:
                        client.cookies.jar.set_cookie(cookie)
                    status = _send(client, method, url, body, token,
                                   UPLOADS.get(route.name, "") if body else "")
                    assert status < 500, f"{method} {route.path} ({state}, {variant}): {status}"
                    sent.append(f"{state}, {variant}: {status}")
            changed = _changed(before, tables())
            if (route.name, method) in (("ticket", "GET"), ("ticket", "HEAD")):
                changed = [name for name in changed if (route.name, name) != PRESENCE_ON_LOAD]
            if (route.name, method) == ("kb_article", "GET"):
                changed = [name for name in changed if (route.name, name) != VIEW_ON_LOAD]
            assert not changed, f"{method} {route.path} changed {changed} ({'; '.join(sent)})"


def test_the_walks_forms_really_write(scene, tables):  # type: ignore[no-untyped-def]
    """Without this, a form with a typo would be refused and the walk would prove nothing."""
    posts = {route.name for route in _routes(scene) if _takes_post(route)}
    assert posts == {name for name, _ in LIVE_POSTS}, "add each POST route to LIVE_POSTS"
    for name, state in LIVE_POSTS:
        route = next(r for r in _routes(scene) if r.name == name)
        if name == "signin_code_resend":
            scene.world.clock.advance(RESEND_INTERVAL)  # a new code is not sent at once
        token = scene.token(state)
        client = scene.clients[state]
        before = tables()
        status = _send(client, "POST", _url(route, scene), forms(scene)[name], token,
                       UPLOADS.get(name, ""))
        assert status in (200, 303), f"POST {route.path} as {state}: {status}"
        changed = _changed(before, tables())
        assert bool(changed) is (name not in WRITES_NOTHING), f"POST {route.path}: {changed}"


def test_a_link_scanners_head_leaves_the_confirmation_link_unused(scene, tables):  # type: ignore[no-untyped-def]
    """Mail scanners fetch links with HEAD as well as GET; only the button's POST confirms."""
    anonymous = scene.clients["anonymous"]
    path = f"/confirm/{scene.confirm_secret}"
    before = tables()
    assert anonymous.head(path).status_code == 200
    assert anonymous.get(path).status_code == 200
    assert tables() == before
    done = anonymous.post(path, data={"csrf_token": scene.token("anonymous")})
    assert done.status_code == 200 and tables() != before
