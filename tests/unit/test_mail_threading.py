"""A ticket's mails form one thread: a root Message-ID derived from the ticket, In-Reply-To
and References naming it on every later mail, one line each, and ``[number]`` subjects."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clico_adapters.mail import MailRenderer
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import THREAD_KEY, MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

NOW = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
LATER = (MailTemplate.TICKET_CHANGED, MailTemplate.TICKET_REPLY,
         MailTemplate.TICKET_CLOSING_SOON)
TICKET_MAILS = (MailTemplate.TICKET_CREATED, *LATER)
# a long (but real-looking) id domain: the headers get longer than the 78 columns the
# email package folds at, which is where it used to turn References into encoded words
LONG_DOMAIN = "support-portal." + "very-long-subdomain-name." * 3 + "example.com"


def rendered(template: MailTemplate, outbox_id: str = "0a1b2c", *, thread: str = "t-42",
             lang: Language = Language.PL, renderer: MailRenderer | None = None
             ) -> EmailMessage:
    context = dict(SAMPLE_CONTEXTS[template], **{THREAD_KEY: thread})
    message = OutboxMessage(outbox_id, OutgoingMail(template, "jan@example.com", lang, context),
                            NOW)
    return (renderer or MailRenderer("https://support.example.com")).render(message, now=NOW)


def raw_headers(mail: EmailMessage) -> dict[str, list[bytes]]:
    """Each header's raw lines (its first line and any folded continuation lines)."""
    found: dict[str, list[bytes]] = {}
    current: list[bytes] = []
    for line in mail.as_bytes().split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            current.append(line)
        else:
            current = [line]
            found[line.split(b":", 1)[0].decode().lower()] = current
    return found


def test_the_created_mail_is_the_thread_root() -> None:
    mail = rendered(MailTemplate.TICKET_CREATED)
    assert mail["Message-ID"] == "<ticket-t-42@clico-support>"
    assert mail["In-Reply-To"] is None and mail["References"] is None
    # a resend of the same outbox row, or any render of it, keeps the id
    assert rendered(MailTemplate.TICKET_CREATED, "other-row")["Message-ID"] == mail["Message-ID"]


@pytest.mark.parametrize("template", LATER)
def test_every_later_mail_replies_to_the_root(template: MailTemplate) -> None:
    mail = rendered(template, "0a1b2c")
    assert mail["Message-ID"] == "<0a1b2c@clico-support>"  # its own, from the outbox row
    assert mail["In-Reply-To"] == "<ticket-t-42@clico-support>"
    assert mail["References"] == "<ticket-t-42@clico-support>"


def test_mails_without_a_ticket_are_not_threaded() -> None:
    context = SAMPLE_CONTEXTS[MailTemplate.PASSWORD_CHANGED]
    message = OutboxMessage("0a1b2c", OutgoingMail(MailTemplate.PASSWORD_CHANGED,
                                                   "jan@example.com", Language.PL, context), NOW)
    mail = MailRenderer("https://support.example.com").render(message, now=NOW)
    assert mail["Message-ID"] == "<0a1b2c@clico-support>"
    assert mail["In-Reply-To"] is None and mail["References"] is None


@pytest.mark.parametrize("lang", list(Language))
@pytest.mark.parametrize("template", TICKET_MAILS)
def test_the_subject_is_the_ticket_number_and_subject_in_every_language(
        template: MailTemplate, lang: Language) -> None:
    assert rendered(template, lang=lang)["Subject"] == \
        "[CSS-000123] Tunel IPsec zrywa się co godzinę"


@pytest.mark.parametrize("template", TICKET_MAILS)
def test_id_headers_are_one_plain_line_even_when_long(template: MailTemplate) -> None:
    renderer = MailRenderer("https://support.example.com", message_id_domain=LONG_DOMAIN)
    thread = "5f0c2b9e-41d8-4a7c-9d2e-000000000042"
    mail = rendered(template, "7d6c5b4a-3f2e-4d1c-8b0a-000000000001", thread=thread,
                    renderer=renderer)
    lines = raw_headers(mail)
    root = f"<ticket-{thread}@{LONG_DOMAIN}>".encode()
    names = ("message-id",) if template is MailTemplate.TICKET_CREATED else \
        ("message-id", "in-reply-to", "references")
    for name in names:
        assert len(lines[name]) == 1, lines[name]  # never folded
        line = lines[name][0]
        assert len(line) > 78 and b"=?" not in line  # long, yet no encoded words
        assert re.fullmatch(rb"[A-Za-z-]+: <[A-Za-z0-9._-]+@[A-Za-z0-9._-]+>", line)
    assert lines["message-id" if template is MailTemplate.TICKET_CREATED
                 else "references"][0].endswith(root)
    parsed = email.message_from_bytes(mail.as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == mail["Message-ID"]
    assert parsed["References"] == mail["References"]


def test_the_stock_smtp_policy_would_have_broken_references() -> None:
    """Why the renderer has its own policy: the stock one encodes a long References."""
    stock = EmailMessage(policy=policy.SMTP)
    stock["References"] = f"<ticket-5f0c2b9e-41d8-4a7c-9d2e-000000000042@{LONG_DOMAIN}>"
    assert b"=?utf-8?" in stock.as_bytes()


@given(thread=st.text(max_size=60), outbox_id=st.text(min_size=1, max_size=40))
def test_no_ticket_id_can_inject_a_header(thread: str, outbox_id: str) -> None:
    mail = rendered(MailTemplate.TICKET_REPLY, outbox_id, thread=thread + "\r\nBcc: v@e.x")
    lines = raw_headers(mail)
    assert "bcc" not in lines
    for name in ("message-id", "in-reply-to", "references"):
        assert re.fullmatch(rb"[A-Za-z-]+: <[A-Za-z0-9._-]+@clico-support>",
                            b"".join(lines[name]))


def test_an_id_header_that_is_not_a_plain_id_list_is_refused() -> None:
    mail = rendered(MailTemplate.TICKET_REPLY)
    mail.replace_header("References", "see <a@b.c>")
    with pytest.raises(ValueError, match="References"):
        mail.as_bytes()


@pytest.mark.parametrize("domain", ["", "x" * 201])
def test_a_bad_message_id_domain_is_refused_at_start(domain: str) -> None:
    with pytest.raises(ValueError, match="Message-ID domain"):
        MailRenderer("https://support.example.com", message_id_domain=domain)
