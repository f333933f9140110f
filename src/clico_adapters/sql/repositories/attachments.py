"""Attachments: rows that name a blob, linked to an article by a conditional update."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from clico_core.attachments import Attachment
from clico_core.errors import ConcurrencyConflict

from ..mapping import Row
from ..tables import attachments
from .base import SqlRepository

# SQLite allows 32766 bound parameters, PostgreSQL 65535: lists are sent in slices.
_SLICE = 500


def attachment_values(attachment: Attachment) -> dict[str, Any]:
    return {"id": attachment.id, "digest": attachment.digest,
            "file_name": attachment.file_name, "size": attachment.size,
            "media_type": attachment.media_type, "created_at": attachment.created_at,
            "uploaded_by": attachment.uploaded_by, "owner_id": attachment.owner_id}


def attachment_from(row: Row) -> Attachment:
    return Attachment(row["id"], row["digest"], row["file_name"], int(row["size"]),
                      row["media_type"], row["created_at"], row["uploaded_by"],
                      row["owner_id"])


def _slices(items: Sequence[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(items))
    return [unique[i:i + _SLICE] for i in range(0, len(unique), _SLICE)]


class SqlAttachments(SqlRepository):
    def add(self, attachment: Attachment) -> None:
        self.uow.insert_guarded(attachments, attachment_values(attachment),
                                lambda _: ConcurrencyConflict("attachment exists"))

    def get(self, attachment_id: str) -> Attachment | None:
        row = self.uow.execute(select(attachments).where(attachments.c.id == attachment_id)
                               ).mappings().first()
        return attachment_from(row) if row else None

    def list_for(self, owner_ids: Sequence[str]) -> list[Attachment]:
        found: list[Attachment] = []
        for owners in _slices(owner_ids):
            rows = self.uow.execute(select(attachments).where(
                attachments.c.owner_id.in_(owners))).mappings()
            found += (attachment_from(r) for r in rows)
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def link(self, attachment_ids: Sequence[str], owner_id: str, uploaded_by: str) -> int:
        linked = 0
        for ids in _slices(attachment_ids):
            result = self.uow.execute(update(attachments).where(
                attachments.c.id.in_(ids), attachments.c.owner_id.is_(None),
                attachments.c.uploaded_by == uploaded_by).values(owner_id=owner_id))
            linked += result.rowcount
        return linked

    def unlinked_before(self, before: datetime, limit: int) -> list[Attachment]:
        rows = self.uow.execute(select(attachments).where(
            attachments.c.owner_id.is_(None), attachments.c.created_at < before
        ).order_by(attachments.c.created_at, attachments.c.id).limit(limit)).mappings()
        return [attachment_from(r) for r in rows]

    def delete_unlinked(self, attachment_ids: Sequence[str],
                        uploaded_by: str | None = None) -> int:
        deleted = 0
        for ids in _slices(attachment_ids):
            statement = delete(attachments).where(attachments.c.id.in_(ids),
                                                  attachments.c.owner_id.is_(None))
            if uploaded_by is not None:
                statement = statement.where(attachments.c.uploaded_by == uploaded_by)
            deleted += self.uow.execute(statement).rowcount
        return deleted

    def delete_owned(self, attachment_id: str, owner_id: str) -> bool:
        return bool(self.uow.execute(delete(attachments).where(
            attachments.c.id == attachment_id, attachments.c.owner_id == owner_id)).rowcount)

    def referenced(self, digests: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for wanted in _slices(digests):
            found |= set(self.uow.execute(select(attachments.c.digest).distinct().where(
                attachments.c.digest.in_(wanted))).scalars())
        return found
