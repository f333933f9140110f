"""The SMTP transport against aiosmtpd: STARTTLS, implicit TLS, credentials, timeouts."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult

from clico_adapters.mail import (
    MailRenderer,
    SmtpTransport,
    StartTls,
    TemporaryDeliveryError,
    transport_from_url,
)
from clico_adapters.mail.samples import SAMPLE_CONTEXTS
from clico_core.mail import MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

from .smtp import SmtpServer, free_port

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, certificate))
    return context


def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def a_mail() -> EmailMessage:
    message = OutboxMessage("tls-1", OutgoingMail(
        MailTemplate.PASSWORD_CHANGED, "jan@example.com", Language.PL,
        SAMPLE_CONTEXTS[MailTemplate.PASSWORD_CHANGED]), NOW)
    return MailRenderer("https://x.example").render(message, now=NOW)


def accept_ann(server: Any, session: Any, envelope: Any, mechanism: str,
               auth_data: Any) -> AuthResult:
    return AuthResult(success=auth_data.login == b"ann" and auth_data.password == b"s3cret")


def test_starttls_is_used_when_offered(certificate: tuple[Path, Path]) -> None:
    with SmtpServer(tls_context=server_context(certificate)) as server:
        SmtpTransport(server.host, server.port, ssl_context=trusting(certificate)).send(a_mail())
        assert server.received[0].tls


def test_an_untrusted_certificate_is_never_a_reason_to_fall_back_to_plain_text(
        certificate: tuple[Path, Path]) -> None:
    with SmtpServer(tls_context=server_context(certificate)) as server:
        with pytest.raises(TemporaryDeliveryError, match="unavailable") as caught:
            transport_from_url(server.url).send(a_mail())  # the system CAs do not know it
        assert caught.value.unavailable
        assert server.received == []


def test_starttls_require_refuses_a_server_without_it(smtp_server: SmtpServer) -> None:
    with pytest.raises(TemporaryDeliveryError, match="STARTTLS"):
        transport_from_url(smtp_server.url + "?starttls=require").send(a_mail())
    assert smtp_server.received == []


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    with SmtpServer(ssl_context=server_context(certificate)) as server:
        transport = transport_from_url(f"smtps://{server.host}:{server.port}")
        assert isinstance(transport, SmtpTransport)
        transport.ssl_context = trusting(certificate)
        transport.send(a_mail())
        assert server.received[0].tls


def test_credentials_are_sent_over_starttls(certificate: tuple[Path, Path]) -> None:
    with SmtpServer(tls_context=server_context(certificate), authenticator=accept_ann,
                    auth_required=True) as server:
        transport = transport_from_url(f"smtp://ann:s3cret@{server.host}:{server.port}")
        assert isinstance(transport, SmtpTransport)
        transport.ssl_context = trusting(certificate)
        transport.send(a_mail())
        assert server.received[0].authenticated and server.received[0].tls


def test_credentials_are_never_sent_in_plain_text_unless_told(smtp_server: SmtpServer) -> None:
    with pytest.raises(TemporaryDeliveryError, match="without TLS"):
        transport_from_url(f"smtp://ann:s3cret@{smtp_server.host}:{smtp_server.port}"
                           ).send(a_mail())
    assert smtp_server.received == []


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", free_port()))
        silent.listen(1)
        host, port = silent.getsockname()
        transport = SmtpTransport(host, port, timeout=0.5, starttls=StartTls.OFF)
        started = time.monotonic()
        with pytest.raises(TemporaryDeliveryError, match="unavailable"):
            transport.send(a_mail())
        assert time.monotonic() - started < 5
