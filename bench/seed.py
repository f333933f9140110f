"""Seeding: 10^3 … 10^6 tickets with a realistic skew, through Core bulk inserts / COPY.

One company holds 30% of the tickets, the rest follow a Zipf-like tail; ages lean recent
and old tickets are mostly closed; 60% are technical, linked to an asset under a contract.
The few companies, accounts, assets and contracts go through the adapter's repositories;
the tickets through ``executemany`` (SQLite, one transaction, ``synchronous=OFF`` on the
seeding connection only) or ``COPY`` (PostgreSQL). The list indexes the migrations made are
dropped before the load and re-created from their own DDL afterwards, then ANALYZEd.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from attrs import frozen
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlalchemy.pool import NullPool

from clico_adapters.passwords import Argon2Hasher
from clico_adapters.sql import SqlDatabase
from clico_adapters.sql.tables import TICKET_NUMBER_SEQUENCE, ticket_assets, ticket_counter, tickets
from clico_core.accounts import Account, AccountState
from clico_core.assets import Asset
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract, hash_contract_key
from clico_core.tickets import due_order
from clico_core.values import Role

from .databases import bench_box

PASSWORD = "bench password 1234"
VIEWER = "bench-viewer"  # a customer of the big company, no second factor (the list reader)
FLOODER = "bench-flood"  # a customer of the big company with the e-mailed code (sign-ins)
STAFF = "bench-staff"  # a support engineer: sees every company's tickets
ENGINEERS = 12  # more engineers who handle tickets (the staff queue's assignees)
BENCH_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BIG = "co-big"
COMPANIES = 40
BIG_SHARE = 0.30
MAX_AGE_DAYS = 3 * 365
CHUNK = 20_000

_STATUS_BY_AGE = (  # (max age in days, [(status, weight), ...])
    (2, [("new", 40), ("open", 50), ("waiting_for_customer", 10)]),
    (30, [("new", 5), ("open", 45), ("waiting_for_customer", 20), ("resolved", 20),
          ("closed", 10)]),
    (180, [("open", 10), ("waiting_for_customer", 5), ("resolved", 15), ("closed", 70)]),
    (10**9, [("open", 2), ("waiting_for_customer", 1), ("resolved", 5), ("closed", 92)]),
)
_ASSIGNED_SHARE = {"new": 0.2, "open": 0.95, "waiting_for_customer": 0.95, "resolved": 1.0,
                   "closed": 1.0}
# The bench engineer (``Moje``) handles a quarter of the handled tickets, the 12 others share
# the rest: at 10^3 that is ~50 open tickets, a full first page (not 16 rows against 25)
_STAFF_WEIGHT = ENGINEERS / 3
# SLA targets in hours per priority (first response, resolution), the premium level's;
# running clocks only: new tickets run both, open ones (answered) the resolution clock,
# waiting ones are paused and resolved or closed ones stopped (no due time: sorted last)
_TARGET_HOURS = {"critical": (1, 4), "high": (2, 12), "normal": (4, 48), "low": (8, 120)}
_PRIORITIES = [("low", 20), ("normal", 55), ("high", 20), ("critical", 5)]
_TOPICS = ["VPN tunnel drops", "HA failover after upgrade", "Licence renewal",
           "High CPU on dataplane", "GlobalProtect login fails", "RMA request",
           "Certificate expired", "Policy push timeout", "Log forwarding stopped",
           "Question about SD-WAN", "Portal access for a colleague", "Threat signatures stale"]

_DESCRIPTIONS = [f"<p>{topic}.</p><p>Seen since the last upgrade; logs and a tech-support "
                 f"file attached. The pair is in production, please call back.</p>"
                 for topic in _TOPICS]


@frozen
class Seeded:
    engine: str
    size: int
    url: str
    seconds: float
    big_company: str
    viewer_login: str
    flooder_login: str
    staff_login: str
    password: str
    anchor: datetime  # "now" of the seed: the newest ticket is this old
    steps: dict[str, float]  # seconds spent loading, indexing, analysing


def _weighted(pairs: list[tuple[str, int]]) -> tuple[list[str], list[float]]:
    values = [v for v, _ in pairs]
    cumulative = list(itertools.accumulate(w for _, w in pairs))
    return values, [c / cumulative[-1] for c in cumulative]


def _pick(rng: random.Random, table: tuple[list[str], list[float]]) -> str:
    values, cumulative = table
    return values[min(bisect.bisect(cumulative, rng.random()), len(values) - 1)]


def _companies() -> tuple[list[str], list[float]]:
    others = [f"co-{k:02d}" for k in range(1, COMPANIES)]
    weights = [1 / (k ** 0.8) for k in range(1, COMPANIES)]
    total = sum(weights)
    cumulative = [BIG_SHARE]
    for w in itertools.accumulate(weights):
        cumulative.append(BIG_SHARE + (1 - BIG_SHARE) * w / total)
    return [BIG, *others], cumulative


def _setup_entities(db: SqlDatabase, anchor: datetime, password_hash: str
                    ) -> dict[str, dict[str, list[str]]]:
    """Companies, accounts, assets, contracts and activations; returns ids per company."""
    world: dict[str, dict[str, list[str]]] = {}
    today = anchor.date()
    with db.uow_factory() as uow:
        for index, company_id in enumerate(_companies()[0]):
            name = "Big Telecom S.A." if company_id == BIG else f"Customer {index:02d} Sp. z o.o."
            uow.companies.add(Company(company_id, name))
            people = 10 if company_id == BIG else 2
            asset_count = 20 if company_id == BIG else 4
            account_ids = []
            for p in range(people):
                account_id = f"ac-{company_id}-{p}"
                uow.accounts.add(Account(
                    account_id, f"{company_id}-user{p}", f"user{p}@{company_id}.example.com",
                    "Jan", f"Kowalski {p}", "+48 600 100 200", company_id, "$argon2id$fake",
                    anchor - timedelta(days=MAX_AGE_DAYS), state=AccountState.ACTIVE))
                account_ids.append(account_id)
            asset_ids = []
            for a in range(asset_count):
                asset_id = f"as-{company_id}-{a}"
                uow.assets.add(Asset(asset_id, f"PAN-PA-{400 + a * 10}", "PALO_ALTO",
                                     f"SN-{company_id}-{a:04d}", company_id, "PALO_ALTO"))
                asset_ids.append(asset_id)
            contract_ids = []
            for c in range(2):
                contract_id = f"ct-{company_id}-{c}"
                uow.contracts.add(Contract(
                    contract_id, f"C-{company_id}-{c}", hash_contract_key(f"KEY-{contract_id}"),
                    company_id, "standard", date(today.year - 3, 1, 1),
                    today + timedelta(days=365), asset_ids[c::2]))
                contract_ids.append(contract_id)
            world[company_id] = {"accounts": account_ids, "assets": asset_ids,
                                 "contracts": contract_ids}
        for login, two_factor, role in ((VIEWER, False, Role.CUSTOMER),
                                        (FLOODER, True, Role.CUSTOMER),
                                        (STAFF, False, Role.ENGINEER)):
            account_id = f"ac-{login}"
            uow.accounts.add(Account(
                account_id, login, f"{login}@big.example.com", "Bench", login.title(),
                "+48 600 100 200", BIG, password_hash, anchor - timedelta(days=30),
                role=role, state=AccountState.ACTIVE, two_factor=two_factor,
                # staff hold an authenticator app (else sign-in stops at enrolling one)
                totp_secret=BENCH_TOTP if role is Role.ENGINEER else None))
            for contract_id in world[BIG]["contracts"]:
                uow.contracts.activate(Activation(contract_id, account_id, anchor))
        for e in range(ENGINEERS):
            uow.accounts.add(Account(
                f"ac-eng-{e}", f"bench-eng{e}", f"eng{e}@clico.example.com", "Inżynier",
                f"Numer {e}", "+48 600 100 200", BIG, "$argon2id$fake",
                anchor - timedelta(days=MAX_AGE_DAYS), role=Role.ENGINEER,
                state=AccountState.ACTIVE))
        uow.commit()
    return world


def ticket_rows(size: int, anchor: datetime, world: dict[str, dict[str, list[str]]],
                seed: int = 8) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Ticket rows (and their asset link) in creation order, numbered CSS-000001 upwards."""
    rng = random.Random(seed * 1_000_003 + size)
    companies = _companies()
    priorities = _weighted(_PRIORITIES)
    statuses = [(limit, _weighted(pairs)) for limit, pairs in _STATUS_BY_AGE]
    ages = sorted((MAX_AGE_DAYS * rng.random() ** 2 for _ in range(size)), reverse=True)
    # who handles each: its own draws, so the other columns are what they always were
    handlers = random.Random(seed * 7 + size)
    engineers = [f"ac-{STAFF}", *(f"ac-eng-{e}" for e in range(ENGINEERS))]
    weights = [_STAFF_WEIGHT, *([1.0] * ENGINEERS)]
    for number, age in enumerate(ages, start=1):
        company = _pick(rng, companies)
        ids = world[company]
        created = anchor - timedelta(days=age)
        modified = created + timedelta(days=age * rng.random() ** 3)
        status = _pick(rng, next(table for limit, table in statuses if age < limit))
        technical = rng.random() < 0.6
        topic = rng.randrange(len(_TOPICS))
        subject = f"{_TOPICS[topic]} #{rng.randrange(10_000)}"
        ticket_id = f"{rng.getrandbits(128):032x}"
        row = {
            "id": ticket_id, "number": f"CSS-{number:06d}",
            "kind": "technical" if technical else "administrative",
            "subject": subject, "subject_folded": subject.casefold(),
            "description": _DESCRIPTIONS[topic],
            "priority": (priority := _pick(rng, priorities)), "relation_type": "incident",
            "company_id": company, "reporter_id": rng.choice(ids["accounts"]),
            "created_at": created, "modified_at": modified, "status": status,
            "contract_id": rng.choice(ids["contracts"]) if technical else None,
            "questionnaire_id": "PALO_ALTO" if technical else None, "idempotency_key": None,
            # new tickets wait in the queue (``Nieprzypisane``), taken ones have an engineer
            "assignee_id": (handlers.choices(engineers, weights)[0]
                            if handlers.random() < _ASSIGNED_SHARE[status] else None),
            "resolved_at": None, "closed_at": None, "close_reminded_at": None,
            "follows_id": None, "version": 0,
            # the due times the clocks would store (the state itself is not read by lists)
            "sla_state": None, "sla_paused": status == "waiting_for_customer",
            "sla_alert_at": None, **_due_times(status, priority, created),
        }
        link = ({"ticket_id": ticket_id, "position": 0, "asset_id": rng.choice(ids["assets"])}
                if technical else None)
        yield row, link


def _due_times(status: str, priority: str, created: datetime) -> dict[str, Any]:
    """The SLA columns of a seeded ticket (24×7 business time: wall-clock hours)."""
    first_hours, resolution_hours = _TARGET_HOURS[priority]
    running = {"new": (first_hours, resolution_hours), "open": (None, resolution_hours)}.get(
        status, (None, None))
    dues = [None if h is None else created + timedelta(hours=h) for h in running]
    warnings = [created + timedelta(hours=0.75 * h) for h in running if h is not None]
    nearest = min((d for d in dues if d is not None), default=None)
    return {"first_response_due": dues[0], "resolution_due": dues[1], "sla_due": nearest,
            "sla_order": due_order(nearest, created), "sla_warning_at": min(warnings, default=None)}


def _chunks(rows: Iterator[tuple[dict[str, Any], dict[str, Any] | None]]
            ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    while True:
        batch = list(itertools.islice(rows, CHUNK))
        if not batch:
            return
        yield [t for t, _ in batch], [link for _, link in batch if link is not None]


_LIST_TABLES = ("tickets", "ticket_assets")


def _secondary_indexes(connection: Connection) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of the plain indexes on the list's tables (not constraints)."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('tickets', 'ticket_assets')"))
    else:
        rows = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('tickets', 'ticket_assets') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"))
    return [(str(name), str(sql)) for name, sql in rows]


def _load_sqlite(connection: Connection, rows: Iterator[Any]) -> None:
    for ticket_batch, link_batch in _chunks(rows):
        connection.execute(insert(tickets), ticket_batch)
        if link_batch:
            connection.execute(insert(ticket_assets), link_batch)


def _load_postgres(connection: Connection, rows: Iterator[Any]) -> None:
    raw = connection.connection.driver_connection
    ticket_columns = [c.name for c in tickets.columns]
    link_columns = [c.name for c in ticket_assets.columns]
    links: list[tuple[Any, ...]] = []
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f"COPY tickets ({', '.join(ticket_columns)}) FROM STDIN") as copy:
            for ticket, link in rows:
                copy.write_row([ticket[c] for c in ticket_columns])
                if link is not None:
                    links.append(tuple(link[c] for c in link_columns))
        with cursor.copy(f"COPY ticket_assets ({', '.join(link_columns)}) FROM STDIN") as copy:
            for link_row in links:
                copy.write_row(link_row)


def seed(engine: str, url: str, size: int, password_hash: str) -> Seeded:
    """Migrate an empty database to head and fill it with ``size`` tickets."""
    started = time.perf_counter()
    anchor = datetime.now(UTC).replace(microsecond=0)
    db = SqlDatabase.from_url(url, poolclass=NullPool, box=bench_box())
    steps: dict[str, float] = {}
    try:
        db.upgrade()
        world = _setup_entities(db, anchor, password_hash)
        rows = ticket_rows(size, anchor, world)
        with db.engine.connect() as connection:
            _fast_loading(connection)
            with connection.begin():
                indexes = _secondary_indexes(connection)
                for name, _ in indexes:
                    connection.execute(text(f'DROP INDEX "{name}"'))
                mark = time.perf_counter()
                if engine == "sqlite":
                    _load_sqlite(connection, rows)
                    connection.execute(insert(ticket_counter).values(name="tickets", value=size))
                else:
                    _load_postgres(connection, rows)
                    connection.execute(text(f"SELECT setval('{TICKET_NUMBER_SEQUENCE}', :n)"),
                                       {"n": size})
                steps["load_s"] = time.perf_counter() - mark
                mark = time.perf_counter()
                for _, ddl in indexes:
                    connection.execute(text(ddl))
                steps["indexes_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        _analyze(db, engine)
        steps["analyze_s"] = time.perf_counter() - mark
    finally:
        db.dispose()
    return Seeded(engine, size, url, round(time.perf_counter() - started, 2), BIG, VIEWER,
                  FLOODER, STAFF, PASSWORD, anchor,
                  {k: round(v, 2) for k, v in steps.items()})


def seed_all(engine: str, urls: dict[int, str], password_hash: str) -> list[Seeded]:
    """Every size of one engine (run in its own process, beside the other engine's)."""
    return [seed(engine, url, size, password_hash) for size, url in sorted(urls.items())]


def _fast_loading(connection: Connection) -> None:
    """Settings for this seeding connection only (it is closed afterwards, never pooled)."""
    raw = connection.connection.driver_connection  # outside any transaction
    if connection.dialect.name == "sqlite":
        # A scratch database: losing it in a crash costs nothing. One transaction, no fsync,
        # an in-memory rollback journal (not a WAL copy of every page), sorts in memory.
        for pragma in ("synchronous=OFF", "journal_mode=MEMORY", "temp_store=MEMORY",
                       "cache_size=-1000000"):
            raw.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
    else:
        for setting in ("synchronous_commit = off", "maintenance_work_mem = '512MB'"):
            raw.execute(f"SET {setting}")  # type: ignore[union-attr]
        raw.commit()  # type: ignore[union-attr]


def _analyze(db: SqlDatabase, engine: str) -> None:
    if engine == "sqlite":
        with db.engine.connect() as connection:  # a new connection: back in WAL mode
            raw = connection.connection.driver_connection  # autocommit: no BEGIN around it
            raw.execute("ANALYZE")  # type: ignore[union-attr]
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    else:
        # VACUUM sets the visibility map (index-only scans), as autovacuum would in time
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def password_hash() -> str:
    """The bench accounts' password, hashed with the product's default argon2 parameters."""
    return Argon2Hasher().hash(PASSWORD)


def migration_head() -> str:
    """The schema revision a seeding migrates to (part of the seed cache's key)."""
    return SqlDatabase.head_revision() or ""


def seeded_meta(seeded: Seeded) -> dict[str, Any]:
    """What a seeded database's cache entry keeps of its seeding (JSON)."""
    return {"size": seeded.size, "seconds": seeded.seconds, "big_company": seeded.big_company,
            "viewer_login": seeded.viewer_login, "flooder_login": seeded.flooder_login,
            "staff_login": seeded.staff_login, "password": seeded.password,
            "anchor": seeded.anchor.isoformat(), "steps": seeded.steps}


def seeded_from(engine: str, url: str, meta: dict[str, Any]) -> Seeded:
    """The ``Seeded`` of a database copied from the cache (``url``: the copy)."""
    return Seeded(engine, int(meta["size"]), url, float(meta["seconds"]), meta["big_company"],
                  meta["viewer_login"], meta["flooder_login"], meta["staff_login"],
                  meta["password"], datetime.fromisoformat(meta["anchor"]),
                  {k: float(v) for k, v in meta["steps"].items()})
