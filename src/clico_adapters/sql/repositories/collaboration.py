"""Who has a ticket open (presence, an upsert per ticket and account) and the reply
templates of staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from clico_core.ports import Seen
from clico_core.reply_templates import ReplyTemplate

from ..mapping import Row
from ..tables import reply_templates, ticket_presence
from .base import SqlRepository


class SqlPresence(SqlRepository):
    def touch(self, ticket_id: str, account_id: str, at: datetime) -> None:
        """One upsert; a mark never moves back (two tabs of one engineer, out of order)."""
        dialect = postgresql if self.uow.dialect == "postgresql" else sqlite
        statement = dialect.insert(ticket_presence).values(
            ticket_id=ticket_id, account_id=account_id, last_seen=at)
        statement = statement.on_conflict_do_update(
            index_elements=[ticket_presence.c.ticket_id, ticket_presence.c.account_id],
            set_={"last_seen": statement.excluded.last_seen},
            where=ticket_presence.c.last_seen < statement.excluded.last_seen)
        self.uow.execute(statement)

    def seen_since(self, ticket_id: str, since: datetime) -> list[Seen]:
        c = ticket_presence.c
        query = (select(c.account_id, c.last_seen)
                 .where(c.ticket_id == ticket_id, c.last_seen >= since)
                 .order_by(c.last_seen.desc(), c.account_id))
        return [Seen(row["account_id"], row["last_seen"])
                for row in self.uow.execute(query).mappings()]

    def delete_older_than(self, cutoff: datetime, limit: int) -> int:
        c = ticket_presence.c
        doomed = [tuple(r) for r in self.uow.execute(
            select(c.ticket_id, c.account_id).where(c.last_seen < cutoff).limit(limit))]
        if not doomed:
            return 0
        statement = delete(ticket_presence).where(
            tuple_(c.ticket_id, c.account_id).in_(doomed), c.last_seen < cutoff)
        return int(self.uow.execute(statement).rowcount)


def template_values(template: ReplyTemplate) -> dict[str, Any]:
    return {"id": template.id, "title": template.title, "body": template.body,
            "author_id": template.author_id, "created_at": template.created_at,
            "updated_at": template.updated_at}


def template_from(row: Row) -> ReplyTemplate:
    return ReplyTemplate(row["id"], row["title"], row["body"], row["author_id"],
                         row["created_at"], row["updated_at"])


class SqlReplyTemplates(SqlRepository):
    def add(self, template: ReplyTemplate) -> None:
        self.uow.execute(insert(reply_templates).values(template_values(template)))

    def get(self, template_id: str) -> ReplyTemplate | None:
        query = select(reply_templates).where(reply_templates.c.id == template_id)
        row = self.uow.execute(query).mappings().first()
        return template_from(row) if row else None

    def update(self, template: ReplyTemplate) -> bool:
        statement = update(reply_templates).where(reply_templates.c.id == template.id).values(
            title=template.title, body=template.body, updated_at=template.updated_at)
        return int(self.uow.execute(statement).rowcount) == 1

    def delete(self, template_id: str) -> bool:
        statement = delete(reply_templates).where(reply_templates.c.id == template_id)
        return int(self.uow.execute(statement).rowcount) == 1

    def list_all(self) -> list[ReplyTemplate]:
        query = select(reply_templates).order_by(reply_templates.c.title, reply_templates.c.id)
        return [template_from(row) for row in self.uow.execute(query).mappings()]
