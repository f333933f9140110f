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
from .context import Limits, Ports, RateLimit, Slowdown, Viewer
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
from .migration import ImportReport, MigratedAccount, import_migrated_accounts
from .passwords import change_password, check_reset_token, request_password_reset, reset_password
from .recovery import recovery_codes_left, regenerate_recovery_codes
from .registration import RegisterAccount, confirm_email, register_account
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
from .staff import CreateStaff, create_staff_account
from .staff_admin import StaffMember, invite_staff, list_staff, set_staff_disabled
from .ticket_conversation import (
    Conversation,
    Posted,
    PostReply,
    ReplyOffer,
    article_attachment_visible,
    conversation,
    post_reply,
)
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
    ticket_history,
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
    "ContractRecord",
    "ContractSummary",
    "ContractView",
    "Conversation",
    "CoveredAsset",
    "CreateStaff",
    "CustomerView",
    "DemoAccess",
    "Enrolled",
    "FilterChoices",
    "ImportReport",
    "IssueContract",
    "IssuedContract",
    "Limits",
    "MigratedAccount",
    "OpenTicket",
    "Ports",
    "PostReply",
    "Posted",
    "RateLimit",
    "RegisterAccount",
    "ReplyOffer",
    "Services",
    "SignIn",
    "SignInStep",
    "SignedInPage",
    "Slowdown",
    "StaffMember",
    "SweepReport",
    "TotpSetup",
    "Viewer",
    "activate_contract",
    "article_attachment_visible",
    "assign_ticket",
    "attachment_for_download",
    "authenticate",
    "auto_close_resolved",
    "begin_enrolment",
    "begin_totp",
    "change_password",
    "change_priority",
    "change_status",
    "check_reset_token",
    "close_ticket",
    "confirm_email",
    "contract_by_number",
    "conversation",
    "covered_asset",
    "create_staff_account",
    "customer_overview",
    "disable_account",
    "disable_totp",
    "discard_uploads",
    "enable_totp",
    "filter_choices",
    "finish_enrolment",
    "get_contract",
    "import_migrated_accounts",
    "invite_staff",
    "issue_contract",
    "link_attachments",
    "list_accounts",
    "list_all_contracts",
    "list_contracts",
    "list_covered_assets",
    "list_staff",
    "list_tickets",
    "list_tickets_for_session",
    "open_administrative_ticket",
    "open_technical_ticket",
    "open_ticket",
    "post_reply",
    "prune",
    "recovery_codes_left",
    "regenerate_recovery_codes",
    "register_account",
    "request_password_reset",
    "resend_code",
    "reset_password",
    "reset_two_factor",
    "safe_description",
    "seed_demo",
    "set_staff_disabled",
    "sign_in",
    "sign_out",
    "sweep_orphan_blobs",
    "ticket_detail",
    "ticket_history",
    "upload_attachment",
    "upload_budget",
    "verify_code",
    "verify_recovery_code",
]
