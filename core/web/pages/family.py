"""Min side: the family's cases, one case with what the family may see, their comments, their reports
on home tasks, giving or withdrawing a consent, and the individuell plan (their goals, their comments)."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.response import Redirect

from core.api.routes import IdPath
from core.errors import InvalidInput, StafettError
from core.i18n import _
from core.platform import Work
from core.web import views
from core.web.pages.shared import Form, _done, _message, _one, _posted, _run, family_only, show


@get("/min-side", before_request=family_only)
async def family_home(request: Request) -> Response:
    cases = await _run(request, "family.list_cases", views.family_cases)
    if len(cases) == 1:
        return Redirect(f"/min-side/saker/{cases[0]['case'].id}", status_code=303)
    return await show(request, "min_side.html", cases=cases)


async def _family_page(
    request: Request, case_id: IdPath, *, error: StafettError | None = None, form: Form | None = None
) -> Response:
    context = await _run(request, "family.read_case", views.family_page, case_id)
    return await show(
        request,
        "min_sak.html",
        status=error.status if error else 200,
        error=error,
        values=form or {},
        message="" if error else _message(request),
        **context,
    )


@get("/min-side/saker/{case_id:str}", before_request=family_only)
async def family_case(request: Request, case_id: IdPath) -> Response:
    return await _family_page(request, case_id)


async def _family_act(request: Request, case_id: IdPath, purpose: str, fn, done: str) -> Response:
    form = await _posted(request)
    try:
        await _run(request, purpose, fn, form)
    except StafettError as exc:
        return await _family_page(request, case_id, error=exc, form=form)
    return _done(f"/min-side/saker/{case_id}", done)


@post("/min-side/saker/{case_id:str}/kommentar", before_request=family_only)
async def comment(request: Request, case_id: IdPath) -> Response:
    def write(w: Work, form: Form) -> None:
        w.log.family_comment(case_id, _one(form, "text"))

    return await _family_act(request, case_id, "family.comment", write, "comment")


@post("/min-side/saker/{case_id:str}/hjemmelekser/{measure_id:str}", before_request=family_only)
async def report_home_task(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def report(w: Work, form: Form) -> None:
        w.log.family_comment(case_id, _one(form, "text"), home_task_id=measure_id)

    return await _family_act(request, case_id, "family.comment", report, "reported")


@post("/min-side/saker/{case_id:str}/samtykke/{consent_id:str}/gi", before_request=family_only)
async def give_consent(request: Request, case_id: IdPath, consent_id: IdPath) -> Response:
    def give(w: Work, form: Form) -> None:
        if not _one(form, "understood"):
            raise InvalidInput(_("Kryss av for at du har lest hva samtykket betyr."), field="understood")
        w.consents.give(consent_id)

    return await _family_act(request, case_id, "consent.give", give, "given")


@post("/min-side/saker/{case_id:str}/samtykke/{consent_id:str}/nei", before_request=family_only)
async def refuse_consent(request: Request, case_id: IdPath, consent_id: IdPath) -> Response:
    def refuse(w: Work, form: Form) -> None:
        w.consents.refuse(consent_id, reason=_one(form, "reason"))

    return await _family_act(request, case_id, "consent.refuse", refuse, "refused")


@post("/min-side/saker/{case_id:str}/samtykke/{consent_id:str}/trekk", before_request=family_only)
async def withdraw_consent(request: Request, case_id: IdPath, consent_id: IdPath) -> Response:
    def withdraw(w: Work, form: Form) -> None:
        w.consents.withdraw(consent_id, reason=_one(form, "reason"))

    return await _family_act(request, case_id, "consent.withdraw", withdraw, "withdrawn")


@post("/min-side/saker/{case_id:str}/plan/mal", before_request=family_only)
async def plan_goals(request: Request, case_id: IdPath) -> Response:
    def write(w: Work, form: Form) -> None:
        w.plans.set_goals(case_id, _one(form, "goals"))

    return await _family_act(request, case_id, "case.plan_goals", write, "plan_goals")


@post("/min-side/saker/{case_id:str}/plan/kommentar", before_request=family_only)
async def plan_comment(request: Request, case_id: IdPath) -> Response:
    def write(w: Work, form: Form) -> None:
        w.plans.comment(case_id, _one(form, "text"))

    return await _family_act(request, case_id, "case.plan_comment", write, "plan_comment")
