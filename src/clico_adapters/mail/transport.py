"""The ``Transport`` port of the mail worker and ``transport_from_url`` (``CLICO_MAIL_URL``)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from clico_core.mail import OutboxMessage

from .maildir import MaildirTransport
from .memory import MemoryTransport
from .smtp import DEFAULT_TIMEOUT, SmtpTransport, StartTls

_TRUE = ("1", "true", "yes", "on")


class Transport(Protocol):
    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        """Hand one rendered message on, or raise a ``DeliveryError``.

        ``source`` is the outbox row it came from (for transports that log about it).
        """
        ...


def probe(transport: Transport) -> None:
    """Check that ``transport`` could deliver, without delivering anything (SMTP: connect,
    secure, log in, QUIT; Maildir: writable); a transport without a probe passes."""
    check = getattr(transport, "probe", None)
    if check is not None:
        check()


def transport_from_url(url: str) -> Transport:
    """Build a transport from a mail URL.

    - ``smtp://[user:pass@]host[:port][?starttls=auto|require|off][&timeout=seconds]``
      (port 25 by default; STARTTLS is used when the server offers it, ``require`` refuses to
      send without it, ``off`` never tries; credentials are only ever sent over TLS unless
      ``starttls=off`` says plain text is acceptable)
    - ``smtps://[user:pass@]host[:port][?timeout=seconds]`` (implicit TLS, port 465)
    - ``maildir:///absolute/path[?log_codes=1]`` (a local mailbox; ``log_codes`` also logs
      sign-in codes, for local demos only)
    - ``memory://`` (keeps messages in a list, for tests)
    """
    parts = urlsplit(url.strip())
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    if scheme in ("smtp", "smtps"):
        return _smtp(scheme, parts.hostname, parts.port, parts.username, parts.password, query)
    if scheme == "maildir":
        path = unquote(parts.path)
        if parts.netloc or not path.startswith("/"):
            raise ValueError("a maildir URL needs an absolute path: maildir:///var/clico/mail")
        _only(query, "log_codes")
        return MaildirTransport(path, log_codes=query.get("log_codes", "").lower() in _TRUE)
    if scheme == "memory":
        _only(query)
        return MemoryTransport()
    raise ValueError(f"unknown mail URL scheme {parts.scheme!r}: use smtp, smtps, maildir "
                     "or memory")


def _smtp(scheme: str, host: str | None, port: int | None, user: str | None,
          password: str | None, query: dict[str, str]) -> SmtpTransport:
    if not host:
        raise ValueError(f"an {scheme} URL needs a host: {scheme}://mail.example.com:587")
    _only(query, "timeout", *(("starttls",) if scheme == "smtp" else ()))
    try:
        starttls = StartTls(query.get("starttls", "auto").lower())
    except ValueError:
        raise ValueError("starttls must be auto, require or off") from None
    timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
    if not 0 < timeout <= 600:
        raise ValueError("timeout must be between 0 and 600 seconds")
    return SmtpTransport(
        host, port or (465 if scheme == "smtps" else 25),
        username=unquote(user) if user else None,
        password=unquote(password) if password else None,
        implicit_tls=scheme == "smtps", starttls=starttls, timeout=timeout)


def _only(query: dict[str, str], *allowed: str) -> None:
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        raise ValueError(f"unknown mail URL option(s): {', '.join(unknown)}")
