"""``Szablony odpowiedzi``: staff's canned replies, and filling one in for a ticket.

The body is sanitised as an article's; filling substitutes the two placeholders as plain
text (``clico_core.reply_templates.fill_placeholders``), never evaluating the body.
"""

from __future__ import annotations

from attrs import frozen

from ..errors import NotFound, ValidationFailed
from ..reply_templates import MAX_TITLE, ReplyTemplate, fill_placeholders
from ..roles import require_staff
from ..values import lookup_text
from .context import Ports, Viewer
from .ticket_changes import visible_ticket
from .ticket_conversation import _clean_body


@frozen
class SaveReplyTemplate:
    """A new template (``template_id`` None) or new text for an existing one."""

    title: str
    body: str  # HTML from the editor; sanitised by the service
    template_id: str | None = None


def reply_templates(viewer: Viewer, ports: Ports) -> list[ReplyTemplate]:
    """Every template, by title; staff only (``NotFound`` for anybody else)."""
    require_staff(viewer.account)
    with ports.uow(readonly=True) as uow:
        return uow.reply_templates.list_all()


def _find(ports: Ports, template_id: str) -> ReplyTemplate:
    wanted = lookup_text(template_id, 64)
    with ports.uow(readonly=True) as uow:
        found = uow.reply_templates.get(wanted) if wanted else None
    if found is None:
        raise NotFound()
    return found


def reply_template(viewer: Viewer, template_id: str, ports: Ports) -> ReplyTemplate:
    """One template, to edit it; ``NotFound`` when it is gone."""
    require_staff(viewer.account)
    return _find(ports, template_id)


def save_reply_template(viewer: Viewer, cmd: SaveReplyTemplate, ports: Ports) -> ReplyTemplate:
    """Create or change a template. Errors: ``ValidationFailed`` (``title`` required or too
    long, ``body`` empty or too long), ``NotFound`` (editing one that is gone)."""
    require_staff(viewer.account)
    title = " ".join(cmd.title.split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "required"
    elif len(title) > MAX_TITLE:
        errors["title"] = "too_long"
    try:
        body = _clean_body(cmd.body, ports)
    except ValidationFailed as error:  # EmptyReply too: a template needs some text
        errors.update(error.fields)
        body = ""
    if errors:
        raise ValidationFailed(errors)
    now = ports.clock.now()
    with ports.uow() as uow:
        if cmd.template_id is None:
            saved = ReplyTemplate(ports.secrets.new_id(), title, body, viewer.account.id,
                                  now, now)
            uow.reply_templates.add(saved)
        else:
            old = uow.reply_templates.get(lookup_text(cmd.template_id, 64) or "")
            if old is None:
                raise NotFound()
            saved = ReplyTemplate(old.id, title, body, old.author_id, old.created_at, now)
            uow.reply_templates.update(saved)
        uow.commit()
    return saved


def delete_reply_template(viewer: Viewer, template_id: str, ports: Ports) -> None:
    """Remove a template; removing one that is gone changes nothing."""
    require_staff(viewer.account)
    with ports.uow() as uow:
        uow.reply_templates.delete(lookup_text(template_id, 64) or "")
        uow.commit()


def filled_reply_template(viewer: Viewer, template_id: str, number: str,
                          ports: Ports) -> str:
    """The template's body for the ticket: ``{{ customer_name }}`` the reporter's name,
    ``{{ ticket_number }}`` its number, both as escaped text. ``NotFound`` when either is
    gone (or the viewer is not staff)."""
    require_staff(viewer.account)
    template = _find(ports, template_id)
    with ports.uow(readonly=True) as uow:
        ticket = visible_ticket(uow, viewer, number)
        reporter = uow.accounts.get(ticket.reporter_id)
    return fill_placeholders(template.body, {
        "customer_name": reporter.full_name if reporter else "",
        "ticket_number": ticket.number})
