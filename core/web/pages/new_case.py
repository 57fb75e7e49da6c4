"""Ny undring: finding the child, registering a child (with guardians) or a pregnant woman not yet in
the register, registering the undring itself, and preparing an anonymous drøfting in an arena."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post

from contracts import ConcernKind, MeetingKind, Subject
from core.errors import Conflict, InvalidInput, NotFound, StafettError
from core.i18n import N_, _
from core.platform import Work
from core.services.lookups import route_purpose
from core.web.pages.shared import (
    _choice,
    _date,
    _done,
    _one,
    _optional_date,
    _posted,
    _run,
    _ticked,
    _when,
    employee_only,
    show,
)

GUARDIAN_ROWS = 2  # guardians registered with a new child; more can be added through the API


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
async def new_concern(request: Request) -> Response:
    context = await _run(request, "case.new_form", _new_case_context)
    return await show(request, "ny_undring.html", values={}, error=None, **context)


@post("/saker/ny/sok", before_request=employee_only)
async def find_child(request: Request) -> Response:
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


@post("/saker/ny/registrer", before_request=employee_only)
async def register_person(request: Request) -> Response:
    """A child (with up to two guardians) or a pregnant woman not yet in the register, in one
    transaction; then step 2 of the undring with that person chosen."""
    form = await _posted(request)

    def register(w: Work) -> dict[str, Any]:
        names = {"given_name": _one(form, "given_name"), "family_name": _one(form, "family_name")}
        number = _one(form, "national_id") or None
        born = _optional_date(form, "birth_date", N_("Fødselsdato"))
        person: Subject
        if _one(form, "kind") == "pregnant":
            due = _date(form, "due_date", N_("Termin"))
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
                    raise type(exc)(
                        _("Foresatt {number}: {message}").format(number=i, message=exc.message),
                        code=exc.code,
                        field=field,
                    ) from None
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
    message = _("Personen er registrert. Beskriv nå hva du har observert.")
    return await show(request, "ny_undring.html", values={}, error=None, message=message, **context)


@post("/saker/ny", before_request=employee_only)
async def register_concern(request: Request) -> Response:
    form = await _posted(request)

    def open_case(w: Work) -> str:
        observation = _one(form, "observation")
        by = _one(form, "observed_by")
        if observation and by:
            observation = f"{observation}\n\nObservert av: {by}"
        return w.cases.open_case(
            subject_id=_one(form, "subject_id") or _missing(N_("barnet")),
            unit_id=_one(form, "unit_id") or _missing(N_("enheten")),
            observation=observation,
            observed_on=_optional_date(form, "observed_on", N_("Dato")),
            kind=_choice(form, "kind", ConcernKind, N_("om det er en undring eller en bekymring")),
            **_ticked(form, "shared_with_family"),
        ).id

    try:
        case_id = await _run(request, "case.open", open_case)
    except StafettError as exc:
        context = await _run(request, "case.new_form", _new_case_context)
        return await show(request, "ny_undring.html", values=form, error=exc, status=exc.status, **context)
    return _done(f"/saker/{case_id}", "opened")


def _missing(what: str) -> str:
    raise InvalidInput(_("Velg {what}.").format(what=_(what)))


@post("/drofting", before_request=employee_only)
async def anonymous_discussion(request: Request) -> Response:
    """Prepare an anonymous discussion in an arena that allows it: no child, no names."""
    form = await _posted(request)

    def schedule(w: Work) -> None:
        unit = next(iter(sorted(w.actor.unit_roles)), None)
        w.meetings.schedule(
            None,
            kind=MeetingKind.DISCUSSION,
            starts_at=_when(form, "starts_at", N_("Tidspunkt")),
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
        message="" if error else _("Den anonyme drøftingen er meldt inn. Ingen navn er lagret."),
        **context,
    )
