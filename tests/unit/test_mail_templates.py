"""Every message renders in Polish and English from the context the core really sends."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import resources

import pytest

from clico_adapters.mail import MailRenderer
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import MailTemplate, OutgoingMail
from clico_core.services import CreateStaff, OpenTicket, PostReply, SignIn
from clico_core.tickets import TicketQuery
from clico_core.values import Language

from ..support import PASSWORD, World

BASE = "https://support.example.com"
POLISH_LETTERS = re.compile("[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
ALL = [(t, lang) for t in MailTemplate for lang in Language]


@pytest.fixture(scope="module")
def renderer() -> MailRenderer:
    return MailRenderer(BASE)


def test_every_message_has_its_three_files_for_all_languages() -> None:
    root = resources.files("clico_adapters.mail") / "templates"
    for template in MailTemplate:
        for name in ("subject.txt", "body.txt", "body.html"):
            assert (root / template.value / name).is_file(), (template, name)


@pytest.mark.parametrize(("template", "lang"), ALL)
def test_each_message_renders_with_links_from_the_base_url_and_the_footer(
        renderer: MailRenderer, template: MailTemplate, lang: Language) -> None:
    context = SAMPLE_CONTEXTS[template]
    parts = renderer.render_parts(OutgoingMail(template, "a@example.com", lang, context))
    assert parts.subject and "\n" not in parts.subject
    for body in (parts.text, parts.html):
        assert "{{" not in body and "{%" not in body
        assert "maintenance@clico.pl" in body
        for key, path in context.items():
            if key.endswith("_path"):
                assert BASE + path in body
        assert all(url.startswith(BASE) for url in re.findall(r"https?://[^\s\"<]+", body))
    if lang is Language.PL:
        assert POLISH_LETTERS.search(parts.text)
        assert POLISH_LETTERS.search(parts.html)
    assert parts.html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang.value}">' in parts.html


def test_the_code_reaches_the_body_but_never_the_subject(renderer: MailRenderer) -> None:
    for lang in Language:
        parts = renderer.render_parts(OutgoingMail(
            MailTemplate.SIGN_IN_CODE, "a@example.com", lang, SAMPLE_CONTEXTS[
                MailTemplate.SIGN_IN_CODE]))
        assert "042917" in parts.text and "042917" in parts.html
        assert "042917" not in parts.subject


def test_html_is_escaped_and_text_is_not(renderer: MailRenderer) -> None:
    context = dict(SAMPLE_CONTEXTS[MailTemplate.TICKET_CREATED],
                   subject='<script>alert("x")</script> & co', name="Ann <b>")
    parts = renderer.render_parts(OutgoingMail(MailTemplate.TICKET_CREATED, "a@example.com",
                                               Language.EN, context))
    assert "<script>" not in parts.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co" in parts.html
    assert "Ann &lt;b&gt;" in parts.html
    assert '<script>alert("x")</script> & co' in parts.text


@pytest.mark.parametrize(("minutes", "pl", "en"), [
    ("10", "10 minut", "10 minutes"), ("60", "1 godzinę", "1 hour"),
    ("1440", "24 godziny", "24 hours"), ("2", "2 minuty", "2 minutes"),
    ("1", "1 minutę", "1 minute"), ("300", "5 godzin", "5 hours"),
])
def test_durations_read_naturally(renderer: MailRenderer, minutes: str, pl: str,
                                  en: str) -> None:
    context = dict(SAMPLE_CONTEXTS[MailTemplate.PASSWORD_RESET], minutes=minutes)
    for lang, expected in ((Language.PL, pl), (Language.EN, en)):
        text = renderer.render_parts(OutgoingMail(MailTemplate.PASSWORD_RESET, "a@example.com",
                                                  lang, context)).text
        assert f" {expected} " in text


def test_a_missing_context_key_is_an_error_not_a_blank(renderer: MailRenderer) -> None:
    with pytest.raises(Exception, match="code"):
        renderer.render_parts(OutgoingMail(MailTemplate.SIGN_IN_CODE, "a@example.com",
                                           Language.PL, {"name": "Jan", "minutes": "10"}))


def test_the_mails_the_core_sends_all_render(world: World, renderer: MailRenderer) -> None:
    contract = world.issue()
    world.register(contract=contract)  # confirm-email
    world.register("other", contract=world.issue("C-2"), email="jan@example.com",
                   confirm=False)  # account-exists
    world.register("jan", contract=world.issue("C-4"), email="new@example.com",
                   confirm=False)  # login-taken
    viewer = world.viewer()  # sign-in-code
    world.services.activate_contract(viewer, "C-3", world.issue("C-3").activation_key)
    world.services.open_ticket(viewer, OpenTicket("Nie działa VPN", "<p>help</p>"))
    world.services.request_password_reset("jan")
    world.clock.advance(timedelta(minutes=5))
    world.services.change_password(viewer, PASSWORD, PASSWORD + "!", PASSWORD + "!")
    world.services.sign_in(SignIn("jan", PASSWORD + "!"))
    world.services.reset_two_factor("jan")  # two-factor-changed
    engineer = world.engineer()
    number = world.services.list_tickets(viewer, TicketQuery()).rows[0].number
    world.services.post_reply(engineer, PostReply(number, "<p>try this</p>"))  # ticket-reply
    world.services.change_status(engineer, number, "resolved")  # ticket-changed
    world.clock.advance(timedelta(days=5, minutes=1))
    world.services.auto_close_resolved()  # ticket-closing-soon
    licence = world.services.open_ticket(viewer, OpenTicket("Licencja", "<p>?</p>"))
    world.services.assign_ticket(engineer, licence.number, engineer.account.id)
    for _ in range(24 * 14):  # until the 8×5 calendar is open and 75 % of a target has gone
        world.clock.advance(timedelta(hours=1))
        if world.services.send_sla_alerts().warnings:  # ticket-sla-alert
            break

    world.services.create_staff_account(CreateStaff("nowy@clico.pl", "Paweł", "Nowak"))

    sent = {m.mail.template for m in world.mails.all()}
    assert sent == set(MailTemplate)
    for message in world.mails.all():
        assert set(message.mail.context) == set(SAMPLE_CONTEXTS[message.mail.template])
        for lang in Language:
            renderer.render_parts(OutgoingMail(message.mail.template, message.mail.to, lang,
                                               message.mail.context))
