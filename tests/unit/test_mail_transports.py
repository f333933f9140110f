"""Choosing a transport by URL; the Maildir and in-memory transports; mail settings."""

from __future__ import annotations

import logging
import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clico_adapters.config import Settings, SettingsError
from clico_adapters.mail import (
    MaildirTransport,
    MailRenderer,
    MemoryTransport,
    SmtpTransport,
    StartTls,
    default_mail_url,
    transport_from_url,
)
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def rendered(template: MailTemplate) -> tuple[OutboxMessage, object]:
    message = OutboxMessage("id-1", OutgoingMail(template, "jan@example.com", Language.PL,
                                                 SAMPLE_CONTEXTS[template]), NOW)
    return message, MailRenderer("https://x.example").render(message, now=NOW)


def test_smtp_url_with_credentials_and_options() -> None:
    transport = transport_from_url(
        "smtp://us%40er:p%3Ass@mail.example.com:587?starttls=require&timeout=5")
    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port) == ("mail.example.com", 587)
    assert (transport.username, transport.password) == ("us@er", "p:ss")
    assert transport.starttls is StartTls.REQUIRE
    assert transport.timeout == 5.0
    assert not transport.implicit_tls
    assert "p:ss" not in repr(transport) and "p%3Ass" not in repr(transport)


def test_smtp_defaults_and_smtps() -> None:
    plain = transport_from_url("smtp://relay.example")
    assert isinstance(plain, SmtpTransport)
    assert (plain.port, plain.starttls, plain.timeout) == (25, StartTls.AUTO, 20.0)
    assert plain.username is None
    tls = transport_from_url("smtps://relay.example")
    assert isinstance(tls, SmtpTransport)
    assert (tls.port, tls.implicit_tls) == (465, True)


def test_maildir_and_memory_urls(tmp_path: Path) -> None:
    box = transport_from_url(f"maildir://{tmp_path}/mail%20box")
    assert isinstance(box, MaildirTransport)
    assert box.path == f"{tmp_path}/mail box"
    assert not box.log_codes
    demo = transport_from_url(f"maildir://{tmp_path}?log_codes=1")
    assert isinstance(demo, MaildirTransport) and demo.log_codes
    assert isinstance(transport_from_url("memory://"), MemoryTransport)


@pytest.mark.parametrize(("url", "complaint"), [
    ("ftp://x", "scheme"), ("smtp://", "host"), ("smtp://x?starttls=maybe", "starttls"),
    ("smtp://x?timeout=0", "timeout"), ("smtp://x?verbose=1", "unknown"),
    ("smtps://x?starttls=require", "unknown"), ("maildir://relative/path", "absolute"),
    ("maildir:relative", "absolute"), ("memory://?x=1", "unknown"),
])
def test_bad_urls_are_refused_clearly(url: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        transport_from_url(url)


def test_a_bad_smtp_url_never_echoes_the_password() -> None:
    with pytest.raises(ValueError) as caught:
        transport_from_url("smtp://user:hunter2@x?starttls=maybe")
    assert "hunter2" not in str(caught.value)


def test_maildir_stores_readable_mail_and_logs_subject_and_recipient_only(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    transport = MaildirTransport(tmp_path / "mail")
    message, mail = rendered(MailTemplate.SIGN_IN_CODE)
    with caplog.at_level(logging.DEBUG, logger="clico.mail"):
        transport.send(mail, message)  # type: ignore[arg-type]
    stored = list(mailbox.Maildir(tmp_path / "mail", create=False))
    assert len(stored) == 1
    assert stored[0]["Message-ID"] == "<id-1@clico-support>"
    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert "jan@example.com" in line and "Kod logowania do CLICO Support System" in line
    assert "042917" not in caplog.text


def test_maildir_logs_sign_in_codes_only_when_asked(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    transport = transport_from_url(f"maildir://{tmp_path}/mail?log_codes=1")
    with caplog.at_level(logging.INFO, logger="clico.mail"):
        for template in (MailTemplate.SIGN_IN_CODE, MailTemplate.CONFIRM_EMAIL):
            message, mail = rendered(template)
            transport.send(mail, message)  # type: ignore[arg-type]
    assert "sign-in code for jan@example.com is 042917" in caplog.text
    assert "Zm9vYmFyLXNlY3JldC10b2tlbg" not in caplog.text  # links never


def test_memory_transport_keeps_messages_by_recipient() -> None:
    transport = MemoryTransport()
    message, mail = rendered(MailTemplate.PASSWORD_CHANGED)
    transport.send(mail, message)  # type: ignore[arg-type]
    assert transport.to("JAN@example.com") == transport.messages
    assert transport.to("other@example.com") == []


def test_mail_settings_from_the_environment(tmp_path: Path) -> None:
    def read(**variables: str) -> Settings:
        return Settings.from_env({"CLICO_DATA_DIR": str(tmp_path / "var"), **variables})

    assert read().effective_mail_url() == f"maildir://{tmp_path}/var/mail"
    assert isinstance(transport_from_url(default_mail_url(tmp_path / "a b")), MaildirTransport)
    assert read(CLICO_MAIL_URL=" smtp://x ").effective_mail_url() == "smtp://x"
    demo = transport_from_url(read(CLICO_MODE="demo").effective_mail_url())
    assert isinstance(demo, MaildirTransport) and demo.log_codes
    assert read(CLICO_MODE="demo", CLICO_MAIL_URL="smtp://x").effective_mail_url() == "smtp://x"
    assert read().mail_from == read(CLICO_MAIL_FROM=" ").mail_from == "support-system@clico.pl"
    assert read(CLICO_MAIL_FROM="help@example.com").mail_from == "help@example.com"
    with pytest.raises(SettingsError, match="CLICO_MAIL_FROM must be a bare e-mail address"):
        read(CLICO_MAIL_FROM="a@b.c\nBcc: d@e.f")
    assert read().base_url == "http://127.0.0.1:8000"
    assert read(CLICO_BASE_URL="https://support.clico.pl/").base_url == \
        "https://support.clico.pl"
    with pytest.raises(SettingsError, match="CLICO_BASE_URL must be an absolute http"):
        read(CLICO_BASE_URL="https://support.clico.pl/?next=evil")
