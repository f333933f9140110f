"""One table: each ``ClicoError`` code → HTTP status and a message (a msgid, translated later).

Invalid credentials and ``password_reset_required`` deliberately share one message, so a
migrated account cannot be told apart from a wrong password (no account enumeration).
"""

from __future__ import annotations

from attrs import frozen

from clico_core.attachments import MB
from clico_core.errors import (
    AttachmentTooLarge,
    AttachmentTypeRefused,
    ClicoError,
    TooManyAttachments,
    TooManyAttempts,
)


@frozen
class ErrorInfo:
    status: int
    message: str


SIGN_IN_FAILED = ("Wrong login or password. If you used CLICO TAC, your account has been "
                  "migrated: set a new password with Forgot my password first.")

ERRORS: dict[str, ErrorInfo] = {
    "validation_failed": ErrorInfo(400, "Please correct the fields marked below."),
    "not_found": ErrorInfo(404, "Page not found."),
    "invalid_credentials": ErrorInfo(400, SIGN_IN_FAILED),
    "password_reset_required": ErrorInfo(400, SIGN_IN_FAILED),
    "account_not_confirmed": ErrorInfo(
        403, "Confirm your email address first: open the link we have sent you."),
    "account_disabled": ErrorInfo(403, "This account is disabled. Contact maintenance@clico.pl."),
    "too_many_attempts": ErrorInfo(429, "Too many attempts. Try again in %(seconds)s seconds."),
    "invalid_token": ErrorInfo(400, "This link is invalid, used or expired."),
    "invalid_code": ErrorInfo(400, "Wrong code. Attempts left: %(attempts)s."),
    "sign_in_expired": ErrorInfo(400, "Your sign-in has expired. Please sign in again."),
    "not_authenticated": ErrorInfo(401, "Please sign in."),
    "permission_denied": ErrorInfo(404, "Page not found."),
    "admin_only": ErrorInfo(403, "Only an administrator can do this."),
    "insufficient_scope": ErrorInfo(403, "This API token's scope does not allow this."),
    "api_token_limit": ErrorInfo(409, "You have too many active API tokens: revoke one first."),
    "staff_need_totp": ErrorInfo(403, "Staff accounts always sign in with an authenticator "
                                      "app."),
    "cannot_disable_self": ErrorInfo(409, "You cannot disable your own account."),
    "totp_not_enabled": ErrorInfo(409, "Recovery codes need an authenticator app: turn it "
                                       "on first."),
    # one message for an unknown number and a wrong key: numbers cannot be probed
    "invalid_contract_key": ErrorInfo(400, "The contract number or key is wrong."),
    "contract_not_valid_now": ErrorInfo(
        400, "This contract is not valid today (it has expired or has not started yet)."),
    "contract_already_active": ErrorInfo(409, "This contract is already active on your account."),
    "duplicate_contract_number": ErrorInfo(409, "A contract with this number already exists."),
    "asset_not_covered": ErrorInfo(400, "This asset is not under active support."),
    "contract_revoked": ErrorInfo(409, "This contract has been revoked."),
    "asset_not_on_contract": ErrorInfo(409, "This asset is not covered by the contract."),
    "contract_import_rejected": ErrorInfo(400, "Nothing was imported: correct the lines "
                                               "listed below and upload the file again."),
    "incomplete_answers": ErrorInfo(400, "Please answer every question."),
    "concurrency_conflict": ErrorInfo(409, "Someone else changed this at the same moment. "
                                           "Please try again."),
    "attachment_too_large": ErrorInfo(
        413, "The file %(file)s is larger than %(megabytes)s MB."),
    "attachments_too_large": ErrorInfo(
        413, "The attached files are larger than %(megabytes)s MB together "
             "(%(file)s did not fit)."),
    "too_many_attachments": ErrorInfo(413, "At most %(count)s files can be attached."),
    "attachment_type_refused": ErrorInfo(
        415, "The file %(file)s cannot be attached: programs and scripts are not accepted."),
    "attachment_missing": ErrorInfo(
        409, "An attached file is no longer available. Please attach it again."),
    # the ticket page offers the way on (confirm reopening, or a follow-up ticket)
    "ticket_closed": ErrorInfo(409, "This ticket is closed. To go on, reopen it or open a new "
                                    "ticket that follows it up."),
    "transition_not_allowed": ErrorInfo(409, "This ticket cannot be moved to the chosen "
                                             "status."),
    # the ticket page names the changes instead (routes/ticket_stale.py)
    "stale_ticket": ErrorInfo(409, "The ticket was changed since you opened it; your change "
                                   "was not saved."),
    # the queue names the ticket and the reason (routes/staff_queue.py)
    "bulk_refused": ErrorInfo(409, "Nothing was changed: one of the selected tickets cannot "
                                   "be changed."),
}
DEFAULT = ErrorInfo(400, "The request could not be completed.")

FIELD_ERRORS: dict[str, str] = {
    "required": "This field is required.",
    "invalid": "This value is not valid.",
    "too_long": "This value is too long.",
    "invalid_login": "Use 3 to 64 letters, digits or the characters . _ @ + -",
    "invalid_email": "Enter a valid email address.",
    "invalid_phone": "Enter a valid phone number.",
    "password_too_short": "The password must have at least 12 characters.",
    "password_too_long": "The password is too long.",
    "password_invalid": "The password contains characters that are not allowed.",
    "password_too_common": "This password is too common.",
    "password_contains_personal": "The password must not contain your login, name, "
                                  "email or company.",
    "passwords_differ": "The passwords do not match.",
    "before_valid_from": "The end of validity must not come before its start.",
    "invalid_asset": "Give the asset's name, vendor and serial number (or MAC).",
    "invalid_date": "Enter a date as YYYY-MM-DD.",
    "login_taken": "This login is taken.",
    "email_taken": "This email address already has an account.",
    "invalid_contract_key": "The contract number or activation code is wrong.",
    "contract_not_valid_now": "This contract is not valid today.",
    "invalid_level_name": "Use 1 to 32 lower-case letters, digits, - or _.",
    "invalid_hours": "Write shifts as 08:00-16:00, separated by commas, not overlapping.",
    "invalid_dates": "Write one date per line as YYYY-MM-DD.",
    "invalid_target": "Enter hours greater than 0; the first response cannot come after the "
                      "resolution.",
    "private_address": "This address is on a private or local network; webhooks may not "
                       "call it.",
    "unknown_company": "There is no company of this name.",
}


def info_for(error: ClicoError) -> ErrorInfo:
    return ERRORS.get(error.code, DEFAULT)


def message_args(error: ClicoError) -> dict[str, int | str]:
    """The values a message interpolates (never anything secret)."""
    if isinstance(error, TooManyAttempts):
        return {"seconds": max(1, int(error.retry_after.total_seconds()))}
    if isinstance(error, AttachmentTooLarge):
        return {"file": error.file_name, "megabytes": error.limit // MB}
    if isinstance(error, AttachmentTypeRefused):
        return {"file": error.file_name}
    if isinstance(error, TooManyAttachments):
        return {"count": error.limit}
    attempts = getattr(error, "attempts_left", None)
    return {"attempts": attempts} if isinstance(attempts, int) else {}


def retry_after_header(error: ClicoError) -> dict[str, str]:
    if isinstance(error, TooManyAttempts):
        return {"Retry-After": str(max(1, int(error.retry_after.total_seconds())))}
    return {}


def field_message(code: str) -> str:
    return FIELD_ERRORS.get(code, FIELD_ERRORS["invalid"])
