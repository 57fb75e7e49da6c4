"""Acting on things a case holds: evaluating measures, giving and withdrawing consent, answering a
hand-over, and holding meetings (also anonymous discussions without a case)."""

from __future__ import annotations

from litestar import Controller
from litestar.params import JSONBody

from contracts import Consent, Handover, Measure, Meeting
from core.api.dependencies import Page, Pages, UoW
from core.api.routes import IdPath, action, create, read
from core.api.schemas import EvaluationIn, MeasureStatusIn, MeetingChangeIn, MeetingIn, ReasonIn, fields


class MeasureController(Controller):
    path = "/measures"
    tags = ("Tiltak",)

    @create("/{measure_id:str}/evaluations", purpose="measure.evaluate", location="/cases/{case_id}/measures")
    def evaluate(self, measure_id: IdPath, data: JSONBody[EvaluationIn], uow: UoW) -> Measure:
        """Evaluate a measure; a next date continues it, none ends it."""
        return uow.run(lambda w: w.measures.evaluate(measure_id, **fields(data)))

    @action("/{measure_id:str}/status", purpose="measure.change_status")
    def change_status(self, measure_id: IdPath, data: JSONBody[MeasureStatusIn], uow: UoW) -> Measure:
        """Pause (``paused``), resume (``active`` with ``next_evaluation_date``), end (``ended``) or cancel
        (``cancelled``) a measure, with a reason written to the stafettlogg; ended and cancelled are final."""
        return uow.run(lambda w: w.measures.change_status(measure_id, **fields(data)))


class ConsentController(Controller):
    path = "/consents"
    tags = ("Samtykke",)

    @action("/{consent_id:str}/give", purpose="consent.give")
    def give(self, consent_id: IdPath, uow: UoW) -> Consent:
        """The guardian or youth gives their consent digitally; it is in force when every giver has."""
        return uow.run(lambda w: w.consents.give(consent_id))

    @action("/{consent_id:str}/refuse", purpose="consent.refuse")
    def refuse(self, consent_id: IdPath, data: JSONBody[ReasonIn], uow: UoW) -> Consent:
        """The guardian or youth says no: the refusal is kept, and the services must ask anew."""
        with uow() as w:
            return w.consents.refuse(consent_id, **fields(data))

    @action("/{consent_id:str}/withdraw", purpose="consent.withdraw")
    def withdraw(self, consent_id: IdPath, data: JSONBody[ReasonIn], uow: UoW) -> Consent:
        """Withdraw at once: the services it covered lose access in the same transaction."""
        return uow.run(lambda w: w.consents.withdraw(consent_id, **fields(data)))


class HandoverController(Controller):
    path = "/handovers"
    tags = ("Stafettholder",)

    @read("/", purpose="handover.list_mine")
    def pending(self, uow: UoW, paging: Pages) -> Page[Handover]:
        """Hand-overs offered to me that wait for my answer."""
        return uow.run(lambda w: paging.page(w.relay_holder.pending_for_me()))

    @action("/{handover_id:str}/accept", purpose="handover.accept")
    def accept(self, handover_id: IdPath, uow: UoW) -> Handover:
        return uow.run(lambda w: w.relay_holder.accept(handover_id))

    @action("/{handover_id:str}/decline", purpose="handover.decline")
    def decline(self, handover_id: IdPath, data: JSONBody[ReasonIn], uow: UoW) -> Handover:
        return uow.run(lambda w: w.relay_holder.decline(handover_id, **fields(data)))


class MeetingController(Controller):
    path = "/meetings"
    tags = ("Møter",)

    @create("/", purpose="meeting.schedule", location="/cases/{case_id}/meetings")
    def schedule(self, data: JSONBody[MeetingIn], uow: UoW) -> Meeting:
        """A meeting in a case, or without ``case_id`` an anonymous discussion in an arena that allows it."""
        return uow.run(lambda w: w.meetings.schedule(**fields(data)))

    @action("/{meeting_id:str}/reschedule", purpose="meeting.reschedule")
    def reschedule(self, meeting_id: IdPath, data: JSONBody[MeetingChangeIn], uow: UoW) -> Meeting:
        """A new time (and place) for a meeting not yet begun; the invitees get a new invitation."""
        return uow.run(lambda w: w.meetings.reschedule(meeting_id, **fields(data)))

    @action("/{meeting_id:str}/cancel", purpose="meeting.cancel")
    def cancel(self, meeting_id: IdPath, uow: UoW) -> Meeting:
        """Cancel a meeting not yet begun; the invitees are told (an iCalendar CANCEL by e-mail)."""
        return uow.run(lambda w: w.meetings.cancel(meeting_id))
