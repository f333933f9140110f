"""The schema as SQLAlchemy Core tables. Alembic migrations create exactly this.

IDs are strings made by the core. Keys used for case-insensitive uniqueness (``login_key``,
``email_key``, ``companies.key``) and the folded subject for searching are computed in Python,
so both engines agree with the in-memory adapter character for character.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)

from .types import SortableText, UtcDateTime

# ``sla_order``'s server default, only for migration 0017's ADD COLUMN (which then writes
# every row's ``due_order``; the adapter always writes it): text SQLite stores as
# ``UtcDateTime`` does and PostgreSQL reads as a ``timestamptz``
SLA_ORDER_DEFAULT = "9999-01-01T00:00:00.000000+00:00"

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
})

ID = 64
Serial = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class _ColumnOptions(TypedDict, total=False):
    """The options of ``Column`` that the id columns use."""

    primary_key: bool
    nullable: bool
    index: bool


def _id(name: str = "id", *refs: str, **kwargs: Unpack[_ColumnOptions]) -> Column[str]:
    # ids break ties in every ORDER BY: code-point order, as the in-memory adapter sorts
    return Column(name, SortableText(ID), *(ForeignKey(r) for r in refs), **kwargs)


companies = Table(
    "companies", metadata,
    _id(primary_key=True),
    Column("name", SortableText(200), nullable=False),
    Column("key", SortableText(200), nullable=False),
    UniqueConstraint("key"),
)

accounts = Table(
    "accounts", metadata,
    _id(primary_key=True),
    Column("login", String(64), nullable=False),
    Column("login_key", String(64), nullable=False),
    Column("email", String(254), nullable=False),
    Column("email_key", String(254), nullable=False),
    Column("first_name", SortableText(100), nullable=False),
    Column("last_name", SortableText(100), nullable=False),
    Column("phone", String(32), nullable=False),
    _id("company_id", "companies.id", nullable=False, index=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("language", String(8), nullable=False),
    Column("role", String(16), nullable=False),
    Column("state", String(32), nullable=False),
    Column("two_factor", Boolean, nullable=False),
    Column("password_changed_at", UtcDateTime),
    Column("last_sign_in_at", UtcDateTime),
    Column("failed_sign_ins", Integer, nullable=False),
    Column("security_stamp", Integer, nullable=False),
    Column("organisation", Text, nullable=False),
    # sealed (docs/security.md): clico_adapters.sql.sealing, never the plain base32 secret
    Column("totp_secret", Text),
    Column("totp_last_step", BigInteger),
    Column("notify_company_tickets", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("login_key"),
    UniqueConstraint("email_key"),
)

assets = Table(
    "assets", metadata,
    _id(primary_key=True),
    Column("name", SortableText(120), nullable=False),
    Column("vendor", String(120), nullable=False),
    Column("serial", String(120), nullable=False),
    _id("company_id", "companies.id", nullable=False, index=True),
    Column("category", SortableText(120), nullable=False),
    Index(None, "serial"),  # the company search finds an asset's serial (0015)
)

contracts = Table(
    "contracts", metadata,
    _id(primary_key=True),
    Column("number", SortableText(64), nullable=False),
    Column("key_hash", String(128), nullable=False),
    _id("company_id", "companies.id", nullable=False, index=True),
    Column("support_level", String(64), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("revoked_at", UtcDateTime),  # migration 0015
    UniqueConstraint("number"),
)

contract_assets = Table(
    "contract_assets", metadata,
    _id("contract_id", "contracts.id", nullable=False),
    Column("position", Integer, nullable=False),
    _id("asset_id", "assets.id", nullable=False, index=True),
    PrimaryKeyConstraint("contract_id", "position"),
)

activations = Table(
    "activations", metadata,
    _id("contract_id", "contracts.id", nullable=False),
    _id("account_id", "accounts.id", nullable=False, index=True),
    Column("activated_at", UtcDateTime, nullable=False),
    # the race-proof "once per account" invariant
    PrimaryKeyConstraint("contract_id", "account_id"),
)

tickets = Table(
    "tickets", metadata,
    _id(primary_key=True),
    Column("number", SortableText(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("subject", SortableText(200), nullable=False),
    Column("subject_folded", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("priority", String(16), nullable=False),
    Column("relation_type", String(32), nullable=False),
    _id("company_id", "companies.id", nullable=False),
    _id("reporter_id", "accounts.id", nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("modified_at", UtcDateTime, nullable=False),
    Column("status", SortableText(32), nullable=False),
    _id("contract_id", "contracts.id"),
    Column("questionnaire_id", String(64)),
    Column("idempotency_key", String(64)),
    # the conversation (migration 0009): plain ids without foreign keys, as SQLite cannot
    # add a column with a constraint in place
    Column("assignee_id", SortableText(ID)),
    Column("resolved_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("close_reminded_at", UtcDateTime),
    Column("follows_id", SortableText(ID)),
    Column("version", Integer, nullable=False, server_default="0"),
    # the SLA (migration 0016): the clocks as JSON, what they make due, and when the worker
    # looks again; the queue sorts by ``sla_due`` (the nearest due time)
    Column("sla_state", JSON(none_as_null=True)),  # no clocks: SQL NULL, not JSON null
    Column("first_response_due", UtcDateTime),
    Column("resolution_due", UtcDateTime),
    Column("sla_due", UtcDateTime),
    Column("sla_paused", Boolean, nullable=False, server_default=false()),
    Column("sla_alert_at", UtcDateTime),
    # the queue's due order (migration 0017): ``tickets.due_order``, ``sla_due`` or, when no
    # clock runs, the creation shifted past every due time; never NULL so that keyset pages
    # compare plain values on both engines. And the nearest 75 % instant of the running
    # clocks, for the queue's warning mark
    Column("sla_order", UtcDateTime, nullable=False,
           server_default=text(f"'{SLA_ORDER_DEFAULT}'")),
    Column("sla_warning_at", UtcDateTime),
    Index("ix_tickets_sla_alert_at", "sla_alert_at", "id"),
    UniqueConstraint("number"),
    # NULL keys never clash on either engine, so tickets without a key are unconstrained
    UniqueConstraint("reporter_id", "idempotency_key"),
)

# The conversation (migration 0009): a thread is read oldest first by (created_at, id).
articles = Table(
    "articles", metadata,
    _id(primary_key=True),
    _id("ticket_id", "tickets.id", nullable=False),
    Column("kind", String(16), nullable=False),
    _id("author_id", "accounts.id", nullable=False),
    Column("author_role", String(16), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_ids", JSON, nullable=False),
    Column("idempotency_key", String(64)),
    UniqueConstraint("author_id", "idempotency_key"),
    Index("ix_articles_ticket_created", "ticket_id", "created_at", "id"),
)

ticket_assets = Table(
    "ticket_assets", metadata,
    _id("ticket_id", "tickets.id", nullable=False),
    Column("position", Integer, nullable=False),
    _id("asset_id", "assets.id", nullable=False),
    PrimaryKeyConstraint("ticket_id", "position"),
)

ticket_answers = Table(
    "ticket_answers", metadata,
    _id("ticket_id", "tickets.id", nullable=False),
    Column("position", Integer, nullable=False),
    Column("question", String(128), nullable=False),
    Column("answer", Text, nullable=False),
    PrimaryKeyConstraint("ticket_id", "position"),
)

# SQLite has no sequences: one counter row, incremented under the write lock that
# BEGIN IMMEDIATE takes. PostgreSQL uses TICKET_NUMBER_SEQUENCE instead.
ticket_counter = Table(
    "ticket_counter", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
TICKET_NUMBER_SEQUENCE = "ticket_number_seq"

tokens = Table(
    "tokens", metadata,
    Column("token_hash", String(128), primary_key=True),
    Column("purpose", String(32), nullable=False),
    _id("account_id", "accounts.id", nullable=False, index=True),
    Column("security_stamp", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Index(None, "expires_at"),  # pruning
)

# Personal access tokens of the JSON API (migration 0019): only the secret's hash is kept.
api_tokens = Table(
    "api_tokens", metadata,
    _id(primary_key=True),
    _id("account_id", "accounts.id", nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("scope", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("last_used_at", UtcDateTime),
    Column("last_used_from", String(128), nullable=False),
)

# Recovery codes of an account's second sign-in step, hashed; a used one is deleted
# (migration 0012).
recovery_codes = Table(
    "recovery_codes", metadata,
    _id("account_id", "accounts.id", nullable=False),
    Column("code_hash", String(128), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("account_id", "code_hash"),
)

sessions = Table(
    "sessions", metadata,
    Column("session_hash", String(128), primary_key=True),
    _id("account_id", "accounts.id", nullable=False, index=True),
    Column("level", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Column("client", String(128), nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("code_hash", String(128)),
    Column("code_expires_at", UtcDateTime),
    Column("code_sent_at", UtcDateTime),
    Column("codes_sent", Integer, nullable=False),
    Column("code_failures", Integer, nullable=False),
    Column("second_factor", String(16), nullable=False, server_default="email"),
)

attempts = Table(
    "attempts", metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "key", "at"),
    Index(None, "at"),  # pruning
)

# A key held until a moment: an action allowed once per window (migration 0005). The primary
# key lets one conditional upsert decide concurrent claims.
attempt_claims = Table(
    "attempt_claims", metadata,
    Column("key", String(400), primary_key=True),
    Column("until", UtcDateTime, nullable=False),
    Index(None, "until"),  # pruning (migration 0021)
)

# A scheduled job (auto-close, retention, SLA alerts, the blob sweep) held by the process
# running it until a moment (migration 0021): the job runs once per interval, not once per
# process (sql/job_claims.py).
job_claims = Table(
    "job_claims", metadata,
    Column("name", String(64), primary_key=True),
    Column("until", UtcDateTime, nullable=False),
)

# SLA (migration 0016): the support levels administrators edit, as ``LevelSpec`` JSON
support_levels = Table(
    "support_levels", metadata,
    Column("name", String(64), primary_key=True),
    Column("spec", JSON, nullable=False),
)

audit_log = Table(
    "audit_log", metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("account_id", SortableText(ID)),  # no foreign key: the log outlives what it mentions
    Column("client", String(128), nullable=False),
    Column("detail", Text, nullable=False),
    Column("ticket_id", SortableText(ID)),  # a ticket's history (migration 0009)
    Column("ticket_version", Integer),  # the ticket's version after the change (0014)
    Column("contract_id", SortableText(ID)),  # a contract's history (migration 0015)
    Index(None, "account_id", "seq"),
    Index(None, "ticket_id", "seq"),
    Index(None, "contract_id", "seq"),
    Index(None, "at"),  # pruning
)

outbox = Table(
    "outbox", metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("id", SortableText(ID), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("template", String(64), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("language", String(8), nullable=False),
    # the context without its secret-bearing values (mail.SECRET_CONTEXT_KEYS hold REDACTED)
    Column("context", JSON, nullable=False),
    # those values, sealed, until the mail is sent (docs/security.md); NULL afterwards
    Column("sealed_context", Text),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", Text, nullable=False),
    Column("sent_at", UtcDateTime),
    # the web request that queued it (migration 0022): the mail's X-Clico-Request-Id
    Column("request_id", String(64)),
    UniqueConstraint("id"),
    Index(None, "state", "next_attempt_at"),
    Index(None, "sent_at"),  # pruning
)

# Each mail worker's last sign of life (migration 0022), for /readyz: one row per worker
# process, written at most every HEARTBEAT_EVERY; rows a day old are dropped as it writes.
worker_heartbeats = Table(
    "worker_heartbeats", metadata,
    Column("worker", String(200), primary_key=True),
    Column("beat_at", UtcDateTime, nullable=False),
)

# Uploaded files (migration 0008): the bytes live in the blob store under ``digest``;
# ``owner_id`` is the article (of a ticket, or of ``Baza Wiedzy``), NULL until the
# article's transaction links the upload.
attachments = Table(
    "attachments", metadata,
    _id(primary_key=True),
    Column("digest", String(64), nullable=False, index=True),
    Column("file_name", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _id("uploaded_by", "accounts.id", nullable=False),
    _id("owner_id", index=True),
    # the sweep's question: unlinked uploads by age
    Index("ix_attachments_unlinked_created", "created_at",
          sqlite_where=text("owner_id IS NULL"), postgresql_where=text("owner_id IS NULL")),
)

# Who has a ticket open (migration 0014): one row per ticket and account, upserted.
ticket_presence = Table(
    "ticket_presence", metadata,
    _id("ticket_id", "tickets.id", nullable=False),
    _id("account_id", "accounts.id", nullable=False),
    Column("last_seen", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("ticket_id", "account_id"),
    Index(None, "last_seen"),  # pruning
)

# ``Szablony odpowiedzi`` (migration 0014)
reply_templates = Table(
    "reply_templates", metadata,
    _id(primary_key=True),
    Column("title", SortableText(200), nullable=False),
    Column("body", Text, nullable=False),
    _id("author_id", "accounts.id", nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# the ticket indexes, webhooks and ``Baza Wiedzy`` live in modules of their own; imported
# here so the one ``metadata`` holds every table and index
from . import tables_kb, ticket_indexes, webhook_tables  # noqa: E402, F401
