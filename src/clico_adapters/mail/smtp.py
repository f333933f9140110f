"""Sending through an SMTP server with smtplib: STARTTLS or implicit TLS, explicit timeouts.

One connection per message: transactional mail is low volume, and a fresh connection never
trips over one the server closed while the worker was idle.
"""

from __future__ import annotations

import enum
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage

from clico_core.mail import OutboxMessage

from .errors import DeliveryError, PermanentDeliveryError, TemporaryDeliveryError

DEFAULT_TIMEOUT = 20.0  # seconds, per socket operation (connect, each command, data)


class StartTls(enum.StrEnum):
    AUTO = "auto"  # upgrade when the server offers it
    REQUIRE = "require"  # refuse to send in plain text
    OFF = "off"  # never upgrade (a trusted local relay)


class SmtpTransport:
    def __init__(self, host: str, port: int, *, username: str | None = None,
                 password: str | None = None, implicit_tls: bool = False,
                 starttls: StartTls = StartTls.AUTO, timeout: float = DEFAULT_TIMEOUT,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password or ""
        self.implicit_tls = implicit_tls
        self.starttls = starttls
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()

    def __repr__(self) -> str:  # never show the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"<SmtpTransport {scheme}://{self.host}:{self.port}>"

    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        self._session(lambda client: client.send_message(message))

    def probe(self) -> None:
        """Connect, greet, secure and log in as ``send`` does, then QUIT: no mail is sent
        (``clico doctor``). Raises the ``DeliveryError`` a send would."""
        self._session(lambda client: None)

    def _session(self, action: Callable[[smtplib.SMTP], object]) -> None:
        try:
            with self._connect() as client:
                self._secure_and_log_in(client)
                action(client)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()), (550, b"refused"))
            raise _from_reply(code, text, "recipient refused") from None
        except smtplib.SMTPAuthenticationError as error:
            raise TemporaryDeliveryError(f"SMTP authentication failed: {error.smtp_code}",
                                         unavailable=True) from None
        except smtplib.SMTPNotSupportedError as error:
            raise PermanentDeliveryError(f"SMTP server cannot take this message: {error}"
                                         ) from None
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError) as error:
            raise TemporaryDeliveryError(_reply(error.smtp_code, error.smtp_error),
                                         unavailable=True) from None
        except smtplib.SMTPResponseException as error:  # sender refused, data refused, …
            raise _from_reply(error.smtp_code, error.smtp_error, "") from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:  # refused, timeout, TLS
            raise TemporaryDeliveryError(
                f"SMTP server {self.host}:{self.port} unavailable: "
                f"{type(error).__name__}: {error}", unavailable=True) from None

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self.ssl_context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _secure_and_log_in(self, client: smtplib.SMTP) -> None:
        client.ehlo_or_helo_if_needed()
        secure = self.implicit_tls
        if not secure and self.starttls is not StartTls.OFF:
            if client.has_extn("starttls"):
                client.starttls(context=self.ssl_context)
                client.ehlo()
                secure = True
            elif self.starttls is StartTls.REQUIRE:
                raise TemporaryDeliveryError(
                    f"SMTP server {self.host}:{self.port} does not offer STARTTLS "
                    "(starttls=require)", unavailable=True)
        if self.username:
            if not secure and self.starttls is not StartTls.OFF:
                raise TemporaryDeliveryError(
                    f"refusing to send SMTP credentials to {self.host}:{self.port} without TLS "
                    "(the server offers no STARTTLS; use starttls=off to allow it)",
                    unavailable=True)
            client.login(self.username, self.password)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def _from_reply(code: int, text: bytes | str, what: str) -> DeliveryError:
    described = f"{what}: {_reply(code, text)}" if what else _reply(code, text)
    if 400 <= code < 500:
        return TemporaryDeliveryError(described)
    return PermanentDeliveryError(described)
