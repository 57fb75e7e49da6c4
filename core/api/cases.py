"""A case and everything in it: undringer, levels, participants, the stafettholder, the stafettlogg,
measures, consent, meetings, the action guide, and innsyn (who has read it)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, route
from litestar.params import JSONBody, QueryParameter

from contracts import Case, Concern, Consent, Handover, LogEntry, Measure, Meeting, Participant
from core.api.dependencies import Page, Pages, Paging, UoW
from core.api.problems import problem
from core.api.routes import IdPath, action, create, read, remove, replace
from core.api.schemas import (
    CaseIn,
    CaseSearchIn,
    CloseIn,
    ConcernIn,
    ConsentIn,
    CorrectionIn,
    HandoverIn,
    LevelChangeIn,
    MeasureIn,
    NoteIn,
    ParticipantIn,
    RelayHolderIn,
    fields,
)
from core.i18n import _
from core.platform import Work
from core.services.access_log import AccessEvent
from core.services.directory import CaseGuide
from core.services.search import CaseSearch, search_cases


class CaseController(Controller):
    path = "/cases"
    tags = ("Saker",)

    @read("/", purpose="case.search", bounded=True)
    def my_cases(
        self,
        uow: UoW,
        paging: Pages,
        q: Annotated[
            str | None, QueryParameter(min_length=2, max_length=100, description="Del av barnets navn.")
        ] = None,
        unit_id: Annotated[
            str | None, QueryParameter(max_length=64, description="Eier eller deltar.")
        ] = None,
        level: Annotated[int | None, QueryParameter(ge=0, le=3, description="Nivå 0–3.")] = None,
        relay_holder_id: Annotated[
            str | None, QueryParameter(max_length=64, description="Stafettholderen.")
        ] = None,
        overdue: Annotated[bool | None, QueryParameter(description="Har en evaluering over fristen.")] = None,
        status: Annotated[
            Literal["open", "closed", "all"], QueryParameter(description="Åpne, avsluttede, alle.")
        ] = "open",
    ) -> Page[Case]:
        """The cases I may read, open ones unless asked; overdue evaluations first. A fødselsnummer is
        searched with ``POST /cases/search``, so it never lands in a URL."""
        search = CaseSearch(
            name=q,
            unit_id=unit_id,
            level=level,
            relay_holder_id=relay_holder_id,
            overdue=overdue,
            status=status,
        )
        return uow.run(lambda w: _page(w, search, paging))

    @action("/search", purpose="case.search")
    def search(self, data: JSONBody[CaseSearchIn], uow: UoW, paging: Pages) -> Page[Case]:
        """Search the cases I may read, also by the child's fødselsnummer (in the body, never in the URL)."""
        search = CaseSearch(**fields(data) | {"level": None if data.level is None else int(data.level)})
        return uow.run(lambda w: _page(w, search, paging))

    @create("/", purpose="case.open", location="/cases/{id}")
    def open_case(self, data: JSONBody[CaseIn], uow: UoW) -> Case:
        """Register an undring: opens a case at level 0, owned by one of my units."""
        return uow.run(lambda w: w.cases.open_case(**fields(data)))

    @read("/{case_id:str}", purpose="case.read", bounded=True)
    def get_case(self, case_id: IdPath, uow: UoW) -> Case:
        return uow.run(lambda w: w.cases.get(case_id))

    @action("/{case_id:str}/level", purpose="case.change_level")
    def change_level(self, case_id: IdPath, data: JSONBody[LevelChangeIn], uow: UoW) -> Case:
        """Move the case up one level or down; every rule that stops it is listed in ``refusals`` (409)."""
        return uow.run(lambda w: w.cases.change_level(case_id, data.level, **fields(data, "level")))

    @action("/{case_id:str}/close", purpose="case.close")
    def close(self, case_id: IdPath, data: JSONBody[CloseIn], uow: UoW) -> Case:
        return uow.run(lambda w: w.cases.close(case_id, **fields(data)))

    @read("/{case_id:str}/concerns", purpose="case.read_concerns")
    def concerns(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Concern]:
        return uow.run(lambda w: paging.page(w.cases.concerns(case_id)))

    @create("/{case_id:str}/concerns", purpose="case.add_concern", location="/cases/{case_id}/concerns")
    def add_concern(self, case_id: IdPath, data: JSONBody[ConcernIn], uow: UoW) -> Concern:
        return uow.run(lambda w: w.cases.add_concern(case_id, **fields(data)))

    @read("/{case_id:str}/participants", purpose="case.read_participants")
    def participants(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Participant]:
        return uow.run(lambda w: paging.page(w.cases.state(case_id).participants))

    @create(
        "/{case_id:str}/participants",
        purpose="case.add_participant",
        location="/cases/{case_id}/participants/{unit_id}",
    )
    def add_participant(self, case_id: IdPath, data: JSONBody[ParticipantIn], uow: UoW) -> Participant:
        """Bring in another service: under a consent in force that names it, or child welfare under the
        duty to report. Without that basis the rule refuses it (409, ``no_consent_for_service``)."""
        return uow.run(lambda w: w.cases.add_participant(case_id, **fields(data)))

    @read("/{case_id:str}/participants/{unit_id:str}", purpose="case.read_participants")
    def participant(self, case_id: IdPath, unit_id: IdPath, uow: UoW) -> Participant:
        """One service taking part; ``status`` says whether its basis holds now."""
        return uow.run(lambda w: w.cases.participant(case_id, unit_id))

    @remove("/{case_id:str}/participants/{unit_id:str}", purpose="case.remove_participant")
    def remove_participant(self, case_id: IdPath, unit_id: IdPath, uow: UoW) -> Case:
        return uow.run(lambda w: w.cases.remove_participant(case_id, unit_id))

    @replace("/{case_id:str}/relay-holder", purpose="case.assign_relay_holder")
    def assign_relay_holder(self, case_id: IdPath, data: JSONBody[RelayHolderIn], uow: UoW) -> Case:
        """Give a case without a stafettholder its first one; after that the baton moves by hand-over."""
        with uow() as w:
            w.relay_holder.assign(case_id, **fields(data))
            return w.cases.get(case_id)

    @create("/{case_id:str}/handovers", purpose="case.request_handover", location="/handovers")
    def request_handover(self, case_id: IdPath, data: JSONBody[HandoverIn], uow: UoW) -> Handover:
        """Offer the baton to a colleague; it moves when they accept."""
        return uow.run(lambda w: w.relay_holder.request_handover(case_id, **fields(data)))

    @read("/{case_id:str}/guide", purpose="case.read_guide")
    def guide(self, case_id: IdPath, uow: UoW) -> CaseGuide:
        """The action guide for the owning unit's service type at the case's level, with tools used so far."""
        return uow.run(lambda w: w.directory.case_guide(case_id))

    @read("/{case_id:str}/meetings", purpose="case.read_meetings")
    def meetings(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Meeting]:
        return uow.run(lambda w: paging.page(w.cases.state(case_id).meetings))

    @read("/{case_id:str}/log", purpose="case.read_log", bounded=True)
    def log(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[LogEntry]:
        """The whole stafettlogg, in order; a corrected entry names its newest correction."""
        with uow() as w:
            items, total = w.log.entries_page(case_id, limit=paging.limit, offset=paging.offset)
            return paging.counted(items, total)

    @create("/{case_id:str}/log", purpose="case.write_log", location="/cases/{case_id}/log/{id}")
    def add_note(self, case_id: IdPath, data: JSONBody[NoteIn], uow: UoW) -> LogEntry:
        """A note, a lysglimt (``bright_moment``), or a filled-in tool form (``tool_id`` + ``form``)."""
        return uow.run(lambda w: w.log.add_note(case_id, **fields(data)))

    @read("/{case_id:str}/log/{entry_id:str}", purpose="case.read_log", bounded=True)
    def log_entry(self, case_id: IdPath, entry_id: IdPath, uow: UoW) -> LogEntry:
        """One entry of the stafettlogg."""
        return uow.run(lambda w: w.log.entry(case_id, entry_id))

    @route(
        "/{case_id:str}/log/{entry_id:str}",
        http_method=["PUT", "PATCH", "DELETE"],
        include_in_schema=False,
        sync_to_thread=False,
        status_code=405,
    )
    def change_log_entry(self, request: Request, case_id: str, entry_id: str) -> Response:
        """The stafettlogg is append-only: an entry is corrected by a new entry, never changed."""
        detail = _("Stafettloggen kan ikke endres; skriv en retting.")
        return problem(request, 405, "method_not_allowed", detail, headers={"Allow": "GET"})

    @create(
        "/{case_id:str}/log/{entry_id:str}/corrections",
        purpose="case.correct_log",
        location="/cases/{case_id}/log/{id}",
    )
    def correct(self, case_id: IdPath, entry_id: IdPath, data: JSONBody[CorrectionIn], uow: UoW) -> LogEntry:
        """Correct my own entry: a new entry that names it; the original stays."""
        return uow.run(lambda w: w.log.correct(case_id, entry_id, **fields(data)))

    @read("/{case_id:str}/measures", purpose="case.read_measures")
    def measures(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Measure]:
        return uow.run(lambda w: paging.page(w.measures.list(case_id)))

    @create("/{case_id:str}/measures", purpose="case.create_measure", location="/cases/{case_id}/measures")
    def create_measure(self, case_id: IdPath, data: JSONBody[MeasureIn], uow: UoW) -> Measure:
        """A tiltak with goal, responsible and evaluation date; ``for_family`` makes it a home task."""
        return uow.run(lambda w: w.measures.create(case_id, **fields(data)))

    @read("/{case_id:str}/consents", purpose="case.read_consents")
    def consents(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[Consent]:
        return uow.run(lambda w: paging.page(w.consents.list(case_id)))

    @create("/{case_id:str}/consents", purpose="consent.request", location="/cases/{case_id}/consents")
    def request_consent(self, case_id: IdPath, data: JSONBody[ConsentIn], uow: UoW) -> Consent:
        """Ask for consent to share with named services; givers who signed on paper are recorded as given."""
        return uow.run(lambda w: w.consents.request(case_id, **fields(data)))

    @read("/{case_id:str}/access-log", purpose="case.innsyn")
    def access_log(self, case_id: IdPath, uow: UoW, paging: Pages) -> Page[AccessEvent]:
        """Innsyn for the family: who has read this case or looked up the child, when, and why."""
        return uow.run(lambda w: paging.page(w.access_log.readers(case_id)))


def _page(work: Work, search: CaseSearch, paging: Paging) -> Page[Case]:
    items, total = search_cases(work.uow, search, limit=paging.limit, offset=paging.offset)
    return paging.counted(items, total)
