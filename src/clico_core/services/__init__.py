"""Use cases: one function per use case, taking a command and the ports.

``Services`` binds them to one set of ports so callers (the web app, the CLI, embedders)
need not pass the ports around.
"""

from __future__ import annotations

from .assets import (
    CoveredAsset,
    CustomerView,
    covered_asset,
    customer_overview,
    list_covered_assets,
)
from .context import Limits, Ports, RateLimit, Viewer
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
from .facade import Services
from .migration import (
    CreateStaff,
    ImportReport,
    MigratedAccount,
    create_staff_account,
    disable_account,
    import_migrated_accounts,
)
from .passwords import change_password, check_reset_token, request_password_reset, reset_password
from .registration import RegisterAccount, confirm_email, register_account
from .signin import SignIn, SignInStep, authenticate, resend_code, sign_in, sign_out, verify_code
from .ticket_list import (
    FilterChoices,
    SignedInPage,
    filter_choices,
    list_tickets,
    list_tickets_for_session,
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
    "AssetSpec",
    "ContractView",
    "CoveredAsset",
    "CreateStaff",
    "CustomerView",
    "FilterChoices",
    "ImportReport",
    "IssueContract",
    "IssuedContract",
    "Limits",
    "MigratedAccount",
    "OpenTicket",
    "Ports",
    "RateLimit",
    "RegisterAccount",
    "Services",
    "SignIn",
    "SignInStep",
    "SignedInPage",
    "TotpSetup",
    "Viewer",
    "activate_contract",
    "authenticate",
    "begin_totp",
    "change_password",
    "check_reset_token",
    "confirm_email",
    "covered_asset",
    "create_staff_account",
    "customer_overview",
    "disable_account",
    "disable_totp",
    "enable_totp",
    "filter_choices",
    "get_contract",
    "import_migrated_accounts",
    "issue_contract",
    "list_contracts",
    "list_covered_assets",
    "list_tickets",
    "list_tickets_for_session",
    "open_administrative_ticket",
    "open_technical_ticket",
    "open_ticket",
    "register_account",
    "request_password_reset",
    "resend_code",
    "reset_password",
    "reset_two_factor",
    "safe_description",
    "sign_in",
    "sign_out",
    "ticket_detail",
    "verify_code",
]
