"""Delivery into a local Maildir (the default for local runs) with one log line per mail."""

from __future__ import annotations

import logging
import mailbox
import os
import threading
from email.message import EmailMessage

from clico_core.mail import MailTemplate, OutboxMessage

from .errors import TemporaryDeliveryError

log = logging.getLogger("clico.mail")


class MaildirTransport:
    """Writes each message to ``path`` (created if missing); open it with any mail reader.

    The log line names the recipient and subject, never the body: bodies hold links and codes.
    ``log_codes=True`` (``maildir:///path?log_codes=1``) also logs sign-in codes so a person
    trying the portal locally can sign in without a mail reader; never use it in production.
    """

    def __init__(self, path: str | os.PathLike[str], *, log_codes: bool = False) -> None:
        self.path = os.fspath(path)
        self.log_codes = log_codes
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<MaildirTransport {self.path}>"

    def probe(self) -> None:
        """The Maildir exists (or is made) and is writable by us (``clico doctor``)."""
        try:
            mailbox.Maildir(self.path, create=True)
        except OSError as error:
            raise TemporaryDeliveryError(f"cannot create the Maildir: {error}",
                                         unavailable=True) from None
        if not os.access(os.path.join(self.path, "tmp"), os.W_OK):
            raise TemporaryDeliveryError(f"the Maildir {self.path} is not writable",
                                         unavailable=True)

    def send(self, message: EmailMessage, source: OutboxMessage | None = None) -> None:
        try:
            with self._lock:
                key = mailbox.Maildir(self.path, create=True).add(
                    message.as_bytes(policy=message.policy.clone(linesep="\n")))
        except OSError as error:
            raise TemporaryDeliveryError(f"cannot write to the Maildir: {error}",
                                         unavailable=True) from None
        log.info("mail to %s: %s (maildir %s)", message["To"], message["Subject"], key)
        if (self.log_codes and source is not None
                and source.mail.template is MailTemplate.SIGN_IN_CODE):
            log.info("demo: sign-in code for %s is %s", source.mail.to,
                     source.mail.context.get("code", "?"))
