"""The renderer's headers: encoded Polish subjects, Message-ID from the outbox id, no CR/LF."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clico_adapters.mail import MailRenderer
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

NOW = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)
RENDERER = MailRenderer("https://support.example.com/", "noreply@example.com")


def ticket(subject: str, name: str = "Jan", lang: Language = Language.PL,
           outbox_id: str = "0f1e2d3c",
           template: MailTemplate = MailTemplate.TICKET_CREATED) -> OutboxMessage:
    context = dict(SAMPLE_CONTEXTS[template], subject=subject, name=name)
    return OutboxMessage(outbox_id, OutgoingMail(template, "jan@example.com", lang, context),
                         NOW)


def test_headers() -> None:
    mail = RENDERER.render(ticket("Zażółć gęślą jaźń"), now=NOW)
    assert mail["From"] == "CLICO Support System <noreply@example.com>"
    assert mail["To"] == "Jan <jan@example.com>"
    assert mail["Subject"] == "[CSS-000123] Zażółć gęślą jaźń"
    assert mail["Date"] == "Wed, 25 Nov 2026 12:30:00 +0000"
    assert mail["Message-ID"] == "<ticket-5f0c2b9e41d84a7c@clico-support>"  # the thread root
    assert mail["Content-Language"] == "pl"
    raw = mail.as_bytes()
    assert raw.isascii()
    raw_subject = email.message_from_bytes(raw, policy=policy.compat32)["Subject"]
    assert "=?utf-8?" in raw_subject  # RFC 2047 encoded words
    assert str(make_header(decode_header(raw_subject))) == mail["Subject"]


def test_the_same_outbox_row_always_gets_the_same_message_id() -> None:
    reply = MailTemplate.TICKET_REPLY
    first = RENDERER.render(ticket("a", template=reply), now=NOW)
    again = RENDERER.render(ticket("a", template=reply), now=datetime(2026, 12, 1, tzinfo=UTC))
    assert first["Message-ID"] == "<0f1e2d3c@clico-support>"
    assert first["Message-ID"] == again["Message-ID"]
    assert RENDERER.message_id("weird id\r\n<>") == "<weird-id----@clico-support>"


def test_header_injection_is_flattened() -> None:
    mail = RENDERER.render(ticket("x\r\nBcc: victim@example.com", name="Eve\r\nCc: a@b.c"),
                           now=NOW)
    assert mail["Bcc"] is None and mail["Cc"] is None
    assert mail["Subject"].endswith("x Bcc: victim@example.com")
    assert mail["To"].addresses[0].display_name == "Eve Cc: a@b.c"


def test_a_recipient_with_a_line_break_is_refused() -> None:
    message = OutboxMessage("1", OutgoingMail(MailTemplate.PASSWORD_CHANGED,
                                              "a@example.com\r\nBcc: b@example.com",
                                              Language.PL, {"name": "A", "login": "a"}), NOW)
    with pytest.raises(ValueError, match="control"):
        RENDERER.render(message, now=NOW)


@given(subject=st.text(max_size=300), name=st.text(max_size=100))
def test_any_text_in_names_and_subjects_makes_a_well_formed_message(subject: str,
                                                                    name: str) -> None:
    mail = RENDERER.render(ticket(subject, name, template=MailTemplate.TICKET_REPLY), now=NOW)
    raw = mail.as_bytes()
    headers = raw.split(b"\r\n\r\n", 1)[0]
    for line in headers.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line
    names = [line.split(b":", 1)[0].lower() for line in headers.split(b"\r\n")
             if line[:1] not in (b" ", b"\t")]
    assert sorted(names) == sorted([b"from", b"to", b"subject", b"date", b"message-id",
                                    b"in-reply-to", b"references", b"auto-submitted",
                                    b"mime-version", b"content-type", b"content-language"])
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]
    assert parsed["Message-ID"] == "<0f1e2d3c@clico-support>"


@pytest.mark.parametrize("path", [
    "https://evil.example/confirm/x", "//evil.example/x", "javascript:alert(1)",
    "confirm/x", "/\\evil.example", "/confirm/x\r\nLocation: y", "",
])
def test_links_are_only_ever_paths_below_the_base_url(path: str) -> None:
    with pytest.raises(ValueError, match="below the base URL"):
        RENDERER.url_for(path)


def test_link_paths_are_joined_to_the_base_url_and_quoted() -> None:
    assert RENDERER.url_for("/confirm/abc-_.~") == "https://support.example.com/confirm/abc-_.~"
    assert RENDERER.url_for("/tickets/a b\"<") == \
        "https://support.example.com/tickets/a%20b%22%3C"


@pytest.mark.parametrize("base", ["ftp://x.example", "support.example.com",
                                  "https://x.example/?q=1", "https://u:p@x.example",
                                  "https://x.example/\r\n"])
def test_a_bad_base_url_is_refused_at_start(base: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        MailRenderer(base)


@pytest.mark.parametrize("sender", ["Support <a@b.c>", "a@b.c\r\nBcc: x@y.z", "nobody", "@b.c"])
def test_a_bad_sender_is_refused_at_start(sender: str) -> None:
    with pytest.raises(ValueError, match="sender"):
        MailRenderer("https://x.example", sender)
