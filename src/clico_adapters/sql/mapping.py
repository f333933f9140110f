"""Explicit mapping between table rows and the core's attrs entities (no ORM)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import RowMapping

from clico_core.accounts import Account, AccountState
from clico_core.articles import Article, ArticleKind, AuthorRole
from clico_core.assets import Asset
from clico_core.audit import AuditEvent, AuditKind
from clico_core.companies import Company
from clico_core.contracts import Activation, Contract
from clico_core.mail import DeliveryState, MailTemplate, OutboxMessage, OutgoingMail
from clico_core.ports import SecretBox
from clico_core.sessions import SecondFactor, Session, SessionLevel
from clico_core.tickets import (
    Priority,
    RelationType,
    Ticket,
    TicketKind,
    TicketStatus,
    due_order,
)
from clico_core.tokens import Token, TokenPurpose
from clico_core.values import Language, Role, email_key, login_key

from .sealing import OUTBOX_CONTEXT, TOTP_SECRET, join_context, seal, split_context, unseal
from .sla_codec import sla_from_json, sla_to_json

# a result's RowMapping (keyed by names and columns), or a dict cut out of a joined row
Row = RowMapping | Mapping[str, Any]


def company_values(company: Company) -> dict[str, Any]:
    return {"id": company.id, "name": company.name, "key": company.key}


def company_from(row: Row) -> Company:
    return Company(row["id"], row["name"], row["key"])


def account_values(account: Account, box: SecretBox) -> dict[str, Any]:
    return {
        "id": account.id, "login": account.login, "login_key": login_key(account.login),
        "email": account.email, "email_key": email_key(account.email),
        "first_name": account.first_name, "last_name": account.last_name,
        "phone": account.phone, "company_id": account.company_id,
        "password_hash": account.password_hash, "created_at": account.created_at,
        "language": account.language.value, "role": account.role.value,
        "state": account.state.value, "two_factor": account.two_factor,
        "password_changed_at": account.password_changed_at,
        "last_sign_in_at": account.last_sign_in_at, "failed_sign_ins": account.failed_sign_ins,
        "security_stamp": account.security_stamp, "organisation": account.organisation,
        "totp_secret": seal(box, account.totp_secret, TOTP_SECRET, account.id),
        "totp_last_step": account.totp_last_step,
        "notify_company_tickets": account.notify_company_tickets,
    }


def account_from(row: Row, box: SecretBox) -> Account:
    return Account(
        id=row["id"], login=row["login"], email=row["email"], first_name=row["first_name"],
        last_name=row["last_name"], phone=row["phone"], company_id=row["company_id"],
        password_hash=row["password_hash"], created_at=row["created_at"],
        language=Language(row["language"]), role=Role(row["role"]),
        state=AccountState(row["state"]), two_factor=bool(row["two_factor"]),
        password_changed_at=row["password_changed_at"], last_sign_in_at=row["last_sign_in_at"],
        failed_sign_ins=row["failed_sign_ins"], security_stamp=row["security_stamp"],
        organisation=row["organisation"],
        totp_secret=unseal(box, row["totp_secret"], TOTP_SECRET, row["id"]),
        totp_last_step=row["totp_last_step"],
        notify_company_tickets=bool(row["notify_company_tickets"]),
    )


def asset_values(asset: Asset) -> dict[str, Any]:
    return {"id": asset.id, "name": asset.name, "vendor": asset.vendor, "serial": asset.serial,
            "company_id": asset.company_id, "category": asset.category}


def asset_from(row: Row) -> Asset:
    return Asset(row["id"], row["name"], row["vendor"], row["serial"], row["company_id"],
                 row["category"])


def contract_values(contract: Contract) -> dict[str, Any]:
    return {"id": contract.id, "number": contract.number, "key_hash": contract.key_hash,
            "company_id": contract.company_id, "support_level": contract.support_level,
            "valid_from": contract.valid_from, "valid_until": contract.valid_until,
            "revoked_at": contract.revoked_at}


def contract_from(row: Row, asset_ids: list[str]) -> Contract:
    return Contract(row["id"], row["number"], row["key_hash"], row["company_id"],
                    row["support_level"], row["valid_from"], row["valid_until"], asset_ids,
                    row["revoked_at"])


def activation_values(activation: Activation) -> dict[str, Any]:
    return {"contract_id": activation.contract_id, "account_id": activation.account_id,
            "activated_at": activation.activated_at}


def activation_from(row: Row) -> Activation:
    return Activation(row["contract_id"], row["account_id"], row["activated_at"])


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id, "number": ticket.number, "kind": ticket.kind.value,
        "subject": ticket.subject, "subject_folded": ticket.subject.casefold(),
        "description": ticket.description, "priority": ticket.priority.value,
        "relation_type": ticket.relation_type.value, "company_id": ticket.company_id,
        "reporter_id": ticket.reporter_id, "created_at": ticket.created_at,
        "modified_at": ticket.modified_at, "status": ticket.status.value,
        "contract_id": ticket.contract_id, "questionnaire_id": ticket.questionnaire_id,
        "idempotency_key": ticket.idempotency_key, **ticket_state_values(ticket),
        "follows_id": ticket.follows_id,
    }


def ticket_state_values(ticket: Ticket) -> dict[str, Any]:
    """The columns ``TicketRepository.update_state`` writes (as the memory STATE_FIELDS)."""
    return {
        "status": ticket.status.value, "modified_at": ticket.modified_at,
        "priority": ticket.priority.value, "assignee_id": ticket.assignee_id,
        "resolved_at": ticket.resolved_at, "closed_at": ticket.closed_at,
        "close_reminded_at": ticket.close_reminded_at, "version": ticket.version,
        "sla_state": sla_to_json(ticket.sla), "first_response_due": ticket.first_response_due,
        "resolution_due": ticket.resolution_due, "sla_due": ticket.sla_due,
        "sla_order": due_order(ticket.sla_due, ticket.created_at),
        "sla_warning_at": ticket.sla_warning_at,
        "sla_paused": ticket.sla_paused, "sla_alert_at": ticket.sla_alert_at,
    }


def ticket_from(row: Row, asset_ids: list[str], answers: dict[str, str]) -> Ticket:
    return Ticket(
        id=row["id"], number=row["number"], kind=TicketKind(row["kind"]),
        subject=row["subject"], description=row["description"],
        priority=Priority(row["priority"]), relation_type=RelationType(row["relation_type"]),
        company_id=row["company_id"], reporter_id=row["reporter_id"],
        created_at=row["created_at"], modified_at=row["modified_at"],
        status=TicketStatus(row["status"]), asset_ids=asset_ids,
        contract_id=row["contract_id"], questionnaire_id=row["questionnaire_id"],
        answers=answers, idempotency_key=row["idempotency_key"],
        assignee_id=row["assignee_id"], resolved_at=row["resolved_at"],
        closed_at=row["closed_at"], close_reminded_at=row["close_reminded_at"],
        follows_id=row["follows_id"], version=row["version"],
        sla=sla_from_json(row["sla_state"]), first_response_due=row["first_response_due"],
        resolution_due=row["resolution_due"], sla_paused=bool(row["sla_paused"]),
        sla_alert_at=row["sla_alert_at"], sla_warning_at=row["sla_warning_at"],
    )


def article_values(article: Article) -> dict[str, Any]:
    return {
        "id": article.id, "ticket_id": article.ticket_id, "kind": article.kind.value,
        "author_id": article.author_id, "author_role": article.author_role.value,
        "author_name": article.author_name, "created_at": article.created_at,
        "body": article.body, "attachment_ids": list(article.attachment_ids),
        "idempotency_key": article.idempotency_key,
    }


def article_from(row: Row) -> Article:
    return Article(
        id=row["id"], ticket_id=row["ticket_id"], kind=ArticleKind(row["kind"]),
        author_id=row["author_id"], author_role=AuthorRole(row["author_role"]),
        author_name=row["author_name"], created_at=row["created_at"], body=row["body"],
        attachment_ids=tuple(row["attachment_ids"]), idempotency_key=row["idempotency_key"],
    )


def token_values(token: Token) -> dict[str, Any]:
    return {"token_hash": token.token_hash, "purpose": token.purpose.value,
            "account_id": token.account_id, "security_stamp": token.security_stamp,
            "created_at": token.created_at, "expires_at": token.expires_at,
            "used_at": token.used_at}


def token_from(row: Row) -> Token:
    return Token(row["token_hash"], TokenPurpose(row["purpose"]), row["account_id"],
                 row["security_stamp"], row["created_at"], row["expires_at"], row["used_at"])


def session_values(session: Session) -> dict[str, Any]:
    return {
        "session_hash": session.session_hash, "account_id": session.account_id,
        "level": session.level.value, "created_at": session.created_at,
        "last_seen_at": session.last_seen_at, "client": session.client,
        "revoked_at": session.revoked_at, "code_hash": session.code_hash,
        "code_expires_at": session.code_expires_at, "code_sent_at": session.code_sent_at,
        "codes_sent": session.codes_sent, "code_failures": session.code_failures,
        "second_factor": session.second_factor.value,
    }


def session_from(row: Row) -> Session:
    return Session(
        session_hash=row["session_hash"], account_id=row["account_id"],
        level=SessionLevel(row["level"]), created_at=row["created_at"],
        last_seen_at=row["last_seen_at"], client=row["client"], revoked_at=row["revoked_at"],
        code_hash=row["code_hash"], code_expires_at=row["code_expires_at"],
        code_sent_at=row["code_sent_at"], codes_sent=row["codes_sent"],
        code_failures=row["code_failures"], second_factor=SecondFactor(row["second_factor"]),
    )


def audit_values(event: AuditEvent) -> dict[str, Any]:
    return {"kind": event.kind.value, "at": event.at, "account_id": event.account_id,
            "client": event.client, "detail": event.detail, "ticket_id": event.ticket_id,
            "ticket_version": event.ticket_version, "contract_id": event.contract_id}


def audit_from(row: Row) -> AuditEvent:
    return AuditEvent(AuditKind(row["kind"]), row["at"], row["account_id"], row["client"],
                      row["detail"], row["ticket_id"], row["ticket_version"], row["contract_id"])


def outbox_values(message: OutboxMessage, box: SecretBox) -> dict[str, Any]:
    mail = message.mail
    context, secret = split_context(mail.context)
    return {
        "id": message.id, "created_at": message.created_at, "template": mail.template.value,
        "recipient": mail.to, "language": mail.language.value, "context": context,
        "sealed_context": seal(box, secret, OUTBOX_CONTEXT, message.id),
        "state": message.state.value, "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at, "last_error": message.last_error,
        "sent_at": message.sent_at, "request_id": message.request_id or None,
    }


def outbox_from(row: Row, box: SecretBox) -> OutboxMessage:
    secret = unseal(box, row["sealed_context"], OUTBOX_CONTEXT, row["id"])
    mail = OutgoingMail(MailTemplate(row["template"]), row["recipient"],
                        Language(row["language"]), join_context(row["context"], secret))
    return OutboxMessage(row["id"], mail, row["created_at"], DeliveryState(row["state"]),
                         row["attempts"], row["next_attempt_at"], row["last_error"],
                         row["sent_at"], row["request_id"] or "")
