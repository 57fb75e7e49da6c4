"""The pages' routes: employees' Mine saker, Ny undring, the case page and its actions, the service
directory and arenas; the family's Min side. Every action is a plain form POST (Post/Redirect/Get),
so nothing needs JavaScript; a refusal re-shows the page with the rule's words and a 4xx status."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from anyio import to_thread
from litestar import Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from contracts import (
    CloseReason,
    ConcernKind,
    InformationArea,
    MeasureStatus,
    MeetingKind,
    ParticipationBasis,
    Subject,
)
from core.api.routes import IdPath
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, StafettError
from core.platform import Platform, Work
from core.services.lookups import route_purpose
from core.web import forms, views
from core.web.render import CSRF_FIELD, actor, csrf_ok, is_family, page

T = TypeVar("T")
OSLO = ZoneInfo("Europe/Oslo")
Form = dict[str, list[str]]

DONE = {  # ?ok=… after a successful action: fixed words, never user data in the URL
    "opened": "Undringen er registrert. Saken er på nivå 0 – avklar undring.",
    "level": "Saken har fått nytt nivå.",
    "closed": "Saken er avsluttet. Stafettloggen blir stående.",
    "measure": "Tiltaket er lagt inn.",
    "evaluated": "Evalueringen er lagret.",
    "status": "Tiltakets nye status er lagret i stafettloggen.",
    "participant": "Tjenesten er med i saken.",
    "consent": "Samtykket er sendt til foresatte. Det gjelder når alle har gitt det.",
    "holder": "Stafettholderen er tildelt.",
    "offered": "Stafetten er tilbudt. Den flyttes når mottakeren godtar.",
    "accepted": "Du har tatt imot stafetten og er nå stafettholder.",
    "declined": "Du har avslått overleveringen.",
    "tool": "Skjemaet er lagret i stafettloggen.",
    "note": "Notatet er lagt i stafettloggen.",
    "corrected": "Rettelsen er lagt i stafettloggen. Den opprinnelige oppføringen står.",
    "meeting": "Møtet er lagt inn.",
    "comment": "Takk! Kommentaren er lagt i stafettloggen.",
    "reported": "Takk! Det dere skrev om hjemmeleksen, er lagt i stafettloggen.",
    "given": "Du har gitt samtykket.",
    "withdrawn": "Du har trukket samtykket tilbake. Tjenestene det gjaldt, har ikke lenger tilgang.",
}


class FormRefused(HTTPException):
    status_code = 403


# --- running a unit of work from a page ---------------------------------------------------------


def _platform(request: Request) -> Platform:
    return request.app.state.platform


async def _run(request: Request, purpose: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(work, *args)`` in one unit of work for the logged-in person, off the event loop."""
    platform, who = _platform(request), actor(request)
    if who is None:  # every page that runs work is behind a login guard; this keeps it so
        raise HTTPException(status_code=401, detail="Du må logge inn.")

    read_only = request.method == "GET"  # a page shown only reads; its audit goes by group commit

    def work() -> T:
        with platform.work(who, f"{purpose} via web", read_only=read_only) as w:
            return fn(w, *args)

    return await to_thread.run_sync(work)


async def _posted(request: Request) -> Form:
    """The submitted form, after the CSRF check; a mismatch refuses before anything is touched."""
    data = await request.form()
    form = {key: [str(v) for v in data.getall(key)] for key in data}
    if not csrf_ok(request, (form.get(CSRF_FIELD) or [""])[0]):
        raise FormRefused(detail="Skjemaet er utløpt eller kom fra et annet nettsted. Last siden på nytt.")
    if any("\x00" in v for values in form.values() for v in values):  # no field holds a NUL byte
        raise InvalidInput("Skjemaet inneholder et ugyldig tegn. Skriv inn teksten på nytt.")
    return form


def _one(form: Form, name: str, default: str = "") -> str:
    return (form.get(name) or [default])[0].strip()


def _date(form: Form, name: str, label: str) -> dt.date:
    if (date := _optional_date(form, name, label)) is None:
        raise InvalidInput(f"«{label}» må fylles ut.", field=name)
    return date


def _optional_date(form: Form, name: str, label: str) -> dt.date | None:
    if not (text := _one(form, name)):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"«{label}» må være en dato (ÅÅÅÅ-MM-DD).", field=name) from None


def _when(form: Form, name: str, label: str) -> dt.datetime:
    text = _one(form, name)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"«{label}» må være dato og klokkeslett.", field=name) from None
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _choice(form: Form, name: str, enum: type, label: str) -> Any:
    try:
        return enum(_one(form, name))
    except ValueError:
        raise InvalidInput(f"Velg {label}.", field=name) from None


async def show(request: Request, template: str, **context: Any) -> Response:
    """``page``, rendered off the event loop: a case page takes tens of milliseconds to render, and
    the loop must meanwhile keep serving every other request."""
    return await to_thread.run_sync(functools.partial(page, request, template, **context))


def _done(path: str, code: str) -> Redirect:
    return Redirect(f"{path}?ok={code}", status_code=303)


def _message(request: Request) -> str:
    return DONE.get(request.query_params.get("ok", ""), "")


# --- who may open which pages (the services decide what they see) --------------------------------


def _login_first(request: Request) -> Response | None:
    who = actor(request)
    if who is None:
        target = request.url.path if request.method == "GET" else "/saker"
        return Redirect(f"/login?next={target}", status_code=303)
    return None


async def employee_only(request: Request) -> Response | None:
    if (early := _login_first(request)) is not None:
        return early
    if is_family(actor(request)):
        return Redirect("/min-side", status_code=303)
    return None


async def family_only(request: Request) -> Response | None:
    if (early := _login_first(request)) is not None:
        return early
    if not is_family(actor(request)):
        return Redirect("/saker", status_code=303)
    return None


# --- employees ------------------------------------------------------------------------------------


@get("/saker", before_request=employee_only)
async def mine_saker(request: Request) -> Response:
    rows, handovers = await _run(request, "case.list_mine", views.my_cases)
    return await show(request, "mine_saker.html", rows=rows, handovers=handovers, message=_message(request))


def _new_case_context(w: Work, query: str = "", found: list | None = None) -> dict[str, Any]:
    units = {u.id: u for u in w.directory.units()}
    return {
        "my_units": [units[u] for u in sorted(w.actor.unit_roles) if u in units],
        "arenas": [a for a in w.plugins.arenas.values() if a.anonymous_allowed],
        "query": query,
        "found": found,
        "today": w.now.date(),
        "kinds": list(ConcernKind)[:2],
    }


@get("/saker/ny", before_request=employee_only)
async def ny_undring(request: Request) -> Response:
    context = await _run(request, "case.new_form", _new_case_context)
    return await show(request, "ny_undring.html", values={}, error=None, **context)


@post("/saker/ny/sok", before_request=employee_only)
async def finn_barn(request: Request) -> Response:
    """Find the child by name or fødselsnummer (sent in the body, never in the URL)."""
    form = await _posted(request)
    query = _one(form, "q")

    def search(w: Work) -> dict[str, Any]:
        try:
            found = w.people.search_subjects(query)
        except NotFound:  # a valid fødselsnummer nobody has registered: offer to register the child
            found = []
        return _new_case_context(w, query, found)

    try:
        context = await _run(request, route_purpose("undring"), search)  # the stated purpose, in innsyn
    except StafettError as exc:
        context = await _run(request, "case.new_form", _new_case_context, query)
        return await show(request, "ny_undring.html", values=form, error=exc, status=exc.status, **context)
    return await show(request, "ny_undring.html", values=form, error=None, **context)


GUARDIAN_ROWS = 2  # guardians registered with a new child; more can be added through the API


@post("/saker/ny/registrer", before_request=employee_only)
async def registrer_barn(request: Request) -> Response:
    """A child (with up to two guardians) or a pregnant woman not yet in the register, in one
    transaction; then step 2 of the undring with that person chosen."""
    form = await _posted(request)

    def register(w: Work) -> dict[str, Any]:
        names = {"given_name": _one(form, "given_name"), "family_name": _one(form, "family_name")}
        number = _one(form, "national_id") or None
        born = _optional_date(form, "birth_date", "Fødselsdato")
        person: Subject
        if _one(form, "kind") == "pregnant":
            due = _date(form, "due_date", "Termin")
            person = w.people.register_pregnant(**names, due_date=due, birth_date=born, national_id=number)
        else:
            person = w.people.register_child(**names, birth_date=born, national_id=number)
            for i in range(1, GUARDIAN_ROWS + 1):
                given, family = _one(form, f"g{i}_given_name"), _one(form, f"g{i}_family_name")
                if not (given or family):
                    continue
                try:
                    w.people.register_guardian(
                        given_name=given,
                        family_name=family,
                        national_id=_one(form, f"g{i}_national_id") or None,
                        child_id=person.id,
                    )
                except (InvalidInput, Conflict) as exc:  # say whose number or name it is
                    field = f"g{i}_{exc.field}" if exc.field else None
                    raise type(exc)(f"Foresatt {i}: {exc.message}", code=exc.code, field=field) from None
        return _new_case_context(w, f"{person.given_name} {person.family_name}", [person])

    try:
        context = await _run(request, "person.register", register)
    except StafettError as exc:
        context = await _run(request, "case.new_form", _new_case_context, _one(form, "q"), [])
        return await show(
            request,
            "ny_undring.html",
            values=form,
            error=exc,
            status=exc.status,
            target="registrer",
            **context,
        )
    message = "Personen er registrert. Beskriv nå hva du har observert."
    return await show(request, "ny_undring.html", values={}, error=None, message=message, **context)


@post("/saker/ny", before_request=employee_only)
async def registrer_undring(request: Request) -> Response:
    form = await _posted(request)

    def open_case(w: Work) -> str:
        observation = _one(form, "observation")
        by = _one(form, "observed_by")
        if observation and by:
            observation = f"{observation}\n\nObservert av: {by}"
        return w.cases.open_case(
            subject_id=_one(form, "subject_id") or _missing("barnet"),
            unit_id=_one(form, "unit_id") or _missing("enheten"),
            observation=observation,
            observed_on=_optional_date(form, "observed_on", "Dato"),
            kind=_choice(form, "kind", ConcernKind, "om det er en undring eller en bekymring"),
            shared_with_family=bool(_one(form, "shared_with_family")),
        ).id

    try:
        case_id = await _run(request, "case.open", open_case)
    except StafettError as exc:
        context = await _run(request, "case.new_form", _new_case_context)
        return await show(request, "ny_undring.html", values=form, error=exc, status=exc.status, **context)
    return _done(f"/saker/{case_id}", "opened")


def _missing(what: str) -> str:
    raise InvalidInput(f"Velg {what}.")


@post("/drofting", before_request=employee_only)
async def anonym_drofting(request: Request) -> Response:
    """Prepare an anonymous discussion in an arena that allows it: no child, no names."""
    form = await _posted(request)

    def schedule(w: Work) -> None:
        unit = next(iter(sorted(w.actor.unit_roles)), None)
        w.meetings.schedule(
            None,
            kind=MeetingKind.DISCUSSION,
            starts_at=_when(form, "starts_at", "Tidspunkt"),
            arena_id=_one(form, "arena_id") or None,
            unit_ids=[unit] if unit else [],
            summary=_one(form, "summary"),
        )

    error: StafettError | None = None
    try:
        await _run(request, "meeting.anonymous", schedule)
    except StafettError as exc:
        error = exc
    context = await _run(request, "case.new_form", _new_case_context)
    return await show(
        request,
        "ny_undring.html",
        values=form if error else {},
        error=error,
        status=error.status if error else 200,
        message="" if error else "Den anonyme drøftingen er meldt inn. Ingen navn er lagret.",
        **context,
    )


async def _case_page(
    request: Request,
    case_id: str,
    *,
    error: StafettError | None = None,
    form: Form | None = None,
    target: str = "",
) -> Response:
    whole_log = request.query_params.get("logg") == "alle"
    context = await _run(request, "case.read", views.case_page, case_id, whole_log)
    status = error.status if error else 200
    return await show(
        request,
        "sak.html",
        status=status,
        error=error,
        values=form or {},
        target=target,
        message="" if error else _message(request),
        **context,
    )


@get("/saker/{case_id:str}", before_request=employee_only)
async def sak(request: Request, case_id: IdPath) -> Response:
    return await _case_page(request, case_id)


async def _act(request: Request, case_id: IdPath, target: str, purpose: str, fn, done: str) -> Response:
    """Run one case action from a form; on a refusal re-show the case page with it (4xx)."""
    form = await _posted(request)
    try:
        await _run(request, purpose, fn, form)
    except StafettError as exc:
        return await _case_page(request, case_id, error=exc, form=form, target=target)
    return _done(f"/saker/{case_id}", done)


@post("/saker/{case_id:str}/niva", before_request=employee_only)
async def endre_niva(request: Request, case_id: IdPath) -> Response:
    def change(w: Work, form: Form) -> None:
        w.cases.change_level(
            case_id,
            _one(form, "level"),
            unit_leader_informed=bool(_one(form, "unit_leader_informed")),
            guardians_informed=bool(_one(form, "guardians_informed")),
            note=_one(form, "note"),
        )

    return await _act(request, case_id, "niva", "case.change_level", change, "level")


@post("/saker/{case_id:str}/avslutt", before_request=employee_only)
async def avslutt_sak(request: Request, case_id: IdPath) -> Response:
    def close(w: Work, form: Form) -> None:
        w.cases.close(
            case_id, _choice(form, "reason", CloseReason, "hvorfor saken avsluttes"), note=_one(form, "note")
        )

    return await _act(request, case_id, "avslutt", "case.close", close, "closed")


@post("/saker/{case_id:str}/tiltak", before_request=employee_only)
async def nytt_tiltak(request: Request, case_id: IdPath) -> Response:
    def create(w: Work, form: Form) -> None:
        w.measures.create(
            case_id,
            title=_one(form, "title"),
            goal=_one(form, "goal"),
            responsible_id=_one(form, "responsible_id"),
            start_date=_date(form, "start_date", "Oppstart"),
            evaluation_date=_date(form, "evaluation_date", "Evalueres"),
            for_family=bool(_one(form, "for_family")),
        )

    return await _act(request, case_id, "tiltak", "case.create_measure", create, "measure")


@post("/saker/{case_id:str}/tiltak/{measure_id:str}/evaluering", before_request=employee_only)
async def evaluer(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def evaluate(w: Work, form: Form) -> None:
        w.measures.evaluate(
            measure_id,
            outcome=_one(form, "outcome"),
            summary=_one(form, "summary"),
            next_evaluation_date=_optional_date(form, "next_evaluation_date", "Neste evaluering"),
        )

    return await _act(request, case_id, f"evaluering-{measure_id}", "measure.evaluate", evaluate, "evaluated")


@post("/saker/{case_id:str}/tiltak/{measure_id:str}/status", before_request=employee_only)
async def tiltak_status(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def change(w: Work, form: Form) -> None:
        w.measures.change_status(
            measure_id,
            _choice(form, "status", MeasureStatus, "hva som skal skje med tiltaket"),
            reason=_one(form, "reason"),
            next_evaluation_date=_optional_date(form, "next_evaluation_date", "Ny evalueringsdato"),
        )

    return await _act(request, case_id, f"status-{measure_id}", "measure.change_status", change, "status")


@post("/saker/{case_id:str}/deltakere", before_request=employee_only)
async def ny_deltaker(request: Request, case_id: IdPath) -> Response:
    def add(w: Work, form: Form) -> None:
        basis = _choice(form, "basis", ParticipationBasis, "grunnlaget")
        w.cases.add_participant(case_id, _one(form, "unit_id"), basis=basis)

    return await _act(request, case_id, "deltakere", "case.add_participant", add, "participant")


@post("/saker/{case_id:str}/samtykke", before_request=employee_only)
async def be_om_samtykke(request: Request, case_id: IdPath) -> Response:
    def ask(w: Work, form: Form) -> None:
        w.consents.request(
            case_id,
            unit_ids=[u for u in form.get("unit_ids", []) if u],
            categories=[line.strip() for line in _one(form, "categories").splitlines() if line.strip()],
            purpose=_one(form, "purpose"),
            area=_choice(form, "area", InformationArea, "område"),
            valid_from=_date(form, "valid_from", "Gyldig fra"),
            valid_to=_date(form, "valid_to", "Gyldig til"),
        )

    return await _act(request, case_id, "samtykke", "consent.request", ask, "consent")


@post("/saker/{case_id:str}/stafettholder", before_request=employee_only)
async def tildel_stafettholder(request: Request, case_id: IdPath) -> Response:
    def assign(w: Work, form: Form) -> None:
        w.relay_holder.assign(case_id, _one(form, "employee_id"))

    return await _act(request, case_id, "stafett", "case.assign_relay_holder", assign, "holder")


@post("/saker/{case_id:str}/overlevering", before_request=employee_only)
async def tilby_stafetten(request: Request, case_id: IdPath) -> Response:
    def offer(w: Work, form: Form) -> None:
        w.relay_holder.request_handover(case_id, _one(form, "to_id"), note=_one(form, "note"))

    return await _act(request, case_id, "stafett", "case.request_handover", offer, "offered")


@post("/saker/{case_id:str}/overlevering/{handover_id:str}", before_request=employee_only)
async def svar_overlevering(request: Request, case_id: IdPath, handover_id: IdPath) -> Response:
    form = await _posted(request)
    accept = _one(form, "answer") == "accept"

    def answer(w: Work, form: Form) -> None:
        if accept:
            w.relay_holder.accept(handover_id)
        else:
            w.relay_holder.decline(handover_id, reason=_one(form, "reason"))

    purpose = "handover.accept" if accept else "handover.decline"
    try:
        await _run(request, purpose, answer, form)
    except StafettError as exc:
        if isinstance(exc, Forbidden):
            raise
        return await _case_page(request, case_id, error=exc, form=form, target="stafett")
    if not accept:
        return _done("/saker", "declined")
    return _done(f"/saker/{case_id}", "accepted")


@post("/saker/{case_id:str}/verktoy/{tool_id:str}", before_request=employee_only)
async def fyll_ut_verktoy(request: Request, case_id: IdPath, tool_id: IdPath) -> Response:
    """A tool's form, checked by the plugin host against its schema, written as a log entry."""

    def fill(w: Work, form: Form) -> None:
        tool = w.directory.tool(tool_id)
        data = forms.parse(tool.form_schema, form)
        errors = w.plugins.validate_form(tool_id, data)
        if errors:
            raise InvalidInput("Skjemaet er ikke riktig utfylt: " + "; ".join(errors), field="form")
        w.log.add_note(case_id, "", tool_id=tool_id, form=data, shared_with_family=tool.shared_with_family)

    return await _act(request, case_id, f"verktoy-{tool_id}", "case.write_log", fill, "tool")


@post("/saker/{case_id:str}/logg", before_request=employee_only)
async def skriv_notat(request: Request, case_id: IdPath) -> Response:
    def note(w: Work, form: Form) -> None:
        w.log.add_note(
            case_id,
            _one(form, "text"),
            shared_with_family=bool(_one(form, "shared_with_family")),
            bright_moment=bool(_one(form, "bright_moment")),
        )

    return await _act(request, case_id, "logg", "case.write_log", note, "note")


@post("/saker/{case_id:str}/logg/{entry_id:str}/rettelse", before_request=employee_only)
async def rett_oppforing(request: Request, case_id: IdPath, entry_id: IdPath) -> Response:
    def correct(w: Work, form: Form) -> None:
        w.log.correct(case_id, entry_id, _one(form, "text"), reason=_one(form, "reason"))

    return await _act(request, case_id, f"rett-{entry_id}", "case.correct_log", correct, "corrected")


@post("/saker/{case_id:str}/moter", before_request=employee_only)
async def nytt_mote(request: Request, case_id: IdPath) -> Response:
    def schedule(w: Work, form: Form) -> None:
        w.meetings.schedule(
            case_id,
            kind=_choice(form, "kind", MeetingKind, "møtetype"),
            starts_at=_when(form, "starts_at", "Tidspunkt"),
            arena_id=_one(form, "arena_id") or None,
            unit_ids=[u for u in form.get("unit_ids", []) if u],
            summary=_one(form, "summary"),
        )

    return await _act(request, case_id, "moter", "meeting.schedule", schedule, "meeting")


@get("/tjenester", before_request=employee_only)
async def tjenesteoversikt(request: Request) -> Response:
    def load(w: Work) -> dict[str, Any]:
        return {"services": w.directory.services(), "municipality": w.directory.municipality()}

    return await show(request, "tjenester.html", **(await _run(request, "services.list", load)))


@get("/arenaer", before_request=employee_only)
async def arenaer(request: Request) -> Response:
    def load(w: Work) -> dict[str, Any]:
        return {"arenas": w.directory.arenas(), "rules": w.directory.relay_holder_rules()}

    return await show(request, "arenaer.html", **(await _run(request, "arenas.list", load)))


# --- the family: Min side -------------------------------------------------------------------------


@get("/min-side", before_request=family_only)
async def min_side(request: Request) -> Response:
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
async def min_sak(request: Request, case_id: IdPath) -> Response:
    return await _family_page(request, case_id)


async def _family_act(request: Request, case_id: IdPath, purpose: str, fn, done: str) -> Response:
    form = await _posted(request)
    try:
        await _run(request, purpose, fn, form)
    except StafettError as exc:
        return await _family_page(request, case_id, error=exc, form=form)
    return _done(f"/min-side/saker/{case_id}", done)


@post("/min-side/saker/{case_id:str}/kommentar", before_request=family_only)
async def kommenter(request: Request, case_id: IdPath) -> Response:
    def comment(w: Work, form: Form) -> None:
        w.log.family_comment(case_id, _one(form, "text"))

    return await _family_act(request, case_id, "family.comment", comment, "comment")


@post("/min-side/saker/{case_id:str}/hjemmelekser/{measure_id:str}", before_request=family_only)
async def rapporter_hjemmelekse(request: Request, case_id: IdPath, measure_id: IdPath) -> Response:
    def report(w: Work, form: Form) -> None:
        w.log.family_comment(case_id, _one(form, "text"), home_task_id=measure_id)

    return await _family_act(request, case_id, "family.comment", report, "reported")


@post("/min-side/saker/{case_id:str}/samtykke/{consent_id:str}/gi", before_request=family_only)
async def gi_samtykke(request: Request, case_id: IdPath, consent_id: IdPath) -> Response:
    def give(w: Work, form: Form) -> None:
        if not _one(form, "understood"):
            raise InvalidInput("Kryss av for at du har lest hva samtykket betyr.", field="understood")
        w.consents.give(consent_id)

    return await _family_act(request, case_id, "consent.give", give, "given")


@post("/min-side/saker/{case_id:str}/samtykke/{consent_id:str}/trekk", before_request=family_only)
async def trekk_samtykke(request: Request, case_id: IdPath, consent_id: IdPath) -> Response:
    def withdraw(w: Work, form: Form) -> None:
        w.consents.withdraw(consent_id, reason=_one(form, "reason"))

    return await _family_act(request, case_id, "consent.withdraw", withdraw, "withdrawn")


HANDLERS = [
    mine_saker,
    ny_undring,
    finn_barn,
    registrer_barn,
    registrer_undring,
    anonym_drofting,
    sak,
    endre_niva,
    avslutt_sak,
    nytt_tiltak,
    evaluer,
    tiltak_status,
    ny_deltaker,
    be_om_samtykke,
    tildel_stafettholder,
    tilby_stafetten,
    svar_overlevering,
    fyll_ut_verktoy,
    skriv_notat,
    rett_oppforing,
    nytt_mote,
    tjenesteoversikt,
    arenaer,
    min_side,
    min_sak,
    kommenter,
    rapporter_hjemmelekse,
    gi_samtykke,
    trekk_samtykke,
]
