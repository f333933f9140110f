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
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from attrs import frozen
from babel.support import Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from clico_core.mail import OutboxMessage, OutgoingMail
from clico_core.values import Language

from ..i18n import LABELS, CatalogFile, load_translations
from ..i18n.labels import TICKET_KIND_LABELS, TICKET_STATUS_LABELS
from .filters import duration, long_date
from .settings import DEFAULT_SENDER, MAINTENANCE_ADDRESS, check_base_url, check_sender

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
PRODUCT_NAME = "CLICO Support System"
MAIL_CATALOGS = (CatalogFile(Path(__file__).parent / "locale", "mail"), LABELS)


def header_text(value: str, max_length: int = 200) -> str:
    """One header line: control characters (CR/LF included) become spaces, runs collapse."""
    return " ".join(_CONTROL.sub(" ", value).split())[:max_length]


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
        email = EmailMessage(policy=policy.SMTP)
        email["From"] = Address(self.sender_name, addr_spec=self.sender)
        email["To"] = Address(header_text(mail.context.get("name", "")), addr_spec=mail.to)
        email["Subject"] = parts.subject
        email["Date"] = format_datetime(now)
        email["Message-ID"] = self.message_id(message.id)
        email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
        # quoted-printable keeps Polish letters intact through relays without 8BITMIME
        email.set_content(parts.text, cte="quoted-printable")
        email.add_alternative(parts.html, subtype="html", cte="quoted-printable")
        email["Content-Language"] = mail.language.value  # after set_content, which clears it
        return email

    def message_id(self, outbox_id: str) -> str:
        """``<outbox-id@clico-support>``: the same for every resend of one outbox row."""
        return f"<{_ID_UNSAFE.sub('-', outbox_id)}@{self.message_id_domain}>"
