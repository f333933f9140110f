"""In memory: the JSON API's personal access tokens."""

from __future__ import annotations

from datetime import date, datetime

from attrs import evolve

from clico_core.api_tokens import ApiToken
from clico_core.errors import ConcurrencyConflict
from clico_core.ports import TokenHolder

from .contracts import MemoryContracts
from .store import MemoryStore, UndoLog, fresh


class MemoryApiTokens:
    def __init__(self, store: MemoryStore, undo: UndoLog) -> None:
        self.store = store
        self.undo = undo

    def add(self, token: ApiToken) -> None:
        if token.id in self.store.api_tokens or self.get_by_hash(token.token_hash):
            raise ConcurrencyConflict("api token exists")
        self.undo.put(self.store.api_tokens, token.id, token)

    def get(self, token_id: str) -> ApiToken | None:
        return fresh(self.store.api_tokens.get(token_id))

    def get_by_hash(self, token_hash: str) -> ApiToken | None:
        found = [t for t in self.store.api_tokens.values() if t.token_hash == token_hash]
        return fresh(found[0]) if found else None

    def get_with_holder(self, token_hash: str, on: date) -> TokenHolder | None:
        token = self.get_by_hash(token_hash)
        account = self.store.accounts.get(token.account_id) if token else None
        if token is None or account is None:
            return None
        contracts = MemoryContracts(self.store, self.undo).active_for_account(account.id, on)
        return TokenHolder(token, fresh(account), tuple(contracts))

    def list_for(self, account_id: str) -> list[ApiToken]:
        rows = [t for t in self.store.api_tokens.values() if t.account_id == account_id]
        return fresh(sorted(rows, key=lambda t: (t.created_at, t.id), reverse=True))

    def revoke(self, token_id: str, at: datetime) -> bool:
        token = self.store.api_tokens.get(token_id)
        if token is None or token.revoked_at is not None:
            return False
        self.undo.put(self.store.api_tokens, token_id, evolve(token, revoked_at=at))
        return True

    def touch(self, token_id: str, at: datetime, client: str) -> None:
        token = self.store.api_tokens.get(token_id)
        if token is not None:
            self.undo.put(self.store.api_tokens, token_id,
                          evolve(token, last_used_at=at, last_used_from=client))
