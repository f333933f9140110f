"""Helpers of the JSON API tests: a token for a login, and requests that carry it."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from clico_core.services import CreateApiToken

from ..support import World


def token_for(world: World, login: str, scope: str = "write") -> str:
    return world.services.issue_api_token(login, CreateApiToken("tests", scope, 30)).secret


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def api_get(client: TestClient, path: str, token: str, **kwargs: Any) -> Any:
    return client.get(f"/api/v1{path}", headers=bearer(token), **kwargs)


def api_post(client: TestClient, path: str, token: str, body: object = None,
             **headers: str) -> Any:
    return client.post(f"/api/v1{path}", json=body, headers=bearer(token, **headers))
