"""The language switcher: remembers the choice in a cookie and goes back."""

from __future__ import annotations

from attrs import frozen
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..forms import read_form
from ..i18n import LANGUAGE_COOKIE, LANGUAGES
from ..portal import portal_of

ONE_YEAR = 365 * 24 * 3600


@frozen
class LanguageForm:
    language: str
    next: str


def _safe_next(target: str) -> str:
    """Only a local path (never ``//host`` or a scheme): no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target[:2000]
    return "/"


async def switch_language(request: Request) -> Response:
    form = await read_form(request, LanguageForm)
    if form.language not in LANGUAGES:
        raise HTTPException(400)
    response = RedirectResponse(_safe_next(form.next), status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, form.language, max_age=ONE_YEAR, path="/",
                        httponly=True, samesite="lax", secure=portal_of(request).settings.https)
    return response


routes = [Route("/language", switch_language, methods=["POST"], name="language")]
