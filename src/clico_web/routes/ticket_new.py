"""``Nowe zgłoszenie``: the form (administrative, or technical with an asset and its
questions), the asset picker (a plain page, so it works without JavaScript) and creation."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import (
    AssetNotCovered,
    ClicoError,
    IncompleteAnswers,
    NotFound,
    ValidationFailed,
)
from clico_core.kb import KbHit
from clico_core.services import CoveredAsset, FollowUpDraft, OpenTicket
from clico_core.tickets import Priority, RelationType

from ..portal import portal_of
from ..rendering import failure, render, renderer_of
from ..sessions import signed_in, viewer_of
from .assets import covered_assets_context
from .form_route import form_route
from .kb import reader_language
from .ticket_form import ANSWER_PREFIX, TicketForm, read_ticket_form, text_to_html
from .ticket_labels import ASSET_NOT_COVERED, PRIORITY_LABELS, RELATION_LABELS, field_errors

MAX_SUBJECT_CHARS = 500


def _questions(request: Request, covered: CoveredAsset | None) -> list[dict[str, Any]]:
    if covered is None:
        return []
    language = renderer_of(request).language(request)
    return [{"name": ANSWER_PREFIX + q.id, "label": q.label(language), "kind": q.kind.value,
             "choices": [(c.value, c.labels.get(language) or c.value) for c in q.choices]}
            for q in covered.questionnaire.questions]


def _form_page(request: Request, covered: CoveredAsset | None, *, values: dict[str, str],
               errors: dict[str, str] | None = None, message: str = "",
               status: int = 200, suggestions: tuple[KbHit, ...] | None = None) -> Response:
    values.setdefault("idempotency_key", secrets.token_urlsafe(18))
    values.setdefault("format", "text")
    values.setdefault("priority", Priority.NORMAL.value)
    default_relation = RelationType.INCIDENT if covered else RelationType.PORTAL
    values.setdefault("relation_type", default_relation.value)
    return render(request, "tickets/new.html", {
        "section": "tickets", "covered": covered, "questions": _questions(request, covered),
        "values": values, "errors": errors or {}, "message": message,
        "priorities": list(Priority), "relations": list(RelationType),
        "priority_labels": PRIORITY_LABELS, "relation_labels": RELATION_LABELS,
        "suggestions": suggestions,
    }, status=status)


async def _covered(request: Request, asset_id: str) -> CoveredAsset:
    """The asset with its contract and questions, as the technical form shows them."""
    portal = portal_of(request)
    return await portal.call(portal.services.covered_asset, viewer_of(request), asset_id)


def _not_covered(request: Request, values: dict[str, str]) -> Response:
    """The form without the asset, saying why it was dropped."""
    message = renderer_of(request).gettext(request, ASSET_NOT_COVERED)
    return _form_page(request, None, values=values, errors={"asset": message},
                      message=message, status=400)


@signed_in
async def new_ticket(request: Request) -> Response:
    follows = request.query_params.get("follows", "")[:32]
    if follows:
        return await _follow_up_form(request, follows)
    asset_id = request.query_params.get("asset", "")[:64]
    if not asset_id:
        return _form_page(request, None, values={})
    try:
        covered = await _covered(request, asset_id)
    except AssetNotCovered:
        return _form_page(request, None, values={}, errors={
            "asset": renderer_of(request).gettext(request, ASSET_NOT_COVERED)}, status=400)
    return _form_page(request, covered, values={})


async def _follow_up_form(request: Request, number: str) -> Response:
    """``Utwórz nowe zgłoszenie`` on a ticket closed too long ago: the form filled from it
    (subject, relation type, priority, its asset if still covered), linking it."""
    portal = portal_of(request)
    try:
        draft: FollowUpDraft = await portal.call(portal.services.follow_up_draft,
                                                 viewer_of(request), number)
    except NotFound:
        return render(request, "errors/error.html", {
            "status": 404, "message": renderer_of(request).gettext(request, "Page not found.")},
            status=404)
    except ValidationFailed:  # open, or a reply still reopens it: its page says how
        return RedirectResponse(f"/tickets/{number}#reply", status_code=303)
    values = {"subject": draft.subject, "relation_type": draft.relation_type.value,
              "priority": draft.priority.value, "follows": draft.follows}
    if draft.asset_id is None:
        return _form_page(request, None, values=values)
    try:
        covered = await _covered(request, draft.asset_id)
    except AssetNotCovered:  # its contract has lapsed since: administrative, saying why
        return _not_covered(request, values)
    return _form_page(request, covered, values=values)


def _kept(request: Request, form: TicketForm) -> dict[str, str]:
    """What the re-rendered form shows: everything typed, the description made safe."""
    values = {"subject": form.subject, "priority": form.priority,
              "relation_type": form.relation_type, "idempotency_key": form.idempotency_key,
              "format": form.format, "description": form.description,
              "follows": form.follows}
    if form.format == "html":
        values["description"] = portal_of(request).services.safe_description(form.description)
    values.update({ANSWER_PREFIX + k: v for k, v in form.answers.items()})
    return values


@signed_in
async def create_ticket(request: Request) -> Response:
    """The core decides (technical or administrative, coverage, fields, answers) in one
    write; this only renders its answer: the new ticket, or the form with the reasons."""
    form = await read_ticket_form(request)
    if form.remove_asset:
        return _form_page(request, None, values=_kept(request, form))
    if form.check_kb:  # without JavaScript: the suggestions, the form kept as typed
        return await _with_suggestions(request, form)
    description = form.description if form.format == "html" else text_to_html(form.description)
    command = OpenTicket(
        subject=form.subject, description=description, priority=form.priority,
        relation_type=form.relation_type, asset_id=form.asset_id or None,
        answers=form.answers, idempotency_key=form.idempotency_key or None,
        follows=form.follows or None)
    portal = portal_of(request)
    try:
        ticket = await portal.call(portal.services.open_ticket, viewer_of(request), command)
    except AssetNotCovered:  # not (or no longer) under a contract active for the account
        return _not_covered(request, _kept(request, form))
    except ClicoError as error:
        return await _refused(request, form, error)
    return RedirectResponse(f"/tickets/{ticket.number}", status_code=303)


async def _refused(request: Request, form: TicketForm, error: ClicoError) -> Response:
    """The form again, with the core's reasons beside the fields they name."""
    values = _kept(request, form)
    covered = None
    if form.asset_id:  # a technical form shows its asset and questions again
        try:
            covered = await _covered(request, form.asset_id)
        except AssetNotCovered:  # the contract lapsed in the meantime
            return _not_covered(request, values)
    shown = failure(request, error)
    fields = getattr(error, "fields", None) or {}
    prefix = ANSWER_PREFIX if isinstance(error, IncompleteAnswers) else ""
    if "idempotency_key" in fields:  # a tampered key: the re-rendered form gets a new one
        values.pop("idempotency_key")
    return _form_page(request, covered, values=values, message=shown.message,
                      errors=field_errors(request, fields, prefix), status=shown.status)


async def _suggested(request: Request, subject: str, asset_id: str
                     ) -> tuple[KbHit, ...]:
    """The suggestions for the subject, filtered by the asset's vendor when it is covered
    (one service call: the core reads the asset in the search's unit of work)."""
    portal = portal_of(request)
    return await portal.call(portal.services.suggest_kb, viewer_of(request),
                             subject[:MAX_SUBJECT_CHARS], asset_id or None,
                             reader_language(request))


async def _with_suggestions(request: Request, form: TicketForm) -> Response:
    covered = None
    if form.asset_id:
        try:
            covered = await _covered(request, form.asset_id)
        except AssetNotCovered:
            return _not_covered(request, _kept(request, form))
    hits = await _suggested(request, form.subject, form.asset_id)
    return _form_page(request, covered, values=_kept(request, form), suggestions=hits)


@signed_in
async def suggestions(request: Request) -> Response:
    """The articles beside the form, as a fragment the page's script puts in place."""
    hits = await _suggested(request, request.query_params.get("subject", "")[:500],
                            request.query_params.get("asset", "")[:64])
    return render(request, "kb/suggestions.html", {"suggestions": hits})


@signed_in
async def asset_picker(request: Request) -> Response:
    return render(request, "tickets/picker.html",
                  {"section": "tickets", **await covered_assets_context(request)})


routes = [
    form_route("/tickets/new", show=new_ticket, submit=create_ticket, name="new_ticket"),
    Route("/tickets/new/assets", asset_picker, name="ticket_asset_picker"),
    Route("/tickets/new/suggestions", suggestions, name="ticket_kb_suggestions"),
]
