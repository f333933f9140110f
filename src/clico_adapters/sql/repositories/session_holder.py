"""The lookup every signed-in request (and every API request) makes, in one statement.

A session (or an API token), its account, and the contracts active on the account with the
assets each covers. Read one by one that is four queries per request (session, account,
contracts, their assets); joined here it is one: a row per activation of the account, the
contract's columns null where the contract is not valid on the day, and the assets folded
into one JSON array of ``[position, asset_id]`` pairs by a correlated subquery (SQLite's
``json_group_array`` cannot order its input before 3.44, so the positions travel along and
Python orders them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ColumnElement, Label, Select, Table, and_, bindparam, func, select
from sqlalchemy.engine import RowMapping

from clico_core.api_tokens import ApiToken
from clico_core.contracts import Contract
from clico_core.ports import SessionHolder, TokenHolder

from ..mapping import account_from, contract_from, session_from
from ..tables import accounts, activations, api_tokens, contract_assets, contracts, sessions

if TYPE_CHECKING:
    from ..uow import SqlUnitOfWork

_PREFIXES: dict[Table, str] = {sessions: "s_", api_tokens: "s_", accounts: "a_",
                               contracts: "c_"}
# the table a request is authenticated by, and the column its secret's hash is looked up in
_KEYS = {"session": (sessions, sessions.c.session_hash),
         "token": (api_tokens, api_tokens.c.token_hash)}
ASSET_IDS = "c_asset_ids"


def _labelled(table: Table) -> list[Label[Any]]:
    return [column.label(_PREFIXES[table] + column.name) for column in table.c]


def _part(row: RowMapping, table: Table) -> dict[str, Any]:
    prefix = _PREFIXES[table]
    return {column.name: row[prefix + column.name] for column in table.c}


def _asset_pairs(dialect: str) -> ColumnElement[Any]:
    build, aggregate = (("json_build_array", "json_agg") if dialect == "postgresql"
                        else ("json_array", "json_group_array"))
    pair = getattr(func, build)(contract_assets.c.position, contract_assets.c.asset_id)
    return (select(getattr(func, aggregate)(pair, type_=JSON))
            .where(contract_assets.c.contract_id == contracts.c.id)
            .correlate(contracts).scalar_subquery())


def _build(dialect: str, lock: bool, root_name: str) -> Select[Any]:
    root, key = _KEYS[root_name]
    on = bindparam("on", type_=contracts.c.valid_from.type)
    valid = and_(contracts.c.id == activations.c.contract_id, contracts.c.valid_from <= on,
                 contracts.c.valid_until >= on)
    query = (
        select(*_labelled(root), *_labelled(accounts), *_labelled(contracts),
               _asset_pairs(dialect).label(ASSET_IDS))
        .select_from(root.join(accounts, accounts.c.id == root.c.account_id)
                     .outerjoin(activations, activations.c.account_id == accounts.c.id)
                     .outerjoin(contracts, valid))
        .where(key == bindparam("key_hash"))
        .order_by(contracts.c.number)
    )
    if lock:
        # a write unit of work locks what it read (SqlRepository.for_change); FOR UPDATE
        # may not name the nullable side of an outer join
        query = query.with_for_update(of=[root, accounts])
    return query


# built once per (dialect, lock, root): constructing this statement costs ten times
# running it
_STATEMENTS: dict[tuple[str, bool, str], Select[Any]] = {}


def _query(uow: SqlUnitOfWork, root_name: str) -> Select[Any]:
    key = (uow.dialect, not uow.readonly and uow.dialect == "postgresql", root_name)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = _build(*key)
    return _STATEMENTS[key]


def _asset_ids(pairs: Any) -> list[str]:
    # JSON null when no asset is linked (PostgreSQL's json_agg of nothing is null)
    return [asset_id for _, asset_id in sorted(pairs or [])]


def _holder_rows(uow: SqlUnitOfWork, root_name: str, key_hash: str, on: date
                 ) -> list[RowMapping]:
    return list(uow.execute(_query(uow, root_name), {"key_hash": key_hash, "on": on}
                            ).mappings())


def _active(rows: list[RowMapping]) -> tuple[Contract, ...]:
    return tuple(contract_from(_part(row, contracts), _asset_ids(row[ASSET_IDS]))
                 for row in rows if row["c_id"] is not None)


def session_holder(uow: SqlUnitOfWork, session_hash: str, on: date) -> SessionHolder | None:
    rows = _holder_rows(uow, "session", session_hash, on)
    if not rows:
        return None
    return SessionHolder(session_from(_part(rows[0], sessions)),
                         account_from(_part(rows[0], accounts), uow.box), _active(rows))


def token_holder(uow: SqlUnitOfWork, token_hash: str, on: date,
                 token_from: Callable[[dict[str, Any]], ApiToken]) -> TokenHolder | None:
    rows = _holder_rows(uow, "token", token_hash, on)
    if not rows:
        return None
    return TokenHolder(token_from(_part(rows[0], api_tokens)),
                       account_from(_part(rows[0], accounts), uow.box), _active(rows))
