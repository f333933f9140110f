"""Mail from the services to a real SMTP server (aiosmtpd): links and codes work, headers hold."""

from __future__ import annotations

import email
import re
from email import policy
from email.header import decode_header, make_header
from email.utils import parsedate_to_datetime

import pytest

from clico_adapters.mail import transport_from_url
from clico_core.errors import ClicoError
from clico_core.mail import DeliveryState
from clico_core.services import SignIn
from clico_core.values import Language

from ..support import PASSWORD
from .mail_support import (
    BASE_URL,
    EMAIL,
    START,
    MailRig,
    html_of,
    link_in,
    register,
    text_of,
)
from .smtp import SmtpServer


def test_the_confirmation_mail_link_confirms_the_account(mail_rig: MailRig,
                                                         smtp_server: SmtpServer) -> None:
    register(mail_rig)
    with pytest.raises(ClicoError):  # not confirmed yet
        mail_rig.world.services.sign_in(SignIn("jan", PASSWORD))

    assert mail_rig.worker(transport_from_url(smtp_server.url)).run_once() == 1

    mail = smtp_server.wait_for(EMAIL)
    link = link_in(mail, "/confirm/")
    mail_rig.world.services.confirm_email(link.rsplit("/", 1)[-1])
    assert mail_rig.world.services.sign_in(SignIn("jan", PASSWORD)).complete is False


def test_the_sign_in_code_mail_signs_in(mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    register(mail_rig)
    worker.run_once()
    services = mail_rig.world.services
    services.confirm_email(link_in(smtp_server.wait_for(EMAIL), "/confirm/").rsplit("/", 1)[-1])

    step = services.sign_in(SignIn("jan", PASSWORD, "203.0.113.9"))
    assert worker.run_once() == 1
    mail = smtp_server.wait_for(EMAIL)
    codes = set(re.findall(r"\b\d{6}\b", text_of(mail)))
    assert len(codes) == 1
    assert codes == set(re.findall(r">(\d{6})<", html_of(mail)))
    assert codes.pop() not in mail["Subject"]  # subjects reach logs; codes must not

    done = services.verify_code(step.session_token, re.findall(r"\b\d{6}\b",
                                                               text_of(mail))[0])
    assert done.complete
    assert services.authenticate(done.session_token) is not None


@pytest.mark.parametrize(("language", "subject"), [
    (Language.PL, "Potwierdź adres e-mail w CLICO Support System"),
    (Language.EN, "Confirm your e-mail address for the CLICO Support System"),
])
def test_headers_and_parts(mail_rig: MailRig, smtp_server: SmtpServer, language: Language,
                           subject: str) -> None:
    register(mail_rig, language=language)
    mail_rig.worker(transport_from_url(smtp_server.url)).run_once()
    received = smtp_server.received[0]
    mail = received.message

    assert received.mail_from == "support-system@clico.pl"
    assert received.rcpt_tos == (EMAIL,)
    assert str(mail["From"]) == "CLICO Support System <support-system@clico.pl>"
    assert mail["To"].addresses[0].addr_spec == EMAIL
    assert mail["To"].addresses[0].display_name == "Łukasz Żółkiewski"
    assert mail["Subject"] == subject
    raw_headers = received.raw.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # Polish letters travel as RFC 2047 encoded words
    raw_subject = email.message_from_bytes(received.raw, policy=policy.compat32)["Subject"]
    assert ("=?utf-8?" in raw_subject) is (language is Language.PL)
    assert str(make_header(decode_header(raw_subject))) == subject
    assert parsedate_to_datetime(mail["Date"]) >= START
    message_id = mail["Message-ID"]
    match = re.fullmatch(r"<([A-Za-z0-9._-]+)@clico-support>", message_id)
    assert match is not None
    stored = mail_rig.queue.get(match.group(1))
    assert stored is not None
    assert stored.state is DeliveryState.SENT
    assert mail["Content-Language"] == language.value
    assert mail["Auto-Submitted"] == "auto-generated"

    assert mail.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in mail.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in mail.iter_parts())
    assert "maintenance@clico.pl" in text_of(mail)
    assert "maintenance@clico.pl" in html_of(mail)
    assert link_in(mail, "/confirm/").startswith(BASE_URL + "/confirm/")


def test_signing_up_with_a_taken_address_mails_the_owner_a_reset_link(
        mail_rig: MailRig, smtp_server: SmtpServer) -> None:
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    register(mail_rig)
    register(mail_rig, login="someone", contract_number="C-2")  # same e-mail address
    assert worker.run_once() == 2
    smtp_server.wait_for(EMAIL)
    warning = smtp_server.wait_for(EMAIL)
    assert warning["Subject"] == "Próba rejestracji z Twoim adresem e-mail"
    assert link_in(warning, "/password/forgot") == BASE_URL + "/password/forgot"


def test_the_background_thread_delivers_and_stops(mail_rig: MailRig,
                                                  smtp_server: SmtpServer) -> None:
    worker = mail_rig.worker(transport_from_url(smtp_server.url))
    worker.start()
    try:
        register(mail_rig)
        worker.wake()
        assert smtp_server.wait_for(EMAIL, timeout=15)["Subject"].startswith("Potwierdź")
    finally:
        worker.stop()
    assert mail_rig.queue.stats().sent == 1
