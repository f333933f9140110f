"""The whole OpenAPI document run against the live app by schemathesis, on SQLite and on
PostgreSQL: no 5xx, and every answer matches the document (statuses, media types, bodies).
Example counts are bounded so the run takes about a minute or two per engine."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from clico_core.services import CreateApiToken

from ..support import World
from .api_support import bearer

MAX_EXAMPLES = 15


@pytest.fixture
def api_world(client: TestClient, web_world: World) -> World:
    issued = web_world.issue("C-1", "Acme")
    web_world.register("jan", contract=issued)
    client.app.routes[0].app.state.api_limiter.limit = 1_000_000  # type: ignore[attr-defined]
    return web_world


def test_every_operation_answers_as_documented(client: TestClient, api_world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", client.app)
    secret = api_world.services.issue_api_token(
        "jan", CreateApiToken("schemathesis", "write", 30)).secret
    checks = [schemathesis.checks.not_a_server_error, response_schema_conformance,
              status_code_conformance, content_type_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), database=None)
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=bearer(secret), checks=checks)

        call()


def test_the_document_is_valid_openapi_3_1(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    assert document["openapi"] == "3.1.0"
