"""Security events worth an auditor's time, and the history of every ticket.

Never holds a password, code, token or key, nor the text of an article."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import frozen

from .values import AccountId, ContractId, TicketId


class AuditKind(enum.StrEnum):
    REGISTERED = "registered"
    EMAIL_CONFIRMED = "email_confirmed"
    SIGN_IN_PASSWORD_OK = "sign_in_password_ok"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_CODE_SENT = "sign_in_code_sent"
    SIGN_IN_CODE_FAILED = "sign_in_code_failed"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    LOCKED_OUT = "locked_out"
    RATE_LIMITED = "rate_limited"
    RESET_REQUESTED = "reset_requested"
    PASSWORD_CHANGED = "password_changed"
    CONTRACT_ACTIVATED = "contract_activated"
    CONTRACT_KEY_FAILED = "contract_key_failed"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_IMPORTED = "account_imported"
    TOTP_ENABLED = "totp_enabled"
    TOTP_DISABLED = "totp_disabled"
    SUPPORT_LEVEL_SAVED = "support_level_saved"  # detail: the level's name
    RECOVERY_CODES_GENERATED = "recovery_codes_generated"
    RECOVERY_CODE_USED = "recovery_code_used"
    STAFF_INVITED = "staff_invited"  # account_id: the invitee; detail: the inviting admin
    ACCOUNT_ENABLED = "account_enabled"  # detail: the admin who did it, when one did
    API_TOKEN_CREATED = "api_token_created"  # detail: "<token id> <scope>", never the secret
    API_TOKEN_REVOKED = "api_token_revoked"  # detail: the token's id
    # a ticket's history (its ``ticket_id`` is set; staff see it on the ticket page)
    TICKET_OPENED = "ticket_opened"
    ARTICLE_POSTED = "article_posted"  # detail: the article's kind and id, never its text
    TICKET_STATUS_CHANGED = "ticket_status_changed"  # detail: "<old> -> <new>"
    TICKET_PRIORITY_CHANGED = "ticket_priority_changed"
    TICKET_ASSIGNED = "ticket_assigned"  # detail: the new assignee's id, or empty
    TICKET_CLOSE_REMINDED = "ticket_close_reminded"
    # a contract's history (its ``contract_id`` is set; admins see it on the contract page)
    CONTRACT_CREATED = "contract_created"
    CONTRACT_ASSET_ADDED = "contract_asset_added"  # detail: the asset's serial
    CONTRACT_ASSET_REMOVED = "contract_asset_removed"  # detail: the asset's serial
    CONTRACT_TERMS_CHANGED = "contract_terms_changed"  # detail: "<level> <from>..<until>"
    CONTRACT_KEY_REGENERATED = "contract_key_regenerated"  # never the key
    CONTRACT_REVOKED = "contract_revoked"
    CONTRACT_IMPORTED = "contract_imported"
    TICKET_SLA = "ticket_sla"  # detail: "<event> [<clock>]", e.g. "breach first_response"
    WEBHOOK_REGISTERED = "webhook_registered"  # detail: "<endpoint id> <url>", never the secret
    WEBHOOK_REDELIVERED = "webhook_redelivered"  # detail: the delivery id
    # detail: "<endpoint id> enabled|disabled <events, comma-separated>"
    WEBHOOK_CHANGED = "webhook_changed"
    WEBHOOK_DELETED = "webhook_deleted"  # detail: "<endpoint id> <url> <n> deliveries"


@frozen
class AuditEvent:
    kind: AuditKind
    at: datetime
    account_id: AccountId | None = None
    client: str = ""
    detail: str = ""  # a non-secret note (e.g. a contract number, a reason code)
    ticket_id: TicketId | None = None  # the ticket whose history this is part of
    # the ticket's ``version`` after the change (what a stale form was rendered before)
    ticket_version: int | None = None
    contract_id: ContractId | None = None  # the contract whose history this is part of


@frozen
class LoggedEvent:
    """An event with its place in the log: ``seq`` grows in recording order, so it is the
    keyset position of a paged history."""

    seq: int
    event: AuditEvent
