"""The JSON API end to end through the app (TestClient) on SQLite and PostgreSQL: tokens,
scopes, companies, problem details, ETags, idempotency and the list's keyset pages."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from clico_core.api_tokens import ApiScope
from clico_web.api.operations import OPERATIONS
from clico_web.api.problems import problem_type

from ..support import PALO_ALTO_ANSWERS, World
from .api_support import api_get, api_post, bearer, token_for
from .web_fixtures import form_post, sign_in_web

pytestmark = pytest.mark.usefixtures("client")


@pytest.fixture
def acme(web_world: World) -> World:
    issued = web_world.issue("C-1", "Acme")
    web_world.register("jan", contract=issued)
    other = web_world.issue("C-9", "Other", assets=(("FG-60F", "FORTINET", "SN-9"),))
    web_world.register("ola", contract=other, email="ola@example.com")
    return web_world


def _asset(client: TestClient, token: str) -> str:
    assets = api_get(client, "/assets", token).json()["items"]
    return str(assets[0]["id"])


def _technical(client: TestClient, token: str, subject: str = "VPN drops",
               **headers: str) -> dict[str, object]:
    body = {"kind": "technical", "subject": subject, "description": "<p>Hourly.</p>",
            "asset_id": _asset(client, token), "answers": PALO_ALTO_ANSWERS}
    response = api_post(client, "/tickets", token, body, **headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_technical_ticket_with_a_file_a_reply_and_the_etag(client: TestClient,
                                                             acme: World) -> None:
    token = token_for(acme, "jan")
    asset = api_get(client, f"/assets/{_asset(client, token)}", token).json()
    assert {q["id"] for q in asset["questions"]} >= set(PALO_ALTO_ANSWERS)
    ticket = _technical(client, token)
    assert ticket["kind"] == "technical" and ticket["answers"]["production"] == "yes"
    number = ticket["number"]
    upload = client.post("/api/v1/attachments?name=log.txt", content=b"tunnel down",
                         headers=bearer(token, **{"Content-Type": "application/octet-stream"}))
    assert upload.status_code == 201, upload.text
    file_id = upload.json()["id"]
    got = api_get(client, f"/tickets/{number}", token)
    tag = got.headers["ETag"]
    posted = api_post(client, f"/tickets/{number}/replies", token,
                      {"body": "Logs attached.", "attachment_ids": [file_id]}, **{"If-Match": tag})
    assert posted.status_code == 201, posted.text
    assert [f["id"] for f in posted.json()["article"]["attachments"]] == [file_id]
    assert api_get(client, f"/attachments/{file_id}", token).content == b"tunnel down"
    stale = api_post(client, f"/tickets/{number}/close", token, **{"If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["type"] == problem_type("stale_ticket")
    fresh = api_get(client, f"/tickets/{number}", token).headers["ETag"]
    closed = api_post(client, f"/tickets/{number}/close", token, **{"If-Match": fresh})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    articles = api_get(client, f"/tickets/{number}/articles", token).json()
    assert [a["kind"] for a in articles["items"]][:2] == ["description", "public_reply"]


def test_a_repeated_post_with_the_same_idempotency_key_opens_one_ticket(
        client: TestClient, acme: World) -> None:
    token = token_for(acme, "jan")
    first = _technical(client, token, **{"Idempotency-Key": "k-1"})
    again = _technical(client, token, **{"Idempotency-Key": "k-1"})
    assert first["number"] == again["number"]
    assert api_get(client, "/tickets", token).json()["total"] == 1


def test_the_list_pages_by_cursor(client: TestClient, acme: World) -> None:
    token = token_for(acme, "jan")
    numbers = {_technical(client, token, f"Ticket {i}")["number"] for i in range(12)}
    seen: list[str] = []
    cursor = ""
    while True:
        page = api_get(client, f"/tickets?size=10&sort=number&dir=asc&cursor={cursor}",
                       token).json()
        seen += [row["number"] for row in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert seen == sorted(numbers)


def test_no_token_a_session_cookie_or_a_bad_token_opens_nothing(client: TestClient,
                                                                acme: World) -> None:
    sign_in_web(client, acme, "jan")  # the browser's session cookie is on the client now
    response = client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == problem_type("not_authenticated")
    assert api_get(client, "/me", "clico_pat_" + "A" * 43).status_code == 401


def test_a_token_never_signs_in_to_the_pages(client: TestClient, acme: World) -> None:
    token = token_for(acme, "jan")
    client.cookies.clear()
    page = client.get("/tickets", headers=bearer(token))
    assert page.status_code == 303 and page.headers["location"] == "/signin"


def test_a_read_token_reads_and_cannot_write(client: TestClient, acme: World) -> None:
    token = token_for(acme, "jan", "read")
    assert api_get(client, "/me", token).json()["token_scope"] == "read"
    refused = api_post(client, "/tickets", token, {"kind": "administrative", "subject": "x",
                                                   "description": "y"})
    assert refused.status_code == 403
    assert refused.json()["type"] == problem_type("insufficient_scope")
    assert api_get(client, "/tickets", token).json()["total"] == 0


def test_another_companys_ticket_is_a_404(client: TestClient, acme: World) -> None:
    number = _technical(client, token_for(acme, "jan"))["number"]
    ola = token_for(acme, "ola")
    for path in (f"/tickets/{number}", f"/tickets/{number}/articles"):
        response = api_get(client, path, ola)
        assert response.status_code == 404, path
        assert response.json()["type"] == problem_type("not_found")
    assert api_post(client, f"/tickets/{number}/replies", ola,
                    {"body": "mine now"}).status_code == 404
    assert api_get(client, "/tickets", ola).json()["total"] == 0


def test_validation_names_the_fields(client: TestClient, acme: World) -> None:
    token = token_for(acme, "jan")
    response = api_post(client, "/tickets", token, {"kind": "technical", "subject": 5,
                                                   "extra": 1})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"extra"}
    response = api_post(client, "/tickets", token, {"kind": "technical", "subject": 5})
    assert {e["field"] for e in response.json()["errors"]} == {"subject", "description"}
    response = api_post(client, "/tickets", token, {"kind": "technical", "subject": "s",
                                                   "description": "d"})
    assert response.status_code == 422
    assert "asset_id" in {e["field"] for e in response.json()["errors"]}


def test_the_rate_limit_is_per_token_and_says_when_to_come_back(
        client: TestClient, acme: World) -> None:
    client.app.routes[0].app.state.api_limiter.limit = 3  # type: ignore[attr-defined]
    token, other = token_for(acme, "jan"), token_for(acme, "ola")
    answers = [api_get(client, "/me", token) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["RateLimit-Remaining"] == "2"
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert api_get(client, "/me", other).status_code == 200


def test_the_account_page_shows_a_new_token_once(client: TestClient, acme: World) -> None:
    sign_in_web(client, acme, "jan")
    created = form_post(client, "/account/api-tokens",
                        {"name": "CI", "scope": "write", "expires": "90"},
                        token_from="/account/password")
    assert created.status_code == 200
    secret = created.text.split('id="new-api-token">')[1].split("<")[0]
    assert secret.startswith("clico_pat_")
    assert api_get(client, "/me", secret).status_code == 200
    again = client.get("/account/password")
    assert "CI" in again.text and secret not in again.text


def test_no_scope_reaches_beyond_its_grant(client: TestClient, acme: World) -> None:
    """Every operation of the table: a read token is refused each write before anything is
    read, and never refused a read; a write token is refused nothing for its scope."""
    read, write = token_for(acme, "jan", "read"), token_for(acme, "jan", "write")
    for op in OPERATIONS:
        path = op.path.replace("{number}", "T-0").replace("{asset_id}", "x").replace(
            "{attachment_id}", "x")
        for token in (read, write):
            response = client.request(op.method, f"/api/v1{path}", headers=bearer(token))
            refused = response.status_code == 403
            assert refused is (op.scope is ApiScope.WRITE and token == read), (op.name, token)


def test_another_companys_asset_and_file_are_404s(client: TestClient, acme: World) -> None:
    jan = token_for(acme, "jan")
    asset = _asset(client, jan)
    upload = client.post("/api/v1/attachments?name=a.txt", content=b"secret",
                         headers=bearer(jan))
    ola = token_for(acme, "ola")
    assert api_get(client, f"/assets/{asset}", ola).status_code == 404
    assert api_get(client, f"/attachments/{upload.json()['id']}", ola).status_code == 404
    assert asset not in {a["id"] for a in api_get(client, "/assets", ola).json()["items"]}


@pytest.mark.parametrize("path", ["/api/v1/tickets/CSS%0A1/replies", "/api/v1/no-such-thing",
                                  "/api/v2/tickets", "/api/v1/tickets/%0A"])
def test_a_path_nothing_answers_is_a_problem_never_an_html_page(client: TestClient,
                                                                 path: str) -> None:
    # a newline in the path is beyond what the mount matches: the portal hands it back
    response = client.post(path, json={})
    assert response.status_code in (404, 405)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code
