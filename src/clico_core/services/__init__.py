"""Use cases: one function per use case, taking a command and the ports.

``Services`` binds them to one set of ports so callers (the web app, the CLI, embedders)
need not pass the ports around.
"""

from __future__ import annotations

from .accounts_admin import AccountSummary, disable_account, list_accounts
from .assets import (
    CoveredAsset,
    CustomerView,
    covered_asset,
    customer_overview,
    list_covered_assets,
)
from .attachments import (
    ORPHAN_AGE,
    AttachmentDownload,
    SweepReport,
    attachment_for_download,
    discard_uploads,
    link_attachments,
    sweep_orphan_blobs,
    upload_attachment,
    upload_budget,
)
from .auto_close import AutoCloseReport, auto_close_resolved
from .companies import CompanyAsset, CompanyContract, CompanyView, company_view, search_companies
from .context import Limits, Ports, RateLimit, Slowdown, Viewer
from .contract_changes import (
    ContractAdminPage,
    ContractHistoryEntry,
    ContractTerms,
    add_contract_asset,
    change_contract_terms,
    contract_admin_page,
    create_contract,
    regenerate_contract_key,
    remove_contract_asset,
    revoke_contract,
)
from .contract_import import ContractRow, ImportedContract, import_contracts
from .contracts import (
    AssetSpec,
    ContractView,
    IssueContract,
    IssuedContract,
    activate_contract,
    get_contract,
    issue_contract,
    list_contracts,
)
from .contracts_admin import (
    ActivationRecord,
    ContractRecord,
    ContractSummary,
    contract_by_number,
    list_all_contracts,
)
from .demo import DemoAccess, seed_demo
from .enrolment import Enrolled, begin_enrolment, finish_enrolment
from .facade import Services
from .follow_ups import FollowUpDraft, follow_up_draft
from .kb_search import (
    DeflectionRow,
    kb_deflection_report,
    record_kb_event,
    search_kb,
    suggest_kb,
)
from .knowledge_base import (
    KbTextInput,
    SaveKbArticle,
    draft_kb_from_ticket,
    kb_article,
    kb_categories,
    kb_history,
    kb_listing,
    restore_kb_version,
    save_kb_article,
)
from .migration import ImportReport, MigratedAccount, import_migrated_accounts
from .notifications import set_company_notifications
from .passwords import change_password, check_reset_token, request_password_reset, reset_password
from .presence import record_presence
from .queue import QueueChoices, engineers, queue_choices, queue_for_session
from .recovery import recovery_codes_left, regenerate_recovery_codes
from .registration import RegisterAccount, confirm_email, register_account
from .reply_templates import (
    SaveReplyTemplate,
    delete_reply_template,
    filled_reply_template,
    reply_template,
    reply_templates,
    save_reply_template,
)
from .retention import prune
from .signin import (
    SignIn,
    SignInStep,
    authenticate,
    resend_code,
    sign_in,
    sign_out,
    verify_code,
    verify_recovery_code,
)
from .sla import SlaAlertReport, send_sla_alerts
from .sla_levels import EditLevel, list_support_levels, save_support_level
from .sla_report import SlaReport, SlaReportRow, sla_report, staff_sla_report
from .staff import CreateStaff, create_staff_account
from .staff_admin import StaffMember, invite_staff, list_staff, set_staff_disabled
from .ticket_bulk import bulk_assign, bulk_close
from .ticket_conversation import (
    Conversation,
    Posted,
    PostReply,
    ReplyOffer,
    article_attachment_visible,
    conversation,
    post_reply,
)
from .ticket_history import HistoryEntry, ticket_history
from .ticket_list import (
    FilterChoices,
    SignedInPage,
    filter_choices,
    list_tickets,
    list_tickets_for_session,
)
from .ticket_workflow import (
    assign_ticket,
    change_priority,
    change_status,
    close_ticket,
)
from .tickets import (
    OpenTicket,
    open_administrative_ticket,
    open_technical_ticket,
    open_ticket,
    safe_description,
    ticket_detail,
)
from .totp import TotpSetup, begin_totp, disable_totp, enable_totp, reset_two_factor

__all__ = [
    "ORPHAN_AGE",
    "AccountSummary",
    "ActivationRecord",
    "AssetSpec",
    "AttachmentDownload",
    "AutoCloseReport",
    "CompanyAsset",
    "CompanyContract",
    "CompanyView",
    "ContractAdminPage",
    "ContractHistoryEntry",
    "ContractRecord",
    "ContractRow",
    "ContractSummary",
    "ContractTerms",
    "ContractView",
    "Conversation",
    "CoveredAsset",
    "CreateStaff",
    "CustomerView",
    "DeflectionRow",
    "DemoAccess",
    "EditLevel",
    "Enrolled",
    "FilterChoices",
    "FollowUpDraft",
    "HistoryEntry",
    "ImportReport",
    "ImportedContract",
    "IssueContract",
    "IssuedContract",
    "KbTextInput",
    "Limits",
    "MigratedAccount",
    "OpenTicket",
    "Ports",
    "PostReply",
    "Posted",
    "QueueChoices",
    "RateLimit",
    "RegisterAccount",
    "ReplyOffer",
    "SaveKbArticle",
    "SaveReplyTemplate",
    "Services",
    "SignIn",
    "SignInStep",
    "SignedInPage",
    "SlaAlertReport",
    "SlaReport",
    "SlaReportRow",
    "Slowdown",
    "StaffMember",
    "SweepReport",
    "TotpSetup",
    "Viewer",
    "activate_contract",
    "add_contract_asset",
    "article_attachment_visible",
    "assign_ticket",
    "attachment_for_download",
    "authenticate",
    "auto_close_resolved",
    "begin_enrolment",
    "begin_totp",
    "bulk_assign",
    "bulk_close",
    "change_contract_terms",
    "change_password",
    "change_priority",
    "change_status",
    "check_reset_token",
    "close_ticket",
    "company_view",
    "confirm_email",
    "contract_admin_page",
    "contract_by_number",
    "conversation",
    "covered_asset",
    "create_contract",
    "create_staff_account",
    "customer_overview",
    "delete_reply_template",
    "disable_account",
    "disable_totp",
    "discard_uploads",
    "draft_kb_from_ticket",
    "enable_totp",
    "engineers",
    "filled_reply_template",
    "filter_choices",
    "finish_enrolment",
    "follow_up_draft",
    "get_contract",
    "import_contracts",
    "import_migrated_accounts",
    "invite_staff",
    "issue_contract",
    "kb_article",
    "kb_categories",
    "kb_deflection_report",
    "kb_history",
    "kb_listing",
    "link_attachments",
    "list_accounts",
    "list_all_contracts",
    "list_contracts",
    "list_covered_assets",
    "list_staff",
    "list_support_levels",
    "list_tickets",
    "list_tickets_for_session",
    "open_administrative_ticket",
    "open_technical_ticket",
    "open_ticket",
    "post_reply",
    "prune",
    "queue_choices",
    "queue_for_session",
    "record_kb_event",
    "record_presence",
    "recovery_codes_left",
    "regenerate_contract_key",
    "regenerate_recovery_codes",
    "register_account",
    "remove_contract_asset",
    "reply_template",
    "reply_templates",
    "request_password_reset",
    "resend_code",
    "reset_password",
    "reset_two_factor",
    "restore_kb_version",
    "revoke_contract",
    "safe_description",
    "save_kb_article",
    "save_reply_template",
    "save_support_level",
    "search_companies",
    "search_kb",
    "seed_demo",
    "send_sla_alerts",
    "set_company_notifications",
    "set_staff_disabled",
    "sign_in",
    "sign_out",
    "sla_report",
    "staff_sla_report",
    "suggest_kb",
    "sweep_orphan_blobs",
    "ticket_detail",
    "ticket_history",
    "upload_attachment",
    "upload_budget",
    "verify_code",
    "verify_recovery_code",
]
