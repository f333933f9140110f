"""Every staff and administrator route × every role: a customer never learns they exist.

The routes come from the app itself (``app.routes``), so a /staff or /admin screen added later
is checked without editing this file. For each route, each of its methods (POST with a valid
CSRF token and a form of junk) and path parameters Hypothesis draws from the route's own
converters:

- anonymous: the sign-in page (a 303 to /signin) or a 404;
- a customer: 404 under /staff/ and /admin/ (docs/security.md, "Roles");
- an engineer: 403 under /admin/ (the administrator-only refusal, not the CSRF one);
- parameterless GETs answer engineers (under /staff/) and administrators (both) below 400,
  so the sessions above are real ones that would see the page.

``test_a_route_that_forgets_its_check_is_caught`` adds unguarded routes and shows that the
same check reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from attrs import define
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from clico_core.services import CreateStaff
from clico_core.values import Role
from clico_web.sessions import signed_in

from ..support import PASSWORD, World
from .web_fixtures import _CSRF, BASE_URL, TestClient, csrf_of, sign_in_web

ROLES = ("anonymous", "customer", "engineer", "admin")
ADMIN_ONLY = "Tylko administrator może to zrobić."  # errors.py "admin_only", in Polish
CSRF_REFUSED = "Żądanie zostało odrzucone."
ROLE_CHECK = settings(max_examples=12, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


@define
class Visitors:
    clients: dict[str, TestClient]
    tokens: dict[str, str]


def guarded(path: str) -> str | None:
    """Which area a path belongs to: "staff", "admin" or None."""
    for area in ("staff", "admin"):
        if path == f"/{area}" or path.startswith(f"/{area}/"):
            return area
    return None


def guarded_routes(app: object) -> list[Route]:
    routes = [r for r in getattr(app, "routes", []) if isinstance(r, Route)
              and guarded(r.path)]
    return sorted(routes, key=lambda r: r.path)


def _token(client: TestClient, signed: bool) -> str:
    page = client.get("/account/password" if signed else "/signin")
    match = _CSRF.search(page.text)
    assert match, page.status_code
    return match.group(1)


@pytest.fixture
def visitors(client: TestClient, web_world: World) -> Iterator[Visitors]:
    world = web_world
    world.register("jan", contract=world.issue("C-1", "Acme"))
    for email, role in (("eng@clico.pl", Role.ENGINEER), ("admin@clico.pl", Role.ADMIN)):
        _, path = world.services.create_staff_account(CreateStaff(email, "A", "B", role))
        world.services.reset_password(path.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    with TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as engineer, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as admin, \
            TestClient(client.app, base_url=BASE_URL, follow_redirects=False) as anonymous:
        csrf_of(anonymous, "/signin")
        sign_in_web(client, world, "jan")
        sign_in_web(engineer, world, "eng@clico.pl")
        sign_in_web(admin, world, "admin@clico.pl")
        clients = {"anonymous": anonymous, "customer": client, "engineer": engineer,
                   "admin": admin}
        tokens = {role: _token(c, role != "anonymous") for role, c in clients.items()}
        yield Visitors(clients, tokens)


def _send(client: TestClient, method: str, url: str, token: str) -> Response:
    if method != "POST":
        return client.request(method, url)  # type: ignore[no-any-return]
    body = urlencode({"csrf_token": token, "note": "anything", "role": "admin"})
    return client.request(method, url, content=body.encode(),  # type: ignore[no-any-return]
                          headers={"content-type": "application/x-www-form-urlencoded"})


def _wrong(role: str, area: str | None, method: str, response: Response,
           parameterless: bool) -> bool:
    """Did ``role`` get an answer it must not?"""
    status = response.status_code
    body = response.text if method != "HEAD" else ""
    if role == "anonymous":
        signin = status == 303 and response.headers.get("location", "").startswith("/signin")
        return not (signin or status == 404)
    if role == "customer":
        return status != 404
    if role == "engineer" and area == "admin":
        refused_as_engineer = method == "HEAD" or (ADMIN_ONLY in body
                                                   and CSRF_REFUSED not in body)
        return status != 403 or not refused_as_engineer
    # staff see their pages: a parameterless GET answers them
    sees = role == "admin" or area == "staff"
    return parameterless and method == "GET" and sees and status >= 400


def violations(visitors: Visitors, route: Route, method: str, url: str,
               parameterless: bool) -> list[str]:
    """What each role got that it must not, for one request."""
    found = []
    for role in ROLES:
        response = _send(visitors.clients[role], method, url, visitors.tokens[role])
        if _wrong(role, guarded(route.path), method, response, parameterless):
            found.append(f"{method} {url} as {role}: {response.status_code}")
    return found


def _params(route: Route) -> st.SearchStrategy[dict[str, str]]:
    """Path parameters as the route's converters accept them (no slash in one segment),
    percent-encoded as a browser sends them."""
    return st.fixed_dictionaries({
        name: st.from_regex(convertor.regex, fullmatch=True).filter(
            lambda v: v not in ("", ".", "..") and "/" not in v).map(
            lambda v: quote(v, safe=""))
        for name, convertor in route.param_convertors.items()})


def _check(visitors: Visitors, routes: list[Route], data: st.DataObject) -> list[str]:
    found: list[str] = []
    for route in routes:
        params = data.draw(_params(route), label=route.path)
        url = str(route.url_path_for(route.name, **params)) if route.name else route.path
        for method in sorted(route.methods or ()):
            found += violations(visitors, route, method, url, not route.param_convertors)
    return found


@ROLE_CHECK
@given(data=st.data())
def test_only_staff_reach_staff_routes_and_only_admins_admin_routes(
        visitors: Visitors, data: st.DataObject) -> None:
    routes = guarded_routes(visitors.clients["customer"].app)
    assert {"/admin/staff", "/admin/staff/{account_id}/disable"} <= {r.path for r in routes}
    assert _check(visitors, routes, data) == []


async def _unguarded(request: Request) -> Response:
    return PlainTextResponse("forgot its check")


@ROLE_CHECK
@given(data=st.data())
def test_a_route_that_forgets_its_check_is_caught(visitors: Visitors,
                                                  data: st.DataObject) -> None:
    app = visitors.clients["customer"].app
    probes = [Route("/admin/probe/{item}", signed_in(_unguarded), methods=["GET", "POST"],
                    name="probe_admin"),
              Route("/staff/probe", signed_in(_unguarded), methods=["GET"], name="probe_staff")]
    app.router.routes[:0] = probes
    try:
        assert {r.path for r in probes} <= {r.path for r in guarded_routes(app)}
        found = _check(visitors, probes, data)
    finally:
        del app.router.routes[:len(probes)]
    assert any(re.match(r"POST /admin/probe/\S+ as customer: 200", f) for f in found), found
    assert any(re.match(r"POST /admin/probe/\S+ as engineer: 200", f) for f in found), found
    assert any(re.match(r"GET /admin/probe/\S+ as customer: 200", f) for f in found), found
    assert "GET /staff/probe as customer: 200" in found
