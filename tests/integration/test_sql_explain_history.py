"""EXPLAIN a ticket's history reads over a large audit log: one range of the
(ticket_id, seq) index, read forwards or backwards, never a scan nor a sort."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert, text

from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import audit_log
from clico_core.audit import AuditKind
from clico_core.repositories import AuditLog
from clico_core.testing import builders as b

from .sql_support import plan_nodes, query_plan, recorded, upgraded_database

TICKETS = 400
EVENTS_EACH = 100
KINDS = [AuditKind.ARTICLE_POSTED, AuditKind.TICKET_STATUS_CHANGED, AuditKind.TICKET_ASSIGNED]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def audited(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[SqlDatabase]:
    db = upgraded_database(request, tmp_path_factory)
    rows = [{"kind": KINDS[i % 3].value, "at": b.T0 + timedelta(seconds=i), "client": "",
             "account_id": "ac-1", "detail": "", "ticket_id": f"tk{i % TICKETS:05d}"}
            for i in range(TICKETS * EVENTS_EACH)]
    with db.engine.begin() as connection:
        connection.execute(insert(audit_log), rows)
        if db.dialect == "postgresql":
            connection.execute(text("ANALYZE"))
    yield db
    db.dispose()


def _statement(db: SqlDatabase, read: Callable[[AuditLog], object]) -> tuple[str, Any]:
    parameters: list[object] = []
    with recorded(db.engine, parameters) as seen, db.uow_factory(readonly=True) as uow:
        read(uow.audit)
    sent = [(s, p) for s, p in zip(seen, parameters, strict=True) if not s.startswith("BEGIN")]
    assert len(sent) == 1, sent
    return sent[0]


READS: dict[str, Callable[[AuditLog], object]] = {
    "the latest": lambda audit: audit.ticket_events("tk00007", 11, newest=True),
    "the first page": lambda audit: audit.ticket_events("tk00007", 51),
    "a later page": lambda audit: audit.ticket_events("tk00007", 51, 20_000),
    "the assignment before": lambda audit: audit.last_before(
        "tk00007", AuditKind.TICKET_ASSIGNED, 30_000),
}


@pytest.mark.parametrize("read", list(READS))
def test_a_history_read_is_one_range_of_the_ticket_index(audited: SqlDatabase,
                                                         read: str) -> None:
    statement, params = _statement(audited, READS[read])
    plan = query_plan(audited.engine, statement, params)
    if audited.dialect == "sqlite":
        assert "USING INDEX ix_audit_log_ticket_id_seq" in plan, plan
        assert "TEMP B-TREE" not in plan and "SCAN" not in plan, plan
        return
    nodes = list(plan_nodes(json.loads(plan)[0]["Plan"]))
    assert not [n for n in nodes if "Sort" in n["Node Type"]], plan
    scans = [n for n in nodes if n.get("Relation Name") == "audit_log"]
    assert scans and all(n.get("Index Name") == "ix_audit_log_ticket_id_seq"
                         for n in scans), plan
