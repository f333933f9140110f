"""Render an outbox message into a multipart ``EmailMessage`` with the Jinja2 templates.

One template per message, ``templates/<message>/{subject.txt, body.txt, body.html}``, for
every language: its sentences are gettext msgids (``_("…")``), translated by the ``mail``
catalog (``locale/<language>/LC_MESSAGES/mail.po``) and the labels shared with the portal
(``clico_adapters.i18n``). ``templates/layout/`` holds the frame, the footer and the HTML
pieces passed into sentences. Context keys ending in ``_path`` (``link_path``,
``reset_path``) also appear as absolute ``…_url`` built from the configured base URL, never
from anything a request carried.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from attrs import frozen
from babel.support import Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from clico_core.mail import THREAD_KEY, MailTemplate, OutboxMessage, OutgoingMail
from clico_core.values import Language

from ..i18n import LABELS, CatalogFile, load_translations
from ..i18n.labels import TICKET_KIND_LABELS, TICKET_STATUS_LABELS
from .filters import duration, long_date
from .settings import DEFAULT_SENDER, MAINTENANCE_ADDRESS, check_base_url, check_sender

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_MESSAGE_IDS = re.compile(r"<[A-Za-z0-9._-]+@[A-Za-z0-9._-]+>( <[A-Za-z0-9._-]+@[A-Za-z0-9._-]+>)*")
_ID_HEADERS = frozenset({"message-id", "in-reply-to", "references"})
REQUEST_ID_HEADER = "X-Clico-Request-Id"
MAX_LINE = 998  # RFC 5322 2.1.1: no line of a message may be longer
PRODUCT_NAME = "CLICO Support System"
MAIL_CATALOGS = (CatalogFile(Path(__file__).parent / "locale", "mail"), LABELS)


def header_text(value: str, max_length: int = 200) -> str:
    """One header line: control characters (CR/LF included) become spaces, runs collapse."""
    return " ".join(_CONTROL.sub(" ", value).split())[:max_length]


class IdSafePolicy(EmailPolicy):
    """``policy.SMTP``, except that Message-ID, In-Reply-To and References go out as set.

    The email package treats In-Reply-To and References as unstructured text: one longer
    than 78 characters is folded into RFC 2047 encoded words, which Outlook and Gmail do not
    read as ids, and the thread breaks. Ours are short ASCII ids the renderer built itself, so
    they are written on one line; anything else here is refused rather than sent mangled.
    """

    def fold(self, name: str, value: str) -> str:
        if name.lower() in _ID_HEADERS:
            return _id_line(name, str(value), self.linesep)
        folded: str = super().fold(name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in _ID_HEADERS:
            return _id_line(name, str(value), self.linesep).encode("ascii")
        return super().fold_binary(name, value)


def _id_line(name: str, value: str, linesep: str) -> str:
    line = f"{name}: {value}"
    if not _MESSAGE_IDS.fullmatch(value) or len(line) > MAX_LINE:
        raise ValueError(f"{name} must be a short list of plain message ids")
    return line + linesep


SMTP_POLICY = IdSafePolicy(linesep="\r\n")


@frozen
class RenderedMail:
    subject: str
    text: str
    html: str


def environment(translations: Translations) -> Environment:
    """The templates with one language's catalogs installed (one environment per language)."""
    env = Environment(
        loader=PackageLoader("clico_adapters.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False,
                                     default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    # newstyle: _("… %(name)s", name=…) formats after translating, escaping values in HTML;
    # the i18n extension adds this method to the environment at run time
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters["duration"] = partial(duration, translations=translations)
    env.filters["long_date"] = long_date
    env.globals.update(KIND_LABELS=TICKET_KIND_LABELS, STATUS_LABELS=TICKET_STATUS_LABELS)
    return env


class MailRenderer:
    """Turns ``OutboxMessage``s into ready-to-send ``EmailMessage``s."""

    def __init__(self, base_url: str, sender: str = DEFAULT_SENDER, *,
                 sender_name: str = PRODUCT_NAME, maintenance: str = MAINTENANCE_ADDRESS,
                 message_id_domain: str = "clico-support") -> None:
        self.base_url = check_base_url(base_url)
        self.sender = check_sender(sender)
        self.sender_name = header_text(sender_name)
        self.maintenance = check_sender(maintenance)
        self.message_id_domain = _ID_UNSAFE.sub("-", message_id_domain)
        if not self.message_id_domain or len(self.message_id_domain) > 200:
            raise ValueError("the Message-ID domain must be 1 to 200 characters")
        self._envs = {language: environment(load_translations(language.value, MAIL_CATALOGS))
                      for language in Language}

    def url_for(self, path: str) -> str:
        """An absolute link below the base URL; ValueError for anything but a local path."""
        parts = urlsplit(path)
        if (not path.startswith("/") or path.startswith("//") or parts.scheme or parts.netloc
                or "\\" in path or _CONTROL.search(path)):
            # the value is not echoed: a link path may carry a secret, and errors reach logs
            raise ValueError("mail links must be paths below the base URL")
        return self.base_url + quote(path, safe="/-_.~=&?")

    def render_parts(self, mail: OutgoingMail) -> RenderedMail:
        """Subject, plain text and HTML of one mail (also handy for previews)."""
        lang = mail.language.value
        context: dict[str, Any] = dict(mail.context)
        for key, value in mail.context.items():
            if key.endswith("_path"):
                context[key.removesuffix("_path") + "_url"] = self.url_for(value)
        context.update(lang=lang, base_url=self.base_url, maintenance=self.maintenance,
                       product=PRODUCT_NAME)
        env, folder = self._envs[mail.language], mail.template.value
        subject = header_text(env.get_template(f"{folder}/subject.txt").render(context))
        context["subject_line"] = subject
        text = env.get_template(f"{folder}/body.txt").render(context)
        html = env.get_template(f"{folder}/body.html").render(context)
        return RenderedMail(subject, text, html)

    def render(self, message: OutboxMessage, *, now: datetime) -> EmailMessage:
        """The full message: headers, then text and HTML as multipart/alternative."""
        mail = message.mail
        if _CONTROL.search(mail.to):
            raise ValueError("the recipient address holds control characters")
        parts = self.render_parts(mail)
        email = EmailMessage(policy=SMTP_POLICY)
        email["From"] = Address(self.sender_name, addr_spec=self.sender)
        email["To"] = Address(header_text(mail.context.get("name", "")), addr_spec=mail.to)
        email["Subject"] = parts.subject
        email["Date"] = format_datetime(now)
        self._set_ids(email, message)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
        if _ID_UNSAFE.search(message.request_id) is None and message.request_id:
            # the web request that queued it: its log line has the same id (operations.md)
            email[REQUEST_ID_HEADER] = message.request_id
        # quoted-printable keeps Polish letters intact through relays without 8BITMIME
        email.set_content(parts.text, cte="quoted-printable")
        email.add_alternative(parts.html, subtype="html", cte="quoted-printable")
        email["Content-Language"] = mail.language.value  # after set_content, which clears it
        return email

    def _set_ids(self, email: EmailMessage, message: OutboxMessage) -> None:
        """Message-ID, and for a ticket's mail the headers that thread it under its root."""
        thread = message.mail.context.get(THREAD_KEY)
        if not thread:
            email["Message-ID"] = self.message_id(message.id)
            return
        root = self.thread_root(thread)
        if message.mail.template is MailTemplate.TICKET_CREATED:
            email["Message-ID"] = root  # the first mail of the thread is its root
            return
        email["Message-ID"] = self.message_id(message.id)
        # the root alone: every later mail points at the same, existing parent, so a client
        # that threads by References (Thunderbird, Gmail) or by In-Reply-To (Outlook) groups
        # them all, and the header stays one short line however long the thread grows
        email["In-Reply-To"] = root
        email["References"] = root

    def message_id(self, outbox_id: str) -> str:
        """``<outbox-id@clico-support>``: the same for every resend of one outbox row."""
        return f"<{_ID_UNSAFE.sub('-', outbox_id)}@{self.message_id_domain}>"

    def thread_root(self, ticket_id: str) -> str:
        """``<ticket-<id>@clico-support>``: a ticket's thread root, derived, never stored."""
        return f"<ticket-{_ID_UNSAFE.sub('-', ticket_id)}@{self.message_id_domain}>"
