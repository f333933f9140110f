"""The JSON log lines (fields, redaction, no traceback text) and the readiness check's
decisions (unreachable database, stale worker, cached migration check)."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sys
from datetime import UTC, datetime, timedelta

from clico_adapters.health import OK, Readiness
from clico_adapters.memory import FixedClock
from clico_web.json_logs import JsonFormatter, log_config

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_log_line_is_one_json_object_with_the_extra_fields() -> None:
    record = logging.LogRecord("clico.request", logging.INFO, __file__, 1, "GET %s %d",
                               ("/tickets", 200), None)
    record.request_id = "0123456789abcdef"
    record.duration_ms = 1.5
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "GET /tickets 200" and parsed["level"] == "info"
    assert parsed["logger"] == "clico.request"
    assert (parsed["request_id"], parsed["duration_ms"]) == ("0123456789abcdef", 1.5)


def test_an_error_names_its_type_but_no_traceback_text() -> None:
    try:
        raise ValueError("password=hunter2")
    except ValueError:
        record = logging.LogRecord("clico_web", logging.ERROR, __file__, 1, "failed", (),
                                   sys.exc_info())
    parsed = json.loads(JsonFormatter().format(record))
    assert parsed["error"] == "ValueError"
    assert "hunter2" not in json.dumps(parsed)


def test_the_serve_log_configuration_redacts_secret_links() -> None:
    config = log_config()
    stream = io.StringIO()
    config["handlers"]["stderr"] = {"class": "logging.StreamHandler", "formatter": "json",
                                    "filters": ["redact"], "stream": stream}
    logging.config.dictConfig(config)
    try:
        logging.getLogger("clico.request").info("GET %s 200", "/password/reset/s3cret-token")
    finally:
        for name in config["loggers"]:
            logger = logging.getLogger(name)
            logger.handlers.clear()
            logger.propagate = True
            logger.setLevel(logging.NOTSET)
    line = json.loads(stream.getvalue())
    assert line["message"] == "GET /password/reset/[redacted] 200"


def _readiness(beat: object, pending: object = False) -> tuple[Readiness, list[int]]:
    calls: list[int] = []

    def last_beat() -> datetime | None:
        if isinstance(beat, Exception):
            raise beat
        return beat  # type: ignore[return-value]

    def pending_migrations() -> bool:
        calls.append(1)
        if isinstance(pending, Exception):
            raise pending
        return bool(pending)

    return Readiness(last_beat, pending_migrations, FixedClock(NOW),
                     monotonic=lambda: 100.0 + len(calls)), calls


def test_an_unreachable_database_is_not_ready() -> None:
    readiness, _ = _readiness(ConnectionRefusedError(), pending=ConnectionRefusedError())
    report = readiness.check()
    assert not report.ready
    assert report.checks["database"] == "unreachable (ConnectionRefusedError)"


def test_a_fresh_heartbeat_is_ready_a_stale_one_is_not() -> None:
    assert _readiness(NOW - timedelta(seconds=30))[0].check().ready
    stale = _readiness(NOW - timedelta(seconds=61))[0].check()
    assert not stale.ready and stale.checks["worker"].startswith("stale")
    assert not _readiness(None)[0].check().ready


def test_the_migration_check_is_remembered_between_polls() -> None:
    readiness, calls = _readiness(NOW)
    for _ in range(10):
        assert readiness.check().checks["migrations"] == OK
    assert len(calls) == 1
