"""The JSON API's request and response bodies: attrs classes, turned to and from JSON by
one cattrs converter. ``openapi.py`` builds the schema from these very classes, so the
document cannot drift from what the handlers send and accept."""

# ``doc()`` is attrs.field() with the OpenAPI description and example as metadata
# ruff: noqa: RUF009

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

import attrs
import cattrs
from attrs import frozen

from clico_core.errors import ValidationFailed

T = TypeVar("T")


def doc(description: str, example: object = None, *, default: Any = attrs.NOTHING) -> Any:
    """An attrs field carrying its OpenAPI description and example."""
    metadata: dict[str, object] = {"description": description}
    if example is not None:
        metadata["example"] = example
    return attrs.field(default=default, metadata=metadata)


WHEN = "2026-11-25T09:00:00+00:00"

# --- responses ----------------------------------------------------------------------------

@frozen
class AccountOut:
    login: str = doc("The account's login.", "jan")
    email: str = doc("Its e-mail address.", "jan@example.com")
    name: str = doc("First and last name.", "Jan Kowalski")
    role: str = doc("customer, engineer or admin.", "customer")
    language: str = doc("pl or en.", "pl")
    company_ids: list[str] = doc("Companies whose tickets the account sees (staff: all, "
                                 "shown empty).", ["c1"])
    token_scope: str = doc("The scope of the token used: read or write.", "write")


@frozen
class TicketRowOut:
    number: str = doc("The ticket's number, its identifier in the API.", "T-2026-000042")
    subject: str = doc("Subject.", "VPN tunnel drops every hour")
    status: str = doc("new, in_progress, waiting_for_customer, resolved or closed.", "new")
    priority: str = doc("low, normal, high or critical.", "normal")
    kind: str = doc("administrative or technical.", "technical")
    company_name: str = doc("The customer company.", "Acme")
    created_at: datetime = doc("When it was opened (UTC).", WHEN)
    modified_at: datetime = doc("The last public activity (UTC).", WHEN)
    assignee_name: str = doc("The engineer handling it (staff tokens only).", "")


@frozen
class TicketListOut:
    items: list[TicketRowOut] = doc("One page of tickets.")
    total: int = doc("Tickets matching the filters (capped, see total_capped).", 1)
    total_capped: bool = doc("True when total is a lower bound.", False)
    next_cursor: str | None = doc("Pass as cursor= for the next page; null on the last.",
                                  None)
    previous_cursor: str | None = doc("Pass as cursor= for the previous page.", None)


@frozen
class AssetRefOut:
    id: str = doc("The asset's id.", "a1")
    name: str = doc("Model.", "PAN-PA-450")
    vendor: str = doc("Vendor.", "PALO_ALTO")
    serial: str = doc("Serial number or MAC address.", "SN-1")


@frozen
class TicketOut:
    number: str = doc("The ticket's number.", "T-2026-000042")
    kind: str = doc("administrative or technical.", "technical")
    subject: str = doc("Subject.", "VPN tunnel drops every hour")
    description: str = doc("The description as sanitised HTML.", "<p>Since Monday.</p>")
    status: str = doc("The ticket's status.", "new")
    priority: str = doc("low, normal, high or critical.", "normal")
    relation_type: str = doc("incident, question, …", "incident")
    company_name: str = doc("The customer company.", "Acme")
    reporter_name: str = doc("Who opened it.", "Jan Kowalski")
    assignee_name: str = doc("The engineer handling it, or empty.", "")
    created_at: datetime = doc("Opened at (UTC).", WHEN)
    modified_at: datetime = doc("Last public activity (UTC).", WHEN)
    version: int = doc("Bumped by every change; also the ETag.", 1)
    assets: list[AssetRefOut] = doc("The asset of a technical ticket.")
    contract_number: str | None = doc("The covering contract of a technical ticket.", "C-1")
    answers: dict[str, str] = doc("Answers to the vendor's questions.",
                                  {"production": "yes"})
    follows: str | None = doc("The closed ticket this one follows up.", None)


@frozen
class AttachmentOut:
    id: str = doc("The attachment's id (pass it in a reply's attachment_ids).", "f1")
    file_name: str = doc("File name.", "log.txt")
    size: int = doc("Size in bytes.", 11)
    media_type: str = doc("Media type as sniffed on upload.", "text/plain")


@frozen
class ArticleOut:
    id: str = doc("The article's id.", "r1")
    kind: str = doc("description, reply, internal_note, …", "reply")
    author_name: str = doc("Who wrote it.", "Jan Kowalski")
    author_role: str = doc("customer or staff.", "customer")
    created_at: datetime = doc("Posted at (UTC).", "2026-11-25T09:05:00+00:00")
    body: str = doc("Sanitised HTML.", "<p>Any news?</p>")
    attachments: list[AttachmentOut] = doc("Its files.")


@frozen
class ArticlePageOut:
    number: str = doc("The ticket's number.", "T-2026-000042")
    status: str = doc("The ticket's status.", "new")
    version: int = doc("The ticket's version.", 1)
    total: int = doc("Articles the caller may see, over every page.", 2)
    items: list[ArticleOut] = doc("One page, oldest first.")
    next_cursor: str | None = doc("Pass as cursor= for the next page.", None)


@frozen
class PostedOut:
    article: ArticleOut = doc("The new article.")
    status: str = doc("The ticket's status after the reply.", "new")


@frozen
class QuestionOut:
    id: str = doc("Answer under this key in answers.", "production")
    kind: str = doc("text, date, yes_no, choice, …", "yes_no")
    label: str = doc("The question in the account's language.", "Is it production?")
    choices: list[str] = doc("Allowed values of a choice question.", [])


@frozen
class AssetOut:
    id: str = doc("The asset's id (asset_id of a technical ticket).", "a1")
    name: str = doc("Model.", "PAN-PA-450")
    vendor: str = doc("Vendor.", "PALO_ALTO")
    serial: str = doc("Serial number or MAC address.", "SN-1")
    category: str = doc("Category.", "PALO_ALTO")


@frozen
class AssetDetailOut:
    asset: AssetOut = doc("The asset.")
    contract_number: str = doc("The contract covering it today.", "C-1")
    questions: list[QuestionOut] = doc("The vendor's questions of a technical ticket.")


@frozen
class AssetListOut:
    items: list[AssetOut] = doc("One page of covered assets.")
    total: int = doc("Covered assets over every page.", 1)
    page: int = doc("This page's number, from 1.", 1)


@frozen
class ContractOut:
    number: str = doc("Contract number.", "C-1")
    company_id: str = doc("The customer company's id (the ``company`` filter).", "c1")
    company_name: str = doc("The customer company.", "Acme")
    support_level: str = doc("Support level.", "standard")
    valid_from: str = doc("First day (ISO date).", "2026-01-01")
    valid_until: str = doc("Last day (ISO date).", "2027-01-01")
    active: bool = doc("Valid today and not revoked.", True)
    asset_ids: list[str] = doc("The assets it covers.", ["a1"])


@frozen
class SnippetPartOut:
    text: str = doc("A piece of the article's text around the matched words.", "the VPN ")
    match: bool = doc("True: a matched word (show it highlighted).", True)


@frozen
class KbHitOut:
    article_id: str = doc("The article's id.", "k1")
    title: str = doc("Its title, in the language that matched.", "VPN tunnel drops")
    language: str = doc("pl or en: the language of the text that matched.", "en")
    url: str = doc("The article's page in the portal (relative).", "/kb/k1-vpn-tunnel-drops")
    snippet: list[SnippetPartOut] = doc("Text around the matched words, in pieces.")
    vendors: list[str] = doc("Vendors the article is tagged with.", ["PALO_ALTO"])
    category: str = doc("Its category.", "VPN")
    updated_at: datetime = doc("Last published change.", WHEN)


@frozen
class KbSearchOut:
    items: list[KbHitOut] = doc("One page of matching articles the caller may read, best "
                                "first.")
    next_cursor: str | None = doc("Pass as cursor= for the next page; null on the last.",
                                  None)


@frozen
class ContractListOut:
    items: list[ContractOut] = doc("Contracts the caller may see: staff every company's, "
                                   "a customer its companies'.")
    total: int = doc("How many contracts match, on every page.", 1)
    page: int = doc("This page's number, from 1.", 1)


@frozen
class FieldProblem:
    field: str = doc("The request field at fault (a JSON member name).", "subject")
    code: str = doc("Why: required, too_long, invalid, …", "required")


@frozen
class Problem:
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str = doc("Stable URI of the problem type, from the core's error code.",
                    "tag:clico.pl,2026:problem/validation_failed")
    title: str = doc("A short summary.", "Please correct the fields marked below.")
    status: int = doc("The HTTP status.", 400)
    code: str = doc("The core's stable error code.", "validation_failed")
    detail: str = doc("What happened here.", "", default="")
    errors: list[FieldProblem] = doc("Fields at fault (validation problems).",
                                     default=attrs.Factory(list))


# --- requests -----------------------------------------------------------------------------

@frozen
class NewTicketIn:
    subject: str = doc("Subject (one line).", "VPN tunnel drops every hour")
    description: str = doc("HTML or plain text; sanitised.", "<p>Since Monday.</p>")
    kind: str = doc("administrative or technical (technical needs asset_id and answers).",
                    "technical")
    priority: str = doc("low, normal, high or critical.", "normal", default="normal")
    relation_type: str = doc("incident, question, …", "incident", default="incident")
    asset_id: str | None = doc("Technical: the covered asset.", "a1", default=None)
    answers: dict[str, str] = doc("Technical: the answers to the asset's questions.",
                                  {"production": "yes"}, default=attrs.Factory(dict))
    company_id: str | None = doc("Administrative, several companies: which one.", None,
                                 default=None)


@frozen
class ReplyIn:
    body: str = doc("HTML or plain text; sanitised.", "<p>Any news?</p>")
    internal: bool = doc("Staff only: an internal note.", False, default=False)
    new_status: str | None = doc("Optionally a new status in the same step.", None,
                                 default=None)
    attachment_ids: list[str] = doc("Files uploaded with POST /attachments.", [],
                                    default=attrs.Factory(list))
    reopen: bool = doc("Confirm that a reply to a closed ticket reopens it.", False,
                       default=False)


converter = cattrs.Converter(forbid_extra_keys=True)
converter.register_unstructure_hook(datetime, lambda moment: moment.isoformat())


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return value


converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)


def read_body(data: object, cls: type[T]) -> T:
    """``data`` (parsed JSON) as ``cls``; ``ValidationFailed`` naming each field at fault."""
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "invalid"})
    known = {f.name for f in attrs.fields(cls)}  # type: ignore[arg-type]
    problems = {key: "unknown_field" for key in data if key not in known}
    if problems:
        raise ValidationFailed(problems)
    try:
        return converter.structure(data, cls)
    except cattrs.ClassValidationError as error:
        for message in cattrs.transform_error(error):
            path = message.rpartition("@ $")[2]
            name = path.lstrip(".").split(".")[0].split("[")[0] or "body"
            problems[name] = "required" if "required" in message else "invalid"
        raise ValidationFailed(problems or {"body": "invalid"}) from None


def to_json(value: object) -> Any:
    return converter.unstructure(value)
