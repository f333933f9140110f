"""The ``Services`` methods of the JSON API's personal access tokens (a mixin, so that the
facade stays one file per concern; ``tests/unit/test_facade.py`` checks them like the rest)."""

from __future__ import annotations

from ..attachments import Attachment
from ..tickets import TicketPage, TicketQuery
from . import api_tokens, attachments, contract_listing, ticket_list
from .context import Ports, Viewer


class ApiTokenServices:
    """Mixed into ``Services``: personal access tokens (``Tokeny API``)."""

    ports: Ports

    def create_api_token(self, viewer: Viewer, cmd: api_tokens.CreateApiToken,
                         client: str = "") -> api_tokens.IssuedApiToken:
        return api_tokens.create_api_token(viewer, cmd, self.ports, client)

    def list_api_tokens(self, viewer: Viewer) -> list[api_tokens.ListedApiToken]:
        return api_tokens.list_api_tokens(viewer, self.ports)

    def revoke_api_token(self, viewer: Viewer, token_id: str, client: str = "") -> None:
        api_tokens.revoke_api_token(viewer, token_id, self.ports, client)

    def issue_api_token(self, login: str, cmd: api_tokens.CreateApiToken
                        ) -> api_tokens.IssuedApiToken:
        return api_tokens.issue_api_token(login, cmd, self.ports)

    def api_tokens_of(self, login: str) -> list[api_tokens.ListedApiToken]:
        return api_tokens.api_tokens_of(login, self.ports)

    def revoke_api_token_of(self, login: str, token_id: str) -> None:
        api_tokens.revoke_api_token_of(login, token_id, self.ports)

    def authenticate_api_token(self, secret: str, client: str = "") -> Viewer | None:
        return api_tokens.authenticate_api_token(secret, self.ports, client)

    def list_tickets_for_token(self, secret: str, query: TicketQuery, client: str = ""
                               ) -> TicketPage | None:
        return ticket_list.list_tickets_for_token(secret, query, self.ports, client)

    def api_contracts(self, viewer: Viewer, company_id: str | None = None, page: int = 1,
                      page_size: int = 25) -> contract_listing.ListedContractPage:
        return contract_listing.api_contracts(viewer, self.ports, company_id, page, page_size)

    def attachment_by_key(self, viewer: Viewer, idempotency_key: str) -> Attachment | None:
        return attachments.attachment_by_key(viewer, idempotency_key, self.ports)
