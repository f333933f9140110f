"""``Poziomy wsparcia`` for administrators: the SLA levels, their calendars and targets."""

from __future__ import annotations

from attrs import asdict, frozen
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from clico_core.errors import AdminOnly, ClicoError, NotFound
from clico_core.services import EditLevel
from clico_core.sla import DEFAULT_SPECS, LevelSpec
from clico_core.tickets import Priority

from ..forms import read_form
from ..portal import portal_of
from ..rendering import failure, render
from ..sessions import admin_only, viewer_of
from .form_route import form_route

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@frozen
class LevelForm:
    name: str = ""
    timezone: str = "Europe/Warsaw"
    holiday_country: str = ""
    week_0: str = ""
    week_1: str = ""
    week_2: str = ""
    week_3: str = ""
    week_4: str = ""
    week_5: str = ""
    week_6: str = ""
    days_off: str = ""
    first_low: str = ""
    first_normal: str = ""
    first_high: str = ""
    first_critical: str = ""
    resolution_low: str = ""
    resolution_normal: str = ""
    resolution_high: str = ""
    resolution_critical: str = ""

    def command(self) -> EditLevel:
        values = asdict(self)
        return EditLevel(
            name=self.name.strip(), timezone=self.timezone,
            holiday_country=self.holiday_country,
            week=tuple(values[f"week_{day}"] for day in range(7)), days_off=self.days_off,
            first_response={p.value: values[f"first_{p.value}"] for p in Priority},
            resolution={p.value: values[f"resolution_{p.value}"] for p in Priority})


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g}"


def form_of(spec: LevelSpec) -> dict[str, str]:
    values = {"name": spec.name, "timezone": spec.timezone,
              "holiday_country": spec.holiday_country or "",
              "days_off": "\n".join(sorted(d.isoformat() for d in spec.extra_days_off))}
    for day, shifts in enumerate(spec.week):
        values[f"week_{day}"] = ", ".join(
            f"{s.start // 60:02d}:{s.start % 60:02d}-{s.end // 60:02d}:{s.end % 60:02d}"
            for s in shifts)
    for priority, targets in spec.targets.items():
        values[f"first_{priority.value}"] = _hours(targets.first_response.total_seconds() / 60)
        values[f"resolution_{priority.value}"] = _hours(targets.resolution.total_seconds() / 60)
    return values


def _per_input(fields: dict[str, str]) -> dict[str, str]:
    """A priority's targets are judged together: mark both of its inputs."""
    marked = dict(fields)
    for priority in Priority:
        message = marked.pop(f"target_{priority.value}", None)
        if message is not None:
            marked[f"first_{priority.value}"] = marked[f"resolution_{priority.value}"] = message
    return marked


async def _levels(request: Request) -> list[LevelSpec]:
    portal = portal_of(request)
    try:
        result: list[LevelSpec] = await portal.call(portal.services.list_support_levels,
                                                    viewer_of(request))
    except NotFound as error:
        raise HTTPException(404) from error
    except AdminOnly as error:
        raise HTTPException(403) from error
    return result


def _page(request: Request, values: dict[str, str], status: int = 200,
          **extra: object) -> Response:
    return render(request, "staff/level_form.html",
                  {"section": "levels", "values": values, "days": DAYS,
                   "priorities": [p.value for p in Priority], **extra}, status=status)


@admin_only
async def level_list(request: Request) -> Response:
    levels = await _levels(request)
    return render(request, "staff/levels.html", {
        "section": "levels", "levels": levels, "saved": request.query_params.get("saved", ""),
        "hours": lambda delta: _hours(delta.total_seconds() / 60)})


@admin_only
async def level_page(request: Request) -> Response:
    levels = {spec.name: spec for spec in await _levels(request)}
    name = request.path_params["name"][:32]
    if name == "new":
        return _page(request, {**form_of(DEFAULT_SPECS["standard"]), "name": ""}, new=True)
    if name not in levels:
        raise HTTPException(404)
    return _page(request, form_of(levels[name]), new=False)


@admin_only
async def save_level(request: Request) -> Response:
    form = await read_form(request, LevelForm)
    portal = portal_of(request)
    wanted = request.path_params["name"][:32]
    command = form.command()
    if wanted != "new":
        command = EditLevel(**{**asdict(command, recurse=False), "name": wanted})
    try:
        await portal.call(portal.services.save_support_level, viewer_of(request), command)
    except NotFound as error:
        raise HTTPException(404) from error
    except ClicoError as error:
        shown = failure(request, error)
        if shown.status in (403, 404):
            raise HTTPException(shown.status) from error
        return _page(request, {**asdict(form), "name": command.name}, status=shown.status,
                     new=wanted == "new", message=shown.message, errors=_per_input(shown.fields))
    return RedirectResponse(f"/admin/levels?saved={command.name}", status_code=303)


routes = [
    Route("/admin/levels", level_list, name="levels"),
    form_route("/admin/levels/{name}", show=level_page, submit=save_level, name="level"),
]
