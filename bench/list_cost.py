"""List cost vs size and depth: the repository (``uow.tickets.page_for``) and the full
``/tickets`` handler in-process, p50/p99, statements per request, and EXPLAIN of each query."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from attrs import Factory, define, evolve
from sqlalchemy import Engine, event, func, select

from clico_adapters import compose
from clico_adapters.compose import Backend
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.repositories.ticket_list import filters
from clico_adapters.sql.tables import tickets
from clico_core.services import SignIn
from clico_core.ticket_query import encode_cursor
from clico_core.tickets import (
    Cursor,
    Priority,
    SortColumn,
    TicketQuery,
    TicketScope,
    TicketStatus,
)
from clico_web import Settings, create_app

from . import asgi
from .databases import BENCH_SECRET_KEY
from .seed import Seeded
from .stats import queries_only, statements, summary_ms

PAGE = 25
# name → (staff?, query, the same view as /tickets URL parameters)
VIEWS: dict[str, tuple[bool, TicketQuery, dict[str, str]]] = {
    "customer, open (default)": (False, TicketQuery(page_size=PAGE), {}),
    "customer, with closed": (False, TicketQuery(page_size=PAGE, show_closed=True),
                              {"closed": "1"}),
    "customer, open+high": (False, TicketQuery(page_size=PAGE,
                                               statuses=frozenset({TicketStatus.OPEN}),
                                               priority=Priority.HIGH),
                            {"status": "open", "priority": "high"}),
    "staff, with closed": (True, TicketQuery(page_size=PAGE, show_closed=True),
                           {"closed": "1"}),
}
# the full handler is measured on fewer views (it costs ~10× the repository call)
HANDLER_VIEWS = ("customer, open (default)", "customer, open+high", "staff, with closed")
DEPTHS: dict[str, int | None] = {"first": 0, "1k": 1_000, "100k": 100_000, "last": None}


def scope_of(seeded: Seeded, staff: bool) -> TicketScope:
    return (TicketScope(frozenset(), everything=True) if staff
            else TicketScope(frozenset({seeded.big_company})))


# the time sorts the benches page through, as the list orders them (due: never NULL)
_SORT_COLUMNS = {SortColumn.MODIFIED: tickets.c.modified_at,
                 SortColumn.CREATED: tickets.c.created_at, SortColumn.DUE: tickets.c.sla_order}


def _ordered(scope: TicketScope, query: TicketQuery) -> Any:
    column = _SORT_COLUMNS[query.sort]
    order = ([column.desc(), tickets.c.id.desc()] if query.descending
             else [column, tickets.c.id])
    return select(column, tickets.c.id).where(*filters(scope, query)).order_by(*order)


def matching(db: SqlDatabase, scope: TicketScope, query: TicketQuery) -> int:
    """Exact count of the view (set-up only; the list itself never counts past the cap)."""
    with db.engine.connect() as connection:
        return int(connection.execute(
            select(func.count()).select_from(tickets).where(*filters(scope, query))).scalar_one())


def cursor_at(db: SqlDatabase, scope: TicketScope, query: TicketQuery, depth: int
              ) -> Cursor | None:
    """The keyset cursor a reader holds after paging past ``depth`` rows in the query's
    order (a time sort: modified, created or due).

    Found once with OFFSET, in set-up; the measured requests use only the cursor.
    """
    if depth == 0:
        return None
    with db.engine.connect() as connection:
        row = connection.execute(_ordered(scope, query).offset(depth - 1).limit(1)).one()
    return Cursor(row[0].isoformat(), row[1])


def page_url(params: dict[str, str], cursor: Cursor | None, query: TicketQuery) -> str:
    """The list URL of that page, as the pager would link it."""
    items = list(params.items())
    if cursor is not None:
        items.append(("cursor", encode_cursor(cursor, query.sort)))
    return "/tickets?" + urlencode(items) if items else "/tickets"


class _Recorder:
    """Statements with parameters, to EXPLAIN exactly what a request ran."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[tuple[str, Any]] = []

    def __enter__(self) -> _Recorder:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        self.seen.append((statement, params))


def explain(engine: Engine, statement: str, params: Any) -> tuple[str, list[str]]:
    """The plan as text and what in it breaks the rule: no full scan, no temporary sort."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            lines = [str(r[-1]) for r in
                     connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)]
            bad = [line for line in lines
                   if re.fullmatch(r"\s*SCAN tickets", line) or "TEMP B-TREE" in line]
            return "\n".join(lines), bad
        plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}",
                                          params).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes = list(_nodes(plan[0]["Plan"]))
    bad = [f"{n['Node Type']} on tickets" for n in nodes
           if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "tickets"]
    bad += [f"{n['Node Type']} ({', '.join(n.get('Sort Key', []))})" for n in nodes
            if "Sort" in n["Node Type"]]
    return json.dumps(plan), bad


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


@define
class _Case:
    """One page of one view at one size, and how to request it both ways."""

    key: dict[str, Any]
    db: SqlDatabase
    scope: TicketScope
    query: TicketQuery
    app: Any
    url: str | None
    cookie: str
    samples: list[float] = Factory(list)
    web_samples: list[float] = Factory(list)

    def page(self) -> Any:
        with self.db.uow_factory(readonly=True) as uow:
            return uow.tickets.page_for(self.scope, self.query)


def _round_robin(cases: list[_Case], repetitions: int) -> None:
    """Time every case ``repetitions`` times, taking the cases in turn (after 10 warm-up
    rounds): a change of load on the machine then falls on every case alike, and the ratios
    between cases stay fair even when the absolute figures drift."""
    for round_number in range(10 + repetitions):
        for case in cases:
            started = time.perf_counter()
            case.page()
            if round_number >= 10:
                case.samples.append(time.perf_counter() - started)

    async def web() -> None:
        timed = [c for c in cases if c.url is not None]
        for round_number in range(10 + repetitions):
            for case in timed:
                assert case.url is not None
                started = time.perf_counter()
                status, _ = await asgi.get(case.app, case.url, case.cookie)
                if round_number >= 10:
                    case.web_samples.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"GET {case.url} answered {status}")

    asyncio.run(web())


def _counted(case: _Case) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Statements of one repository call and of one full request."""
    with statements(case.db.engine) as seen:
        page = case.page()
    repository = {"rows": len(page.rows), "statements": len(seen),
                  "queries": len(queries_only(seen))}
    if case.url is None:
        return repository, None
    with statements(case.db.engine) as seen:
        status, body = asyncio.run(asgi.get(case.app, case.url, case.cookie))
    return repository, {"url": case.url, "status": status,
                        "rows": body.count(b'href="/tickets/CSS-'), "statements": len(seen),
                        "queries": len(queries_only(seen))}


def _explained(case: _Case) -> list[dict[str, Any]]:
    with _Recorder(case.db.engine) as recorder:
        case.page()
    return [{**case.key, "statement": statement, "plan": plan, "violations": bad}
            for statement, params in recorder.seen
            if not statement.lstrip().upper().startswith("BEGIN")
            for plan, bad in [explain(case.db.engine, statement, params)]]


def measure(seeded_by_size: dict[int, Seeded], repetitions: int, log: Any) -> dict[str, Any]:
    """Every view's first page at every size; deep pages and EXPLAIN at the largest."""
    largest, smallest = max(seeded_by_size), min(seeded_by_size)
    cases: list[_Case] = []
    backends: list[Backend] = []
    try:
        for size, seeded in sorted(seeded_by_size.items()):
            settings = Settings(database_url=seeded.url, secret_key=BENCH_SECRET_KEY,
                                start_mail_worker=False)
            backend = compose.build(settings)
            backends.append(backend)
            db, services = backend.database, backend.services
            assert db is not None
            app = create_app(settings, services)
            cookies = {staff: "clico_session=" + services.sign_in(SignIn(
                seeded.staff_login if staff else seeded.viewer_login, seeded.password,
                "bench-list")).session_token for staff in (False, True)}
            for view, (staff, base, params) in VIEWS.items():
                scope = scope_of(seeded, staff)
                total = matching(db, scope, base)
                for label, depth in DEPTHS.items():
                    if size != largest and label != "first":
                        continue
                    depth = max(total - PAGE, 0) if depth is None else depth
                    if depth and depth >= total:
                        continue
                    query = evolve(base, cursor=cursor_at(db, scope, base, depth))
                    url: str | None = page_url(params, query.cursor, query)
                    if view not in HANDLER_VIEWS or size not in (smallest, largest):
                        url = None
                    cases.append(_Case(
                        {"size": size, "view": view, "page": label, "depth": depth,
                         "matching": total}, db, scope, query, app, url, cookies[staff]))
        log(f"  {len(cases)} repository cases, {sum(c.url is not None for c in cases)} "
            f"handler cases, {repetitions} rounds each, interleaved")
        _round_robin(cases, repetitions)
        repository: list[dict[str, Any]] = []
        handler: list[dict[str, Any]] = []
        plans: list[dict[str, Any]] = []
        for case in cases:
            counted, web = _counted(case)
            repository.append({**case.key, **counted, **summary_ms(case.samples)})
            if web is not None:
                handler.append({**case.key, **web, **summary_ms(case.web_samples)})
            if case.key["size"] == largest:
                plans += _explained(case)
            log(f"  {case.key['size']:>8} {case.key['view']:<26} {case.key['page']:>5}: "
                f"repository p50 {repository[-1]['p50_ms']:.2f} ms"
                + (f", handler p50 {handler[-1]['p50_ms']:.2f} ms" if web else ""))
    finally:
        for backend in backends:
            backend.close()
    return {"repository": repository, "handler": handler, "explain": plans}
