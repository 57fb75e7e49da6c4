"""Øving: the practice space's pages. ``/ovelse`` lists the fictional cases and learning modules
and what the employee has done; entering sets the practice cookie, so every page from then on works
on the practice space's own database (``core.practice``) under a banner, until they leave."""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect

from core.api.routes import IdPath
from core.errors import InvalidInput
from core.i18n import _
from core.practice import PracticeSpace
from core.web.pages.shared import _done, _message, _one, _posted, employee_only, show
from core.web.render import PRACTICE_COOKIE, actor, in_practice


def _space(request: Request) -> PracticeSpace:
    return request.app.state.practice


def _cookie(request: Request, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=PRACTICE_COOKIE,
        value=value,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=max_age,
    )


@get("/ovelse", before_request=employee_only)
async def practice_home(request: Request) -> Response:
    space, who = _space(request), actor(request)
    assert who is not None  # behind the login guard

    def read() -> dict[str, Any]:
        plugins = space.real.plugins.for_municipality(who.municipality_id)
        progress = space.progress(who)
        return {
            "materials": list(plugins.practice_cases.values()),
            "modules": list(plugins.learning_modules.values()),
            "progress": progress,
        }

    context = await to_thread.run_sync(read)
    return await show(request, "ovelse.html", message=_message(request), **context)


@post("/ovelse/inn", before_request=employee_only)
async def enter_practice(request: Request) -> Response:
    await _posted(request)
    who = actor(request)
    assert who is not None
    await to_thread.run_sync(_space(request).enter, who)
    response = _done("/ovelse", "practice_entered")
    response.cookies.append(_cookie(request, "1", 8 * 3600))  # a working day at most
    return response


@post("/ovelse/ut", before_request=employee_only)
async def leave_practice(request: Request) -> Response:
    await _posted(request)
    response = Redirect("/saker", status_code=303)
    response.cookies.append(_cookie(request, "", 0))
    return response


@post("/ovelse/saker", before_request=employee_only)
async def start_practice_case(request: Request) -> Response:
    form = await _posted(request)
    who, space = actor(request), _space(request)
    assert who is not None
    if not in_practice(request):
        raise InvalidInput(_("Gå inn i øvingen først."), field="material")

    def start() -> str:
        space.enter(who)  # colleagues who joined since are there to hand the baton to
        return space.start_case(who, _one(form, "material"))

    case_id = await to_thread.run_sync(start)
    return _done(f"/saker/{case_id}", "practice_started")


@post("/ovelse/saker/{case_id:str}/fullfort", before_request=employee_only)
async def complete_practice_case(request: Request, case_id: IdPath) -> Response:
    await _posted(request)
    who = actor(request)
    assert who is not None
    if not in_practice(request):
        raise InvalidInput(_("Gå inn i øvingen først."))
    await to_thread.run_sync(_space(request).complete_case, who, case_id)
    return _done(f"/saker/{case_id}", "practice_done")


@get("/ovelse/moduler/{module_id:str}", before_request=employee_only)
async def learning_module(request: Request, module_id: str) -> Response:
    who = actor(request)
    assert who is not None
    module = _space(request).module(who, module_id)
    return await show(request, "ovelse_modul.html", module=module, results=None, answers=[])


@post("/ovelse/moduler/{module_id:str}", before_request=employee_only)
async def answer_learning_module(request: Request, module_id: str) -> Response:
    form = await _posted(request)
    who, space = actor(request), _space(request)
    assert who is not None
    module = space.module(who, module_id)
    answers = [_answer(form, f"q{n}", len(q.options)) for n, q in enumerate(module.questions)]
    results = await to_thread.run_sync(space.answer_module, who, module_id, answers)
    return await show(
        request,
        "ovelse_modul.html",
        module=module,
        results=results,
        answers=answers,
        message=_("Alle svarene er riktige. Modulen er fullført.") if all(results) else "",
    )


def _answer(form: dict[str, list[str]], name: str, options: int) -> int | None:
    text = _one(form, name)
    if not text:
        return None
    if not text.isdigit() or int(text) >= options:
        raise InvalidInput(_("Velg et av alternativene."), field=name)
    return int(text)


def practice_context(request: Request, case_id: str) -> dict[str, Any]:
    """What the case page shows of a practice case: its story, the next step, what a good answer
    holds, and whether it is done; nothing outside the practice space."""
    who = actor(request)
    if who is None or not in_practice(request):
        return {"practice_case": None, "practice_done": None}
    found = _space(request).material_of(who, case_id)
    if found is None:
        return {"practice_case": None, "practice_done": None}
    material, row = found
    return {"practice_case": material, "practice_done": row.completed_at}
