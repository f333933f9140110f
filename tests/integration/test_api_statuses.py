"""Every status the OpenAPI document lists for an operation is reachable: for each
(operation, status) pair of the document, a request through the app that gets exactly that
status, on SQLite and PostgreSQL. The pairs come from the document itself, and the test ends
by comparing the pairs it reached with the document's, so a status newly documented without
a request here fails it (and ``test_api_schema.py`` fails a status answered but not
documented)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import httpx
import pytest
from attrs import define
from starlette.testclient import TestClient

from clico_core.services import CreateApiToken
from clico_web.api.openapi import openapi_document
from clico_web.api.operations import OPERATIONS

from ..support import PALO_ALTO_ANSWERS, World
from .api_support import bearer, token_for

DOCUMENTED = sorted(
    (op["operationId"], int(status))
    for ops in openapi_document()["paths"].values() for op in ops.values()
    for status in op["responses"] if status != "default")
BY_NAME = {op.name: op for op in OPERATIONS}


@define
class Rig:
    """The app and what the requests need: jan's tokens (write and read), ola's (another
    company), jan's asset, a ticket and a file of jan's, and the 401s' kinds of token."""

    client: TestClient
    world: World
    jan: str
    read: str
    ola: str
    asset: str
    number: str
    file: str
    no_token: Iterator[str | None]

    def call(self, name: str, token: str | None, *, json: object = None,
             content: bytes | None = None, params: dict[str, str] | None = None,
             headers: dict[str, str] | None = None, **path: str) -> httpx.Response:
        """``name``'s request as ``token`` (None: no Authorization), its path parameters
        jan's ticket, asset and file unless given."""
        op = BY_NAME[name]
        url = "/api/v1" + op.path.format(**{"number": self.number, "asset_id": self.asset,
                                            "attachment_id": self.file, **path})
        sent = {**(bearer(token) if token else {}), **(headers or {})}
        if op.upload:
            content = b"tunnel down" if content is None else content
            sent.setdefault("Content-Type", "application/octet-stream")
            params = {"name": "log.txt"} if params is None else params
        return self.client.request(op.method, url, json=json, content=content,
                                   params=params, headers=sent)

    def ticket(self) -> str:
        """A new technical ticket of jan's: its number."""
        response = self.call("createTicket", self.jan, json=technical(self.asset))
        assert response.status_code == 201, response.text
        return str(response.json()["number"])

    def etag(self, number: str) -> str:
        return self.call("getTicket", self.jan, number=number).headers["ETag"]

    def stale_etag(self) -> tuple[str, str]:
        """A ticket and an ETag it had before a reply changed it."""
        number = self.ticket()
        old = self.etag(number)
        replied = self.call("replyToTicket", self.jan, json={"body": "More."}, number=number)
        assert replied.status_code == 201, replied.text
        assert self.etag(number) != old
        return number, old


def technical(asset: str) -> dict[str, object]:
    return {"kind": "technical", "subject": "VPN drops", "description": "<p>Hourly.</p>",
            "asset_id": asset, "answers": PALO_ALTO_ANSWERS}


Call = Callable[[Rig, str], httpx.Response]


def _unauthenticated(rig: Rig, name: str) -> httpx.Response:
    return rig.call(name, next(rig.no_token))


def _read_token_writes(rig: Rig, name: str) -> httpx.Response:
    return rig.call(name, rig.read)


def _over_the_limit(rig: Rig, name: str) -> httpx.Response:
    limiter = rig.client.app.routes[0].app.state.api_limiter  # type: ignore[attr-defined]
    limit, limiter.limit = limiter.limit, 0
    try:
        return rig.call(name, rig.jan)
    finally:
        limiter.limit = limit


def _ok(rig: Rig, name: str) -> httpx.Response:
    """The happy path for the operations that need nothing more than jan's objects."""
    return rig.call(name, rig.jan)


def _closed_ticket_reply(rig: Rig, name: str) -> httpx.Response:
    number = rig.ticket()
    closed = rig.call("closeTicket", rig.jan, number=number)
    assert closed.status_code == 200, closed.text
    return rig.call(name, rig.jan, json={"body": "Still broken."}, number=number)


def _stale(body: object) -> Call:
    def call(rig: Rig, name: str) -> httpx.Response:
        number, old = rig.stale_etag()
        return rig.call(name, rig.jan, json=body, number=number, headers={"If-Match": old})
    return call


def _too_large_file(rig: Rig, name: str) -> httpx.Response:
    limit = rig.world.services.ports.attachment_limits.per_file
    return rig.call(name, rig.jan, content=b"x" * (limit + 1))


def _too_many_files(rig: Rig, name: str) -> httpx.Response:
    count = rig.world.services.ports.attachment_limits.max_files + 1
    files = [f"file-{i}" for i in range(count)]  # counted before any is looked up
    return rig.call(name, rig.jan, json={"body": "Logs.", "attachment_ids": files})


# (operationId, status) → a request answered with that status; 401, 403 and 429 are the
# access checks', the same for every operation (GENERIC)
GENERIC: dict[int, Call] = {401: _unauthenticated, 403: _read_token_writes,
                            429: _over_the_limit}
SPECIFIC: dict[tuple[str, int], Call] = {
    ("getAccount", 200): _ok,
    ("listTickets", 200): _ok,
    ("listTickets", 422): lambda rig, name: rig.call(name, rig.jan,
                                                     params={"cursor": "not-a-cursor"}),
    ("createTicket", 201): lambda rig, name: rig.call(name, rig.jan,
                                                      json=technical(rig.asset)),
    ("createTicket", 400): lambda rig, name: rig.call(name, rig.jan,
                                                      json=technical("no-such-asset")),
    ("createTicket", 422): lambda rig, name: rig.call(name, rig.jan,
                                                      json={"kind": "technical", "subject": 5}),
    ("getTicket", 200): _ok,
    ("getTicket", 404): lambda rig, name: rig.call(name, rig.ola),
    ("listArticles", 200): _ok,
    ("listArticles", 404): lambda rig, name: rig.call(name, rig.jan, number="T-2026-999999"),
    ("listArticles", 422): lambda rig, name: rig.call(name, rig.jan,
                                                      params={"cursor": "not-a-cursor"}),
    ("replyToTicket", 201): lambda rig, name: rig.call(
        name, rig.jan, json={"body": "Logs attached.", "attachment_ids": [rig.file]},
        headers={"If-Match": rig.etag(rig.number)}),
    ("replyToTicket", 404): lambda rig, name: rig.call(name, rig.ola, json={"body": "Mine."}),
    ("replyToTicket", 409): _closed_ticket_reply,
    ("replyToTicket", 412): _stale({"body": "Too late."}),
    ("replyToTicket", 413): _too_many_files,
    ("replyToTicket", 422): lambda rig, name: rig.call(name, rig.jan, json={"body": 5}),
    ("closeTicket", 200): lambda rig, name: rig.call(
        name, rig.jan, number=rig.ticket(), headers={"Idempotency-Key": "close-1"}),
    ("closeTicket", 404): lambda rig, name: rig.call(name, rig.ola),
    ("closeTicket", 412): _stale(None),
    ("closeTicket", 422): lambda rig, name: rig.call(name, rig.jan,
                                                     headers={"If-Match": "version 3"}),
    ("uploadAttachment", 201): _ok,
    ("uploadAttachment", 413): _too_large_file,
    ("uploadAttachment", 415): lambda rig, name: rig.call(
        name, rig.jan, params={"name": "setup.exe"}, content=b"MZ\x90\x00" + b"\x00" * 60),
    ("uploadAttachment", 422): lambda rig, name: rig.call(name, rig.jan, params={}),
    ("downloadAttachment", 200): _ok,
    ("downloadAttachment", 404): lambda rig, name: rig.call(name, rig.ola),
    ("listAssets", 200): _ok,
    ("listAssets", 422): lambda rig, name: rig.call(name, rig.jan, params={"page": "0"}),
    ("getAsset", 200): _ok,
    ("getAsset", 404): lambda rig, name: rig.call(name, rig.ola),
    ("listContracts", 200): _ok,
    ("listContracts", 422): lambda rig, name: rig.call(name, rig.jan, params={"size": "0"}),
    ("searchKnowledgeBase", 200): lambda rig, name: rig.call(name, rig.jan,
                                                             params={"q": "vpn"}),
    ("searchKnowledgeBase", 422): lambda rig, name: rig.call(name, rig.jan, params={}),
}


@pytest.fixture
def rig(client: TestClient, web_world: World) -> Rig:
    web_world.register("jan", contract=web_world.issue("C-1", "Acme"))
    other = web_world.issue("C-9", "Other", assets=(("FG-60F", "FORTINET", "SN-9"),))
    web_world.register("ola", contract=other, email="ola@example.com")
    client.app.routes[0].app.state.api_limiter.limit = 1_000_000  # type: ignore[attr-defined]
    revoked = web_world.services.issue_api_token("jan", CreateApiToken("old", "write", 30))
    web_world.services.revoke_api_token_of("jan", revoked.token.id)
    jan = token_for(web_world, "jan")
    no_token = itertools.cycle([None, "clico_pat_" + "A" * 43, revoked.secret])
    assets = client.get("/api/v1/assets", headers=bearer(jan)).json()["items"]
    rig = Rig(client, web_world, jan, token_for(web_world, "jan", "read"),
              token_for(web_world, "ola"), str(assets[0]["id"]), "", "", no_token)
    rig.number = rig.ticket()
    upload = rig.call("uploadAttachment", jan)
    assert upload.status_code == 201, upload.text
    rig.file = str(upload.json()["id"])
    return rig


def test_every_documented_status_is_reached(rig: Rig) -> None:
    reached: set[tuple[str, int]] = set()
    wrong: list[str] = []
    for name, status in DOCUMENTED:
        call = SPECIFIC.get((name, status)) or GENERIC.get(status)
        if call is None:
            continue  # reported below: documented, never requested
        response = call(rig, name)
        if response.status_code != status:
            wrong.append(f"{name} {status}: got {response.status_code} {response.text[:200]}")
            continue
        if status >= 400:
            assert response.headers["content-type"] == "application/problem+json", name
            assert response.json()["status"] == status, name
        reached.add((name, status))
    assert wrong == []
    assert reached == set(DOCUMENTED)


def test_every_request_of_the_table_is_documented() -> None:
    """The table holds no request for a status the document does not list (say, one
    dropped from an operation): each of its pairs is a documented one."""
    assert set(SPECIFIC) <= set(DOCUMENTED)
