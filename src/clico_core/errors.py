"""The ``ClicoError`` tree: every failure the domain reports, each with a stable code.

The core never holds user-facing language; the web translates ``code`` (and the data the
error carries) into the user's language through one table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from attrs import frozen


class ClicoError(Exception):
    """Base of every domain error; ``code`` is stable and safe to show or translate."""

    code = "error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class ValidationFailed(ClicoError):
    """Input broke one or more field rules; ``fields`` maps field name to an error code."""

    code = "validation_failed"

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = dict(fields)


class NotFound(ClicoError):
    """The thing does not exist, or the viewer may not see it (never tell which)."""

    code = "not_found"


class PolicyViolation(ClicoError):
    """A named business rule was broken; ``code`` is the rule's code."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


# --- accounts and sign-in ---------------------------------------------------------------


class InvalidCredentials(ClicoError):
    """Login or password wrong, or no such account: deliberately indistinguishable."""

    code = "invalid_credentials"


class AccountNotConfirmed(ClicoError):
    code = "account_not_confirmed"


class AccountDisabled(ClicoError):
    code = "account_disabled"


class PasswordResetRequired(ClicoError):
    """A migrated CLICO TAC account must use ``Forgot my password`` first."""

    code = "password_reset_required"


class TooManyAttempts(ClicoError):
    """A rate limit is reached; ``retry_after`` says when trying again makes sense."""

    code = "too_many_attempts"

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"retry after {int(retry_after.total_seconds())}s")
        self.retry_after = retry_after


class InvalidToken(ClicoError):
    """A confirmation or reset link is unknown, used, expired or no longer bound to the account."""

    code = "invalid_token"


class InvalidCode(ClicoError):
    """The one-time sign-in code is wrong; ``attempts_left`` tells how many tries remain."""

    code = "invalid_code"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"{attempts_left} attempts left")
        self.attempts_left = attempts_left


class SignInExpired(ClicoError):
    """The pending sign-in is gone (expired, used, too many wrong codes): start over."""

    code = "sign_in_expired"


class NotAuthenticated(ClicoError):
    code = "not_authenticated"


class PermissionDenied(ClicoError):
    code = "permission_denied"


class InsufficientScope(PermissionDenied):
    """An API token's scope does not cover the request (a ``read`` token writing)."""

    code = "insufficient_scope"


class AdminOnly(PermissionDenied):
    """A staff member who is not an administrator tried an administrator's action."""

    code = "admin_only"


# --- contracts ------------------------------------------------------------------------


class InvalidContractKey(ClicoError):
    """No contract has this number, or the key is not its own: deliberately one error, so
    contract numbers cannot be probed."""

    code = "invalid_contract_key"


class ContractNotValidNow(ClicoError):
    """The contract's validity dates do not include today (expired or not yet started)."""

    code = "contract_not_valid_now"


class ContractAlreadyActive(ClicoError):
    code = "contract_already_active"


class DuplicateContractNumber(ClicoError):
    code = "duplicate_contract_number"


# --- tickets --------------------------------------------------------------------------


@frozen
class TicketChange:
    """One change of a ticket since a form was rendered, as its history recorded it.

    ``what``: ``status`` / ``priority`` (``before`` and ``after`` are the values),
    ``assignee`` (``after`` is the new engineer's name, "" for nobody), ``reply`` (a public
    reply); ``actor`` is the name of who made it ("" for the portal itself)."""

    what: str
    before: str
    after: str
    actor: str
    at: datetime


class StaleTicket(ClicoError):
    """The ticket changed since the form was rendered (its ``version`` moved on): the change
    was not saved, never written over what others did. ``changes`` lists what happened
    since, oldest first (empty when the history no longer tells)."""

    code = "stale_ticket"

    def __init__(self, changes: tuple[TicketChange, ...]) -> None:
        super().__init__(f"{len(changes)} changes since")
        self.changes = changes
class ContractRevoked(ClicoError):
    """The contract was revoked: it covers nothing and takes no further change."""

    code = "contract_revoked"


class AssetNotOnContract(ClicoError):
    """The asset named is not one the contract covers."""

    code = "asset_not_on_contract"


class ContractImportRejected(ClicoError):
    """A contract import had bad lines; nothing was imported. ``lines``: (line, reason)."""

    code = "contract_import_rejected"

    def __init__(self, lines: tuple[tuple[int, str], ...]) -> None:
        super().__init__("; ".join(f"{n}: {r}" for n, r in lines))
        self.lines = lines


class AssetNotCovered(ClicoError):
    """The asset is not under a contract active for the account at this moment."""

    code = "asset_not_covered"


class IncompleteAnswers(ClicoError):
    """Questionnaire answers are missing or of the wrong type; ``fields`` maps question to code."""

    code = "incomplete_answers"

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = dict(fields)


class ConcurrencyConflict(ClicoError):
    """Another transaction changed the same data; the use case may be retried."""

    code = "concurrency_conflict"


class TransientConflict(ConcurrencyConflict):
    """The database aborted the transaction (deadlock, serialization failure, lock timeout).

    Nothing was written, so ``Services`` runs the whole use case again a few times.
    """


# --- the ticket conversation ------------------------------------------------------------


class EmptyReply(ValidationFailed):
    """A reply or note with no text once sanitised (empty, spaces, empty markup)."""

    def __init__(self) -> None:
        super().__init__({"body": "required"})


class TicketClosed(ClicoError):
    """The ticket is closed, so a reply or status change is refused as it stands.

    ``reopen_until`` is set while a reply may still reopen it (the web asks the viewer to
    confirm, keeping the text); None once that period is over: a new ticket that links this
    one is the way on. ``closed_at`` is when it closed.
    """

    code = "ticket_closed"

    def __init__(self, closed_at: datetime, reopen_until: datetime | None) -> None:
        super().__init__("reopenable" if reopen_until else "needs a follow-up ticket")
        self.closed_at = closed_at
        self.reopen_until = reopen_until

    @property
    def can_reopen(self) -> bool:
        return self.reopen_until is not None


class TransitionNotAllowed(ClicoError):
    """This viewer may not move the ticket from its status to the one asked for."""

    code = "transition_not_allowed"

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"{current} -> {wanted}")
        self.current = current
        self.wanted = wanted
class BulkRefused(ClicoError):
    """One ticket of a change to many may not be changed, so none is: ``number`` names it,
    ``reason`` is the code of the error that ticket alone would have raised."""

    code = "bulk_refused"

    def __init__(self, number: str, reason: str) -> None:
        super().__init__(f"{number}: {reason}")
        self.number = number
        self.reason = reason


# --- attachments ----------------------------------------------------------------------


class AttachmentTooLarge(ClicoError):
    """A file is larger than the per-file limit; ``file_name`` names it, ``limit`` in bytes."""

    code = "attachment_too_large"

    def __init__(self, file_name: str, limit: int) -> None:
        super().__init__(f"{file_name}: more than {limit} bytes")
        self.file_name = file_name
        self.limit = limit


class AttachmentsTooLarge(AttachmentTooLarge):
    """The files of one article together pass the per-article limit (``file_name`` is the
    file that crossed it)."""

    code = "attachments_too_large"


class TooManyAttachments(ClicoError):
    """More files than one article may carry; ``limit`` is how many it may."""

    code = "too_many_attachments"

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} files")
        self.limit = limit


class AttachmentTypeRefused(ClicoError):
    """The file is an executable or a script (by its bytes or its name); ``file_name`` names it."""

    code = "attachment_type_refused"

    def __init__(self, file_name: str) -> None:
        super().__init__(f"{file_name}: type refused")
        self.file_name = file_name


class AttachmentMissing(ClicoError):
    """An attachment to link is unknown, someone else's, already linked or swept away:
    the form must be sent again with the file."""

    code = "attachment_missing"
