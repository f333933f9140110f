"""Templates: one Jinja2 environment per language, each with its catalog installed.

Separate environments keep translation thread- and task-safe without any global state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from attrs import frozen
from babel.dates import format_datetime
from babel.support import Translations
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from clico_adapters.i18n.labels import TICKET_KIND_LABELS, TICKET_STATUS_LABELS
from clico_core.errors import ClicoError
from clico_core.kb import slugify

from .errors import field_message, info_for, message_args, retry_after_header
from .fragments import MAX_FRAGMENTS, Fragments
from .i18n import LANGUAGE_NAMES, LANGUAGES, choose_language
from .metrics import count_failure
from .observability import request_id_of, route_of
from .portal import portal_of
from .template_text import Ages, Dates, Messages


@frozen
class Feedback:
    status: int
    message: str
    fields: dict[str, str]
    headers: dict[str, str]


# Ticket kinds and statuses as msgids (translated in the templates), shared with the mails.
KIND_LABELS = TICKET_KIND_LABELS
STATUS_LABELS = TICKET_STATUS_LABELS

TEMPLATES = Path(__file__).parent / "templates"
PORTAL_ZONE = ZoneInfo("Europe/Warsaw")  # the portal's wall clock (``Ports.timezone``)


def business_time(delta: timedelta) -> str:
    """``3 h 05 min``: business time left on an SLA clock, to the minute."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _environment(language: str, translations: Translations, *, auto_reload: bool
                 ) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        # re-reading a changed template costs a stat of each template on every render
        auto_reload=auto_reload,
    )
    # the i18n extension adds this method to the environment at run time
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = Messages(translations.gettext)  # the same text, remembered
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["KIND_LABELS"] = KIND_LABELS
    # this language's remembered page parts; re-rendered each time while templates may change
    env.globals["cached"] = Fragments(env, max_entries=0 if auto_reload else MAX_FRAGMENTS)
    env.filters["date"] = Dates(language)
    env.filters["age"] = Ages(language)
    env.filters["moment"] = lambda value: _moment(value, language)
    env.filters["business_time"] = business_time
    env.filters["kb_slug"] = slugify
    return env


def _moment(value: datetime, language: str) -> str:
    """A date with its time of day, on the portal's wall clock."""
    return format_datetime(value, "short", tzinfo=PORTAL_ZONE, locale=language)


class Renderer:
    def __init__(self, translations: Mapping[str, Translations], *,
                 auto_reload: bool = False) -> None:
        """``auto_reload``: pick up edited templates without a restart (development)."""
        self.translations = dict(translations)
        self.templates = {
            language: Jinja2Templates(env=_environment(language, catalog,
                                                       auto_reload=auto_reload))
            for language, catalog in translations.items()}

    def language(self, request: Request) -> str:
        cached = getattr(request.state, "language", None)
        if isinstance(cached, str):
            return cached
        viewer = getattr(request.state, "viewer", None)
        account_language = viewer.account.language.value if viewer is not None else None
        language = choose_language(request, account_language,
                                   portal_of(request).settings.language)
        request.state.language = language
        return language

    def gettext(self, request: Request, message: str, **values: object) -> str:
        text = self.translations[self.language(request)].gettext(message)
        return text % values if values else text

    def render(self, request: Request, name: str, context: Mapping[str, Any] | None = None,
               status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        language = self.language(request)
        full: dict[str, Any] = {
            "lang": language,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "viewer": getattr(request.state, "viewer", None),
            "current_path": request.url.path,
            "errors": {},
            "values": {},
            "message": "",
            "notice": "",
            "request_id": request_id_of(request.scope),  # `Kod błędu` on error pages
        }
        full.update(context or {})
        return self.templates[language].TemplateResponse(
            request, name, full, status_code=status, headers=headers)


def failure(request: Request, error: ClicoError) -> Feedback:
    """How to show a core error: status, translated message, per-field messages, headers."""
    renderer = renderer_of(request)
    count_failure(route_of(request.scope), error)
    info = info_for(error)
    fields = getattr(error, "fields", None) or {}
    return Feedback(
        status=info.status,
        message=renderer.gettext(request, info.message, **message_args(error)),
        fields={name: renderer.gettext(request, field_message(code))
                for name, code in fields.items()},
        headers=retry_after_header(error),
    )


def renderer_of(request: Request) -> Renderer:
    renderer: Renderer = request.app.state.renderer
    return renderer


def render(request: Request, name: str, context: Mapping[str, Any] | None = None,
           status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return renderer_of(request).render(request, name, context, status, headers)
