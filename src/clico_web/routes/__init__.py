"""The routes of the portal as one plain list, with the static files mounted at the end."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from ..security.headers import STATIC_PREFIX
from . import (
    account,
    admin_contracts,
    admin_levels,
    admin_staff,
    admin_webhooks,
    api_tokens,
    assets,
    companies,
    contracts,
    enrolment,
    kb,
    kb_files,
    kb_staff,
    language,
    operations,
    pages,
    passwords,
    reply_templates,
    signin,
    signup,
    staff_queue,
    staff_sla,
    staff_ticket,
    tickets,
    two_factor,
)

STATIC = Path(__file__).parent.parent / "static"
# Paths whose POSTs are streamed uploads (``clico_web.attachments.read_upload``): the CSRF
# middleware reads only their first field instead of the whole body. Every other path
# refuses a multipart body.
UPLOAD_PATHS: tuple[re.Pattern[str], ...] = (re.compile(r"/tickets/[^/]+/reply"),
                                              re.compile(r"/admin/contracts/import"),
                                              re.compile(r"/staff/kb/new"),
                                              re.compile(r"/staff/kb/[^/]+/edit"))


def routes() -> list[BaseRoute]:
    return [
        *signin.routes,
        *passwords.routes,
        *signup.routes,
        *pages.routes,
        *kb.routes,
        *kb_files.routes,
        *kb_staff.routes,
        *tickets.routes,
        *staff_queue.routes,
        *contracts.routes,
        *assets.routes,
        *companies.routes,
        *admin_contracts.routes,
        *account.routes,
        *api_tokens.routes,
        *two_factor.routes,
        *enrolment.routes,
        *admin_staff.routes,
        *language.routes,
        *staff_ticket.routes,
        *reply_templates.routes,
        *staff_sla.routes,
        *admin_levels.routes,
        *admin_webhooks.routes,
        *operations.routes,
        Mount(STATIC_PREFIX.rstrip("/"), app=StaticFiles(directory=STATIC), name="static"),
    ]
