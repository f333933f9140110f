"""Tickets with their asset links and questionnaire answers, and the number sequence."""

from __future__ import annotations

import json
from collections.abc import Sequence as Many
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Sequence,
    bindparam,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import sqlite

from clico_core.errors import ConcurrencyConflict
from clico_core.ports import QuietTicket, SlaRecord
from clico_core.tickets import (
    Ticket,
    TicketLink,
    TicketPage,
    TicketQuery,
    TicketScope,
    TicketStatus,
)

from ..mapping import ticket_from, ticket_state_values, ticket_values
from ..sla_codec import sla_from_json
from ..tables import (
    TICKET_NUMBER_SEQUENCE,
    ticket_answers,
    ticket_assets,
    ticket_counter,
    tickets,
)
from .base import SqlRepository
from .ticket_list import page_for

_CONFLICTS = {
    "pk_tickets": "ticket exists",
    "uq_tickets_number": "ticket number taken",
    "uq_tickets_reporter_id_idempotency_key": "idempotency key used",
}


def _parts(postgres: bool) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """A ticket's assets and answers as two JSON arrays of ``[position, …]`` (no order
    within an aggregate on SQLite before 3.44: ``_positioned`` sorts them)."""
    aggregate, array = ((func.json_agg, func.json_build_array) if postgres
                        else (func.json_group_array, func.json_array))
    assets = select(aggregate(array(ticket_assets.c.position, ticket_assets.c.asset_id))
                    ).where(ticket_assets.c.ticket_id == tickets.c.id).scalar_subquery()
    answers = select(aggregate(array(ticket_answers.c.position, ticket_answers.c.question,
                                     ticket_answers.c.answer))
                     ).where(ticket_answers.c.ticket_id == tickets.c.id).scalar_subquery()
    return assets.label("asset_parts"), answers.label("answer_parts")


_PARTS = {postgres: _parts(postgres) for postgres in (False, True)}
# a ticket read by one of its keys: the statements are built once, with bound parameters
# (building one costs more than running it)
_KEYS: dict[str, ColumnElement[bool]] = {
    "id": tickets.c.id == bindparam("ticket_id"),
    "number": tickets.c.number == bindparam("number"),
    "idempotency": (tickets.c.reporter_id == bindparam("reporter_id"))
    & (tickets.c.idempotency_key == bindparam("idempotency_key")),
}


def _one_statement(condition: ColumnElement[bool], postgres: bool, lock: bool) -> Select[Any]:
    query = select(tickets, *_PARTS[postgres]).where(condition)
    return query.with_for_update() if lock else query


# by (key, PostgreSQL?, locked?)
_ONE: dict[tuple[str, bool, bool], Select[Any]] = {
    (key, postgres, lock): _one_statement(condition, postgres, lock)
    for key, condition in _KEYS.items() for postgres in (False, True) for lock in (False, True)
}
# SQLite's number: the counter row, bumped and read in one statement
_NEXT_ON_SQLITE = (sqlite.insert(ticket_counter).values(name="tickets", value=1)
                   .on_conflict_do_update(index_elements=["name"],
                                          set_={"value": ticket_counter.c.value + 1})
                   .returning(ticket_counter.c.value))
_NEXT_ON_POSTGRES = Sequence(TICKET_NUMBER_SEQUENCE).next_value().select()


def _positioned(parts: str | list[list[Any]] | None) -> list[list[Any]]:
    """The parts in position order, without it (SQLite returns the array as text,
    PostgreSQL's ``json_agg`` none at all when there is no row)."""
    found = json.loads(parts) if isinstance(parts, str) else (parts or [])
    return [part[1:] for part in sorted(found, key=lambda part: int(part[0]))]


_UPDATE_STATE = update(tickets).where(tickets.c.id == bindparam("read_id"),
                                     tickets.c.version == bindparam("read_version"))


class SqlTickets(SqlRepository):
    def next_number(self) -> int:
        """PostgreSQL: a sequence (never blocks, never reused). SQLite: a counter row,
        safe because write transactions hold the database's write lock (BEGIN IMMEDIATE)."""
        statement = _NEXT_ON_POSTGRES if self.uow.dialect == "postgresql" else _NEXT_ON_SQLITE
        return int(self.uow.execute(statement).scalar_one())

    def add(self, ticket: Ticket) -> None:
        """Insert with assets and answers; a taken number or idempotency key is a
        ``ConcurrencyConflict`` (the other request won)."""
        self.uow.insert_guarded(
            tickets, ticket_values(ticket),
            lambda name: ConcurrencyConflict(_CONFLICTS[name]) if name in _CONFLICTS else None)
        if ticket.asset_ids:
            self.uow.execute(insert(ticket_assets), [
                {"ticket_id": ticket.id, "position": i, "asset_id": asset_id}
                for i, asset_id in enumerate(ticket.asset_ids)])
        if ticket.answers:
            self.uow.execute(insert(ticket_answers), [
                {"ticket_id": ticket.id, "position": i, "question": question, "answer": answer}
                for i, (question, answer) in enumerate(ticket.answers.items())])

    def _one(self, key: str, **values: str) -> Ticket | None:
        """The ticket with its assets and answers in one statement (each list a JSON array
        of ``[position, …]`` from a correlated subquery on its primary key), found by one
        of ``_KEYS`` given ``values``."""
        postgres = self.uow.dialect == "postgresql"
        # locked in a write unit of work: a change decided on this read cannot be lost
        # (``for_change``: PostgreSQL only, SQLite's write transactions begin IMMEDIATE)
        query = _ONE[key, postgres, postgres and not self.uow.readonly]
        row = self.uow.execute(query, values).mappings().first()
        if row is None:
            return None
        asset_ids = [asset_id for (asset_id,) in _positioned(row["asset_parts"])]
        answers_by_question = {str(question): str(answer)
                               for question, answer in _positioned(row["answer_parts"])}
        return ticket_from(row, asset_ids, answers_by_question)

    def get(self, ticket_id: str) -> Ticket | None:
        return self._one("id", ticket_id=ticket_id)

    def get_by_number(self, number: str) -> Ticket | None:
        return self._one("number", number=number)

    def get_by_idempotency_key(self, reporter_id: str, key: str) -> Ticket | None:
        return self._one("idempotency", reporter_id=reporter_id, idempotency_key=key)

    def open_counts_by_asset(self, asset_ids: Many[str]) -> dict[str, int]:
        counts = dict.fromkeys(asset_ids, 0)
        if asset_ids:
            query = (select(ticket_assets.c.asset_id, func.count(func.distinct(tickets.c.id)))
                     .join(tickets, tickets.c.id == ticket_assets.c.ticket_id)
                     .where(ticket_assets.c.asset_id.in_(list(asset_ids)),
                            tickets.c.status != TicketStatus.CLOSED.value)
                     .group_by(ticket_assets.c.asset_id))
            counts.update({str(k): int(n) for k, n in self.uow.execute(query)})
        return counts

    def follow_ups_of(self, ticket_id: str) -> list[TicketLink]:
        """Walks ``ix_tickets_follows_id`` (follows_id, created_at, id)."""
        query = select(tickets.c.id, tickets.c.number, tickets.c.company_id,
                       tickets.c.reporter_id).where(
            tickets.c.follows_id == ticket_id, tickets.c.follows_id.is_not(None)
        ).order_by(tickets.c.created_at, tickets.c.id)
        return [TicketLink(row.id, row.number, row.company_id, row.reporter_id)
                for row in self.uow.execute(query)]

    def update_state(self, ticket: Ticket) -> bool:
        """One conditional UPDATE on the version read: a writer that read an older version
        changes no row and learns it from the row count."""
        values = ticket_state_values(ticket)
        values["version"] = ticket.version + 1
        # the SET clause comes from the parameters' column names: one constant statement,
        # compiled once, instead of a new one (and its cache key) per call
        result = self.uow.execute(_UPDATE_STATE, {
            **values, "read_id": ticket.id, "read_version": ticket.version})
        if result.rowcount != 1:
            return False
        ticket.version += 1
        return True

    def resolved_quiet(self, since: datetime, *, unreminded: bool,
                       after: QuietTicket | None, limit: int) -> list[QuietTicket]:
        """Walks ``ix_tickets_status_modified`` (status, modified_at, id)."""
        query = select(tickets.c.id, tickets.c.modified_at).where(
            tickets.c.status == TicketStatus.RESOLVED.value, tickets.c.modified_at <= since)
        if unreminded:
            query = query.where(or_(tickets.c.close_reminded_at.is_(None),
                                    tickets.c.close_reminded_at < tickets.c.modified_at))
        if after is not None:
            query = query.where(tuple_(tickets.c.modified_at, tickets.c.id) > tuple_(
                bindparam("after_at", after.modified_at, type_=tickets.c.modified_at.type),
                bindparam("after_id", after.id, type_=tickets.c.id.type)))
        query = query.order_by(tickets.c.modified_at, tickets.c.id).limit(limit)
        return [QuietTicket(row.id, row.modified_at) for row in self.uow.execute(query)]

    def sla_alerts_due(self, now: datetime, limit: int) -> list[str]:
        """Walks ``ix_tickets_sla_alert_at`` (sla_alert_at, id)."""
        query = (select(tickets.c.id).where(tickets.c.sla_alert_at <= now)
                 .order_by(tickets.c.sla_alert_at, tickets.c.id).limit(limit))
        return list(self.uow.execute(query).scalars())

    def sla_records(self, created_from: datetime, created_to: datetime,
                    after: SlaRecord | None, limit: int) -> list[SlaRecord]:
        query = select(tickets.c.id, tickets.c.company_id, tickets.c.created_at,
                       tickets.c.sla_state).where(
            tickets.c.created_at >= created_from, tickets.c.created_at < created_to,
            tickets.c.sla_state.is_not(None))
        if after is not None:
            query = query.where(tuple_(tickets.c.created_at, tickets.c.id) > tuple_(
                bindparam("after_at", after.created_at, type_=tickets.c.created_at.type),
                bindparam("after_id", after.id, type_=tickets.c.id.type)))
        query = query.order_by(tickets.c.created_at, tickets.c.id).limit(limit)
        records = []
        for row in self.uow.execute(query):
            sla = sla_from_json(row.sla_state)
            if sla is not None:
                records.append(SlaRecord(row.id, row.company_id, row.created_at, sla))
        return records

    def page_for(self, scope: TicketScope, query: TicketQuery) -> TicketPage:
        """One page in at most two statements: the capped count (with whether rows lie on
        the other side of the cursor) and the page itself."""
        return page_for(self.uow, scope, query)
