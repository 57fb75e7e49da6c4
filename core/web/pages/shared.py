"""What every page module shares: running a unit of work from a page, reading a posted form (after the
CSRF check) into typed values with the page's own messages (bokmål, marked for nynorsk), rendering off
the event loop, the Post/Redirect/Get confirmations, and the login guards that send a person to their
own pages."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from anyio import to_thread
from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from core.errors import InvalidInput
from core.i18n import N_, _
from core.platform import Platform
from core.web import dates
from core.web.render import CSRF_FIELD, actor, csrf_ok, in_practice, is_family, page, platform_for

T = TypeVar("T")
OSLO = ZoneInfo("Europe/Oslo")
Form = dict[str, list[str]]

DONE = {  # ?ok=… after a successful action: fixed words, never user data in the URL
    "opened": N_("Undringen er registrert. Saken er på nivå 0 – avklar undring."),
    "level": N_("Saken har fått nytt nivå."),
    "closed": N_("Saken er avsluttet. Stafettloggen blir stående."),
    "measure": N_("Tiltaket er lagt inn."),
    "coordinator": N_("Koordinatoren er lagret i stafettloggen."),
    "plan": N_("Planen er laget. Foresatte er spurt om samtykke til den."),
    "plan_section": N_("Planen er oppdatert i stafettloggen."),
    "evaluated": N_("Evalueringen er lagret."),
    "status": N_("Tiltakets nye status er lagret i stafettloggen."),
    "participant": N_("Tjenesten er med i saken."),
    "consent": N_("Samtykket er sendt til foresatte. Det gjelder når alle har gitt det."),
    "holder": N_("Stafettholderen er tildelt."),
    "offered": N_("Stafetten er tilbudt. Den flyttes når mottakeren godtar."),
    "accepted": N_("Du har tatt imot stafetten og er nå stafettholder."),
    "declined": N_("Du har avslått overleveringen."),
    "tool": N_("Skjemaet er lagret i stafettloggen."),
    "note": N_("Notatet er lagt i stafettloggen."),
    "corrected": N_("Rettelsen er lagt i stafettloggen. Den opprinnelige oppføringen står."),
    "meeting": N_("Møtet er lagt inn. De inviterte får et varsel."),
    "meeting_cancelled": N_("Møtet er avlyst. De inviterte får beskjed."),
    "meeting_changed": N_("Møtet har fått ny tid eller nytt sted. De inviterte får en ny invitasjon."),
    "report": N_("Bekymringsmeldingen er sendt til barnevernet. Stafettloggen viser at den er sendt."),
    "report_answer": N_("Barnevernets svar er lagret."),
    "comment": N_("Takk! Kommentaren er lagt i stafettloggen."),
    "reported": N_("Takk! Det dere skrev om hjemmeleksen, er lagt i stafettloggen."),
    "given": N_("Du har gitt samtykket."),
    "refused": N_("Du har sagt nei til samtykket. Tjenestene får ikke dele det samtykket gjaldt."),
    "plan_goals": N_("Målene deres er lagret i den individuelle planen."),
    "plan_comment": N_("Kommentaren til planen er lagt i stafettloggen."),
    "withdrawn": N_("Du har trukket samtykket tilbake. Tjenestene det gjaldt, har ikke lenger tilgang."),
    "notifications_read": N_("Alle varslene er merket som lest."),
    "notification_settings": N_("Valgene dine for varsler er lagret."),
    "practice_started": N_("Øvingssaken er laget. Les historien og prøv neste steg."),
    "practice_done": N_("Øvingssaken er merket som fullført."),
    "practice_entered": N_("Du er i øving. Ingenting du gjør her, er en ekte sak."),
}


class FormRefused(HTTPException):
    status_code = 403


# --- running a unit of work from a page ---------------------------------------------------------


def _platform(request: Request) -> Platform:
    return platform_for(request)


async def _run(request: Request, purpose: str, fn: Callable[..., T], *args: Any) -> T:
    """``fn(work, *args)`` in one unit of work for the logged-in person, off the event loop."""
    platform, who = _platform(request), actor(request)
    if who is None:  # every page that runs work is behind a login guard; this keeps it so
        raise HTTPException(status_code=401, detail=_("Du må logge inn."))

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
        raise FormRefused(detail=_("Skjemaet er utløpt eller kom fra et annet nettsted. Last siden på nytt."))
    if any("\x00" in v for values in form.values() for v in values):  # no field holds a NUL byte
        raise InvalidInput(_("Skjemaet inneholder et ugyldig tegn. Skriv inn teksten på nytt."))
    return form


# --- a form's fields as typed values, refused in the page's words --------------------------------


def _one(form: Form, name: str, default: str = "") -> str:
    return (form.get(name) or [default])[0].strip()


def _ticked(form: Form, *names: str) -> dict[str, Any]:
    """Checkboxes as keyword arguments: a box is ticked when the form posts it (unticked ones are not)."""
    return {name: bool(_one(form, name)) for name in names}


def _date(form: Form, name: str, label: str) -> dt.date:
    if (date := _optional_date(form, name, label)) is None:
        raise InvalidInput(_("«{label}» må fylles ut.").format(label=_(label)), field=name)
    return date


def _optional_date(form: Form, name: str, label: str) -> dt.date | None:
    if not (text := _one(form, name)):
        return None
    try:
        return dates.parse(text)
    except ValueError:
        raise InvalidInput(
            _("«{label}» må være en dato, som 24.12.2026.").format(label=_(label)), field=name
        ) from None


def _when(form: Form, name: str, label: str) -> dt.datetime:
    text = _one(form, name)
    try:
        value = dates.parse_moment(text)
    except ValueError:
        raise InvalidInput(
            _("«{label}» må være dato og klokkeslett, som 24.12.2026 14.30.").format(label=_(label)),
            field=name,
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _choice(form: Form, name: str, enum: type, label: str) -> Any:
    try:
        return enum(_one(form, name))
    except ValueError:
        raise InvalidInput(_("Velg {label}.").format(label=_(label)), field=name) from None


# --- answering -------------------------------------------------------------------------------------


async def show(request: Request, template: str, **context: Any) -> Response:
    """``page``, rendered off the event loop: a case page takes tens of milliseconds to render, and
    the loop must meanwhile keep serving every other request."""
    return await to_thread.run_sync(functools.partial(page, request, template, **context))


def _done(path: str, code: str) -> Redirect:
    return Redirect(f"{path}?ok={code}", status_code=303)


def _message(request: Request) -> str:
    return _(DONE.get(request.query_params.get("ok", ""), ""))


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


async def real_cases_only(request: Request) -> Response | None:
    """A page about real cases only (Følgeevaluering): while practising it says so instead."""
    if (early := await employee_only(request)) is not None:
        return early
    if in_practice(request):
        return page(
            request,
            "feil.html",
            status=409,
            title=_("Ikke i øving"),
            message=_("Denne siden viser bare ekte saker. Avslutt øvingen for å se den."),
        )
    return None


async def family_only(request: Request) -> Response | None:
    if (early := _login_first(request)) is not None:
        return early
    if not is_family(actor(request)):
        return Redirect("/saker", status_code=303)
    return None
