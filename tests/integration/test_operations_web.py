"""/healthz, /readyz and /metrics, request ids (log line, error page, mail header), over
a portal built from settings on SQLite and PostgreSQL, as `clico serve` builds it."""

from __future__ import annotations

import logging
import re
import shutil
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from clico_adapters.compose import Backend, build
from clico_adapters.mail import MailRenderer
from clico_adapters.passwords import Argon2Hasher
from clico_core.mail import MailTemplate
from clico_web import Settings, create_app

from ..support import World
from .sql_support import sqlite_url
from .web_fixtures import BASE_URL, form_post

TOKEN = "metrics-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
_REQUEST_ID = re.compile(r"[0-9a-f]{16}")


@pytest.fixture
def ops_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(base_url=BASE_URL, secret_key="k" * 40, mode="development",
                    database_url=database_url, data_dir=tmp_path / "var", mail_url="memory://",
                    start_mail_worker=False, metrics_token=TOKEN)


@pytest.fixture
def backend(ops_settings: Settings) -> Iterator[Backend]:
    """The test's own view of the portal's database (seeding, heartbeats, the outbox)."""
    with build(ops_settings, hasher=Argon2Hasher.minimum()) as made:
        yield made


@pytest.fixture
def portal(ops_settings: Settings, backend: Backend) -> Iterator[TestClient]:
    with TestClient(create_app(ops_settings), base_url=BASE_URL,
                    follow_redirects=False) as client:
        yield client


def _beat(backend: Backend, ago: timedelta = timedelta(0)) -> None:
    assert backend.database is not None
    backend.database.operations.beat("test-worker", datetime.now(UTC) - ago)


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "")
    found = re.search(rf"^{pattern} ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_healthz_answers_ok_to_anyone(portal: TestClient) -> None:
    answer = portal.get("/healthz")
    assert (answer.status_code, answer.text) == (200, "ok")


def test_readyz_needs_a_fresh_worker_heartbeat_and_tells_details_only_to_the_token(
        portal: TestClient, backend: Backend) -> None:
    anonymous = portal.get("/readyz")
    assert (anonymous.status_code, anonymous.text) == (503, "unavailable")
    detailed = portal.get("/readyz", headers=AUTH)
    assert detailed.status_code == 503
    assert detailed.json()["checks"]["database"] == "ok"
    assert detailed.json()["checks"]["migrations"] == "ok"
    assert "no mail worker" in detailed.json()["checks"]["worker"]
    assert portal.get("/readyz", headers={"Authorization": "Bearer wrong"}).text == "unavailable"

    _beat(backend, ago=timedelta(minutes=2))
    stale = portal.get("/readyz", headers=AUTH)
    assert stale.status_code == 503 and "stale" in stale.json()["checks"]["worker"]

    _beat(backend)
    assert (portal.get("/readyz").status_code, portal.get("/readyz").text) == (200, "ok")
    assert portal.get("/readyz", headers=AUTH).json() == {
        "ready": True, "checks": {"database": "ok", "migrations": "ok", "worker": "ok"}}


def test_metrics_are_refused_without_the_token(portal: TestClient) -> None:
    assert portal.get("/metrics").status_code == 404
    assert portal.get("/metrics", headers={"Authorization": "Bearer " + "x" * 30}
                      ).status_code == 404
    assert portal.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404


def test_metrics_count_routes_by_template_statements_and_database_gauges(
        portal: TestClient, backend: Backend) -> None:
    before = portal.get("/metrics", headers=AUTH).text
    portal.get("/readyz")
    portal.get("/tickets/NO-SUCH-1")
    after = portal.get("/metrics", headers=AUTH)
    assert after.status_code == 200 and after.headers["content-type"].startswith("text/plain")
    text = after.text
    readyz = {"method": "GET", "route": "/readyz", "status": "503"}
    assert _metric(text, "clico_http_requests_total", **readyz) == \
        _metric(before, "clico_http_requests_total", **readyz) + 1
    ticket = {"method": "GET", "route": "/tickets/{number}"}
    assert _metric(text, "clico_http_request_duration_seconds_count", **ticket) == \
        _metric(before, "clico_http_request_duration_seconds_count", **ticket) + 1
    assert "NO-SUCH-1" not in text  # a label is the template, never the path
    # /readyz reads the heartbeat (and the schema revision): statements of its request
    assert _metric(text, "clico_sql_statements_per_request_sum", route="/readyz") >= \
        _metric(before, "clico_sql_statements_per_request_sum", route="/readyz") + 1
    for gauge in ("clico_outbox_pending", "clico_outbox_oldest_pending_age_seconds",
                  "clico_sla_overdue_tickets", "clico_argon2_queue_length"):
        assert re.search(rf"^{gauge} ", text, re.MULTILINE), gauge


def test_sign_in_failures_are_counted(portal: TestClient, backend: Backend) -> None:
    def failures() -> float:
        return _metric(portal.get("/metrics", headers=AUTH).text,
                       "clico_signin_failures_total", reason="password")

    before = failures()
    answer = form_post(portal, "/signin", {"login": "nobody", "password": "wrong password"})
    assert answer.status_code in (400, 401, 403)
    assert failures() == before + 1


def test_each_request_has_an_id_in_its_header_its_log_line_and_its_error_page(
        portal: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="clico.request"):
        missing = portal.get("/no/such/page/password/reset/s3cret")
    request_id = missing.headers["x-request-id"]
    assert _REQUEST_ID.fullmatch(request_id)
    assert missing.status_code == 404
    assert "Kod błędu" in missing.text and request_id in missing.text
    portal.cookies.set("clico_lang", "en")
    english = portal.get("/nothing-here")
    assert "Error code" in english.text and english.headers["x-request-id"] in english.text
    lines = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert len(lines) == 1
    line = lines[0]
    assert (line.status, line.method, line.route) == (404, "GET", "(unmatched)")  # type: ignore[attr-defined]
    assert "s3cret" not in line.path and "[redacted]" in line.path  # type: ignore[attr-defined]


def test_a_mail_carries_the_id_of_the_request_that_queued_it(
        portal: TestClient, backend: Backend) -> None:
    world = World(backend.services, backend.clock, backend.mail_queue, today=date.today())
    world.register("jan", contract=world.issue("C-1", "Acme"))
    answer = form_post(portal, "/password/forgot", {"login_or_email": "jan"})
    assert answer.status_code in (200, 303), answer.text
    message = world.last_mail(MailTemplate.PASSWORD_RESET)
    assert message.request_id == answer.headers["x-request-id"]
    rendered = MailRenderer(BASE_URL).render(message, now=datetime.now(UTC))
    assert rendered["X-Clico-Request-Id"] == answer.headers["x-request-id"]
    # a mail queued outside a request (the command line, a job) carries none
    assert world.last_mail(MailTemplate.CONFIRM_EMAIL).request_id == ""


def test_readyz_reports_pending_migrations(tmp_path: Path,
                                          request: pytest.FixtureRequest) -> None:
    """SQLite only: downgrading the shared PostgreSQL schema would disturb other tests."""
    shutil.copyfile(request.getfixturevalue("_migrated_sqlite_template"),
                    tmp_path / "clico.db")
    database_url = sqlite_url(tmp_path / "clico.db")
    settings = Settings(base_url=BASE_URL, secret_key="k" * 40, database_url=database_url,
                        data_dir=tmp_path / "var", mail_url="memory://",
                        start_mail_worker=False, metrics_token=TOKEN)
    with build(settings, hasher=Argon2Hasher.minimum()) as made:
        app = create_app(settings)
        assert made.database is not None
        _beat(made)
        made.database.downgrade("0019")  # the revision before worker_heartbeats
        with TestClient(app, base_url=BASE_URL) as client:
            answer = client.get("/readyz", headers=AUTH)
        assert answer.status_code == 503
        assert answer.json()["checks"]["migrations"] == "pending: run `clico db upgrade`"
        # the old schema has no heartbeats table: the database answered, the rest is unknown
        assert answer.json()["checks"]["database"] == "ok"
        assert answer.json()["checks"]["worker"] == "unknown"
        made.database.upgrade()


def test_an_unexpected_error_page_shows_the_request_id_it_was_logged_under(
        ops_settings: Settings, backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(ops_settings)

    def broken() -> None:
        raise RuntimeError("the readiness check broke")

    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        app.state.portal.readiness = broken
        with caplog.at_level(logging.INFO):
            answer = client.get("/readyz")
    assert answer.status_code == 500
    request_id = answer.headers["x-request-id"]
    assert "Kod błędu" in answer.text and request_id in answer.text
    assert "the readiness check broke" not in answer.text
    logged = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert {r.name for r in logged} == {"clico_web", "clico.request"}
    assert [getattr(r, "status", None) for r in logged if r.name == "clico.request"] == [500]
