"""Presence (``Teraz przegląda``) and reply templates (``Szablony odpowiedzi``) through the
services, on the in-memory adapters, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clico_core.errors import NotFound, ValidationFailed
from clico_core.services import OpenTicket, SaveReplyTemplate

from .conversation_support import Cast


def _ticket(cast: Cast) -> str:
    return cast.services.open_ticket(cast.acme[0], OpenTicket("VPN", "<p>drops</p>")).number


def test_staff_see_who_else_had_the_ticket_open_within_the_last_minute(cast: Cast) -> None:
    number = _ticket(cast)
    first, second = cast.staff
    assert cast.services.record_presence(first, number) == ()
    cast.clock.advance(timedelta(seconds=30))
    assert cast.services.record_presence(second, number) == (first.account.full_name,)
    cast.clock.advance(timedelta(seconds=31))  # the first was last seen 61 s ago
    assert cast.services.record_presence(second, number) == ()
    assert cast.services.record_presence(first, number) == (second.account.full_name,)
    other = _ticket(cast)
    assert cast.services.record_presence(first, other) == ()  # per ticket


def test_customers_neither_record_presence_nor_learn_it(cast: Cast) -> None:
    number = _ticket(cast)
    cast.services.record_presence(cast.staff[0], number)
    for customer in (cast.acme[0], cast.beta):
        with pytest.raises(NotFound):
            cast.services.record_presence(customer, number)
    assert cast.services.record_presence(cast.staff[1], number) == (
        cast.staff[0].account.full_name,)
    with pytest.raises(NotFound):
        cast.services.record_presence(cast.staff[0], "CSS-999999")


def test_templates_are_saved_sanitised_filled_for_a_ticket_edited_and_deleted(
        cast: Cast) -> None:
    number = _ticket(cast)
    engineer = cast.staff[0]
    body = ("<p>Dzień dobry {{ customer_name }}, w sprawie {{ticket_number}}: {{ 7*7 }} "
            "{% if x %}x{% endif %}</p><script>alert(1)</script>")
    saved = cast.services.save_reply_template(engineer, SaveReplyTemplate(
        "  Powitanie   klienta ", body))
    assert saved.title == "Powitanie klienta" and "<script>" not in saved.body
    filled = cast.services.filled_reply_template(cast.staff[1], saved.id, number)
    reporter = cast.acme[0].account.full_name
    assert filled == (f"<p>Dzień dobry {reporter}, w sprawie {number}: {{{{ 7*7 }}}} "
                      "{% if x %}x{% endif %}</p>")
    cast.services.save_reply_template(engineer, SaveReplyTemplate(
        "Logi", "<p>Proszę o logi</p>"))
    changed = cast.services.save_reply_template(cast.staff[1], SaveReplyTemplate(
        "Zamykamy", "<p>Zamykamy {{ ticket_number }}</p>", saved.id))
    assert (changed.id, changed.author_id) == (saved.id, engineer.account.id)
    assert [t.title for t in cast.services.reply_templates(engineer)] == ["Logi", "Zamykamy"]
    assert cast.services.reply_template(engineer, saved.id).body == (
        "<p>Zamykamy {{ ticket_number }}</p>")
    cast.services.delete_reply_template(engineer, saved.id)
    cast.services.delete_reply_template(engineer, saved.id)  # gone already: nothing happens
    with pytest.raises(NotFound):
        cast.services.filled_reply_template(engineer, saved.id, number)
    with pytest.raises(NotFound):
        cast.services.save_reply_template(engineer, SaveReplyTemplate("x", "<p>y</p>",
                                                                      saved.id))
    assert [t.title for t in cast.services.reply_templates(engineer)] == ["Logi"]


def test_a_template_needs_a_title_and_some_text(cast: Cast) -> None:
    with pytest.raises(ValidationFailed) as refused:
        cast.services.save_reply_template(cast.staff[0], SaveReplyTemplate(" ", "<p> </p>"))
    assert refused.value.fields == {"title": "required", "body": "required"}
    with pytest.raises(ValidationFailed) as refused:
        cast.services.save_reply_template(cast.staff[0], SaveReplyTemplate("x" * 201, "<p>a</p>"))
    assert refused.value.fields == {"title": "too_long"}
    assert cast.services.reply_templates(cast.staff[0]) == []


def test_templates_are_for_staff_only(cast: Cast) -> None:
    number = _ticket(cast)
    saved = cast.services.save_reply_template(cast.staff[0], SaveReplyTemplate(
        "Logi", "<p>Proszę o logi</p>"))
    customer = cast.acme[0]
    for call in (lambda: cast.services.reply_templates(customer),
                 lambda: cast.services.reply_template(customer, saved.id),
                 lambda: cast.services.save_reply_template(customer, SaveReplyTemplate(
                     "x", "<p>y</p>")),
                 lambda: cast.services.delete_reply_template(customer, saved.id),
                 lambda: cast.services.filled_reply_template(customer, saved.id, number)):
        with pytest.raises(NotFound):
            call()
    assert [t.id for t in cast.services.reply_templates(cast.staff[0])] == [saved.id]
