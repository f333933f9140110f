"""The JSON API's personal access tokens (table ``api_tokens``, migration 0019)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update

from clico_core.api_tokens import ApiScope, ApiToken
from clico_core.ports import TokenHolder

from ..mapping import Row
from ..tables import api_tokens
from .base import SqlRepository
from .session_holder import token_holder


def _values(token: ApiToken) -> dict[str, Any]:
    return {"id": token.id, "account_id": token.account_id, "name": token.name,
            "token_hash": token.token_hash, "scope": token.scope.value,
            "created_at": token.created_at, "expires_at": token.expires_at,
            "revoked_at": token.revoked_at, "last_used_at": token.last_used_at,
            "last_used_from": token.last_used_from}


def _from(row: Row) -> ApiToken:
    return ApiToken(row["id"], row["account_id"], row["name"], row["token_hash"],
                    ApiScope(row["scope"]), row["created_at"], row["expires_at"],
                    row["revoked_at"], row["last_used_at"], row["last_used_from"])


class SqlApiTokens(SqlRepository):
    def add(self, token: ApiToken) -> None:
        self.uow.execute(insert(api_tokens).values(_values(token)))

    def _one(self, *conditions: Any) -> ApiToken | None:
        row = self.uow.execute(select(api_tokens).where(*conditions)).mappings().first()
        return None if row is None else _from(row)

    def get(self, token_id: str) -> ApiToken | None:
        return self._one(api_tokens.c.id == token_id)

    def get_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._one(api_tokens.c.token_hash == token_hash)

    def get_with_holder(self, token_hash: str, on: date) -> TokenHolder | None:
        return token_holder(self.uow, token_hash, on, _from)

    def list_for(self, account_id: str) -> list[ApiToken]:
        c = api_tokens.c
        query = (select(api_tokens).where(c.account_id == account_id)
                 .order_by(c.created_at.desc(), c.id.desc()))
        return [_from(row) for row in self.uow.execute(query).mappings()]

    def revoke(self, token_id: str, at: datetime) -> bool:
        c = api_tokens.c
        statement = (update(api_tokens).where(c.id == token_id, c.revoked_at.is_(None))
                     .values(revoked_at=at))
        return int(self.uow.execute(statement).rowcount) == 1

    def touch(self, token_id: str, at: datetime, client: str) -> None:
        statement = (update(api_tokens).where(api_tokens.c.id == token_id)
                     .values(last_used_at=at, last_used_from=client))
        self.uow.execute(statement)
