"""``Raport SLA`` for staff: the month's figures per company and level, and their CSV."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clico_core.errors import ClicoError, NotFound

from ..portal import portal_of
from ..rendering import failure, render
from ..sessions import staff_only, viewer_of
from ..sla_csv import report_csv

MAX_MONTH_CHARS = 16


def _month(request: Request) -> str:
    return request.query_params.get("month", "")[:MAX_MONTH_CHARS]


@staff_only
async def report_page(request: Request) -> Response:
    portal = portal_of(request)
    month = _month(request)
    try:
        report = await portal.call(portal.services.staff_sla_report, viewer_of(request), month)
    except NotFound as error:
        raise HTTPException(404) from error
    except ClicoError as error:  # a month that is not YYYY-MM
        shown = failure(request, error)
        return render(request, "staff/sla_report.html",
                      {"section": "sla", "report": None, "month": month,
                       "message": shown.message, "errors": shown.fields}, status=shown.status)
    return render(request, "staff/sla_report.html",
                  {"section": "sla", "report": report, "month": report.month})


@staff_only
async def report_csv_download(request: Request) -> Response:
    portal = portal_of(request)
    try:
        report = await portal.call(portal.services.staff_sla_report, viewer_of(request),
                                   _month(request))
    except NotFound as error:
        raise HTTPException(404) from error
    except ClicoError as error:
        raise HTTPException(400, "month must be YYYY-MM") from error
    return Response(report_csv(report), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="sla-{report.month}.csv"'})


routes = [
    Route("/staff/sla", report_page, name="sla_report"),
    Route("/staff/sla.csv", report_csv_download, name="sla_report_csv"),
]
