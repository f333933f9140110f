"""Msgids for the ticket vocabulary and the ticket form's field errors (see ``tickets.po``)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

from ..rendering import renderer_of

PRIORITY_LABELS = {"low": "Low", "normal": "Normal", "high": "High", "critical": "Critical"}
RELATION_LABELS = {"incident": "Incident", "question": "Question",
                   "configuration": "Configuration", "rma": "RMA (hardware replacement)",
                   "licensing": "Licensing", "portal": "Portal problem"}
YES_NO_LABELS = {"yes": "Yes", "no": "No"}

TICKET_FIELD_ERRORS = {
    "required": "This field is required.",
    "too_long": "This value is too long.",
    "invalid_subject": "Use a single line of at most 200 characters.",
    "invalid_choice": "Choose one of the options.",
    "invalid_date": "Enter a valid date.",
    "invalid_yes_no": "Choose yes or no.",
    "unknown_question": "This question does not belong to the chosen asset.",
    "not_allowed": "This value is not allowed here.",
    "invalid": "This value is not valid.",
    "before_from": "The end date is before the start date.",
    # a follow-up ticket (``follows``): its old ticket can still be reopened, or is open
    "reopen_instead": "This ticket can still be reopened: reply on its page instead.",
    "not_closed": "Only a closed ticket can be followed up by a new one.",
}
ASSET_NOT_COVERED = "This asset is not under active support."

# the ticket kinds' and statuses' labels are shared with the mails: clico_adapters.i18n.labels
ALL_MSGIDS = (*PRIORITY_LABELS.values(), *RELATION_LABELS.values(), *YES_NO_LABELS.values(),
              *TICKET_FIELD_ERRORS.values(), ASSET_NOT_COVERED)


def field_errors(request: Request, fields: Mapping[str, str], prefix: str = "") -> dict[str, str]:
    """Per-field error codes of the core as translated messages, keyed by form field."""
    renderer = renderer_of(request)
    return {prefix + name: renderer.gettext(
        request, TICKET_FIELD_ERRORS.get(code, TICKET_FIELD_ERRORS["invalid"]))
        for name, code in fields.items()}
