"""The everyday life of a case between the moves: the clock, the reads, notes, measures and their
evaluations, meetings, comments from the family and the baton handed over in the unit.

``Timeline`` gives out the case's write times in order and, between two writes, the reads of the people
who may see the case then; ``history.Story`` builds the case's moves on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from contracts import LogEntryKind, Meeting, MeetingKind
from core.domain.policy import Action, Actor, employee_basis
from core.seed import NOTES
from core.seed_region.case import CaseModel, MeasureState, with_holder
from core.seed_region.world import World, row

READ_PURPOSES = (
    "case.read via web",
    "case.read_log via web",
    "case.list_mine via web",
    "case.read via API",
    "case.read_log via API",
    "case.read_measures via web",
    "case.read_consents via web",
)
FAMILY_PURPOSES = ("family.list_cases via web", "family.read_case via web", "family.read_log via web")
MEASURES = (
    ("Fast voksen i overganger", "Tryggere start på dagen"),
    ("Samtalegruppe", "Sette ord på det som er vanskelig"),
    ("Tilrettelagt lesetrening", "Bedre leseflyt før jul"),
    ("Foreldreveiledning (ICDP)", "Mer forutsigbare rutiner hjemme"),
)
SUMMARIES = ("Tiltaket virker; vi fortsetter.", "Delvis nådd; justerer og prøver igjen.", "Målet er nådd.")


class Timeline:
    def __init__(
        self, world: World, case: CaseModel, worker: str, times: list[dt.datetime], end: dt.datetime
    ) -> None:
        self.world, self.case, self.rng = world, case, world.rng
        self.worker = world.actors[worker]
        self.times, self.end, self.i = times, end, 0
        self.last = times[0]
        self.evaluations: list[tuple[Any, ...]] = []  # stored after the case's measures
        self.renewed: set[str] = set()
        self.stepped_down = False  # after a withdrawal or a lapse the case stays in its own unit
        self._readers: dict[tuple[int, frozenset[str]], list[str]] = {}

    # -- the clock: the next write's time, and the reads before it -----------------------------------
    def tick(self) -> dt.datetime:
        t = self.times[self.i] if self.i < len(self.times) else self.last + dt.timedelta(minutes=5)
        self.i += 1
        if self.i > 1:
            self.reads(self.last, t)
        self.last = t
        return t

    def upcoming(self, ahead: int = 0) -> dt.datetime:
        at = self.i + ahead
        return self.times[at] if at < len(self.times) else self.end

    def reads(self, start: dt.datetime, stop: dt.datetime) -> None:
        """The reads between two writes. No consent starts between writes (one is given in a write),
        so when the same units are covered at both ends they are covered all through: one set of facts
        serves every read of the gap."""
        case, world, random = self.case, self.world, self.rng.random
        span = (stop - start).total_seconds()
        same = case.consented_units(start) == case.consented_units(stop)
        fixed = case.facts(start) if same else None
        guardians, actors, staff = case.subject.guardians, world.actors, world.staff
        units = self._reader_units(start)
        for _ in range(1 + int(random() * 7)):
            at = start + dt.timedelta(seconds=random() * span)
            if guardians and random() < 0.2:
                guardian = world.family_actor(guardians[int(random() * len(guardians))])
                purpose = FAMILY_PURPOSES[int(random() * len(FAMILY_PURPOSES))]
                case.authorize(guardian, Action.READ_FAMILY_VIEW, at, purpose, fixed)
                continue
            if not same:
                units = self._reader_units(at)
            members = staff[units[int(random() * len(units))]]
            reader = actors[members[int(random() * len(members))]]
            case.authorize(
                reader, Action.READ_CASE, at, READ_PURPOSES[int(random() * len(READ_PURPOSES))], fixed
            )

    def reader(self, at: dt.datetime) -> Actor:
        """An employee who may read or write in the case at ``at``: of the owning unit, or of a unit on
        consent."""
        units = self._reader_units(at)
        return self.world.actors[self.rng.choice(self.world.staff[self.rng.choice(units)])]

    def _reader_units(self, at: dt.datetime) -> list[str]:
        case = self.case
        consented = case.consented_units(at)
        key = (case.version, consented)
        units = self._readers.get(key)
        if units is None:
            current = {u for u, p in case.participants.items() if p[3] is None}
            units = self._readers[key] = [case.owner.id, *sorted(consented & current)]
        return units

    # -- the story -----------------------------------------------------------------------------------
    def measure(self) -> None:
        case, rng = self.case, self.rng
        t = self.tick()
        title, goal = rng.choice(MEASURES)
        due = t.date() + dt.timedelta(days=rng.randint(14, 60))
        m = MeasureState(
            self.world.new_id(),
            title,
            goal,
            self.worker.id or "",
            case.owner.id,
            t.date(),
            due,
            self.worker.id or "",
            t,
            due,
        )
        case.write(
            self.worker,
            Action.WRITE_CASE,
            t,
            "case.create_measure via web",
            LogEntryKind.MEASURE_CREATED,
            title,
            {"measure_id": m.id, "goal": goal, "evaluation_date": due.isoformat()},
        )
        case.measures[m.id] = m

    def evaluate(self, m: MeasureState) -> None:
        rng, t = self.rng, self.tick()
        due = m.next_evaluation_date
        assert due is not None
        outcome = rng.choice(("achieved", "partly", "not_achieved"))
        nxt = None if outcome == "achieved" else t.date() + dt.timedelta(days=rng.randint(30, 90))
        summary = rng.choice(SUMMARIES)
        actor = self.world.actors[m.responsible_id]
        self.case.write(
            actor,
            Action.WRITE_CASE,
            t,
            "measure.evaluate via web",
            LogEntryKind.MEASURE_EVALUATED,
            summary,
            {
                "measure_id": m.id,
                "outcome": outcome,
                "due": due.isoformat(),
                "on_time": t.date() <= due,
                "next_evaluation_date": nxt.isoformat() if nxt else None,
            },
        )
        self.evaluations.append((self.world.new_id(), m.id, outcome, summary, actor.id, t, nxt))
        m.next_evaluation_date, m.status = nxt, "active" if nxt else "ended"

    def meeting(self, kind: MeetingKind, unit_ids: list[str]) -> None:
        case, t = self.case, self.tick()
        starts = t + dt.timedelta(days=7)
        meeting = Meeting(
            id=self.world.new_id(),
            municipality_id=self.world.mid,
            kind=kind,
            starts_at=starts,
            case_id=case.id,
            unit_ids=sorted(unit_ids),
            summary="Møte med foresatte og tjenestene.",
        )
        case.write(
            self.worker,
            Action.WRITE_CASE,
            t,
            "meeting.schedule via web",
            LogEntryKind.MEETING,
            meeting.summary,
            {"meeting_id": meeting.id, "kind": str(kind), "starts_at": starts.isoformat(), "arena_id": None},
        )
        case.meetings.append(meeting)
        self.world.sink.put(
            "meeting",
            row(
                "meeting",
                id=meeting.id,
                municipality_id=self.world.mid,
                case_id=case.id,
                kind=str(kind),
                starts_at=starts,
                summary=meeting.summary,
                created_by=self.worker.id,
            ),
        )
        for unit_id in meeting.unit_ids:
            self.world.sink.put("meeting_unit", (meeting.id, unit_id))

    def filler(self) -> None:
        """The everyday writes between the moves: notes, lysglimt, evaluations, comments, meetings."""
        case, rng = self.case, self.rng
        soon = self.upcoming().date()
        due = [
            m
            for m in case.measures.values()
            if m.status == "active" and m.next_evaluation_date and m.next_evaluation_date <= soon
        ]
        roll = rng.random()
        if due and roll < 0.5:
            self.evaluate(due[0])
        elif case.level >= 1 and roll < 0.08:
            self.measure()
        elif case.level >= 1 and roll < 0.14 and case.subject.guardians:
            t = self.tick()
            guardian = self.world.family_actor(rng.choice(case.subject.guardians))
            case.write(
                guardian,
                Action.WRITE_FAMILY,
                t,
                "family.comment via web",
                LogEntryKind.FAMILY_COMMENT,
                "Takk for samtalen; vi prøver dette hjemme også.",
            )
        elif case.level >= 1 and case.holder and roll < 0.16 and len(self.world.staff[case.owner.id]) > 1:
            self.hand_over()
        elif case.level >= 2 and roll < 0.19:
            self.meeting(MeetingKind.COLLABORATION, [u for u, p in case.participants.items() if p[3] is None])
        else:
            t = self.tick()
            kind = LogEntryKind.BRIGHT_MOMENT if roll > 0.85 else LogEntryKind.NOTE
            case.write(
                self.reader(t),
                Action.WRITE_CASE,
                t,
                "case.write_log via web",
                kind,
                rng.choice(NOTES),
                shared=rng.random() < 0.85,
            )

    def hand_over(self) -> None:
        """The holder offers the baton to a colleague in the owning unit, who accepts it."""
        case, world = self.case, self.world
        holder = world.actors[case.holder or ""]
        receiver = world.actors[self.rng.choice([p for p in world.staff[case.owner.id] if p != case.holder])]
        t = self.tick()
        if employee_basis(receiver, with_holder(case.facts(t), receiver.id or "")) is None:
            raise RuntimeError(f"seed bug: {receiver.id} cannot take the baton of {case.id}")
        handover_id, note = world.new_id(), "Jeg går ut i permisjon; du kjenner familien godt."
        data = {"handover_id": handover_id, "from_id": holder.id, "to_id": receiver.id}
        case.write(
            holder,
            Action.MANAGE_RELAY_HOLDER,
            t,
            "case.request_handover via web",
            LogEntryKind.HANDOVER_REQUESTED,
            note,
            data,
        )
        case.offered_to = frozenset({receiver.id or ""})
        case.changed()
        decided = self.tick()
        case.write(
            receiver,
            Action.MANAGE_RELAY_HOLDER,
            decided,
            "handover.accept via web",
            LogEntryKind.HANDOVER_ACCEPTED,
            data=data,
        )
        case.holder, case.offered_to = receiver.id, frozenset()
        case.changed()
        world.sink.put(
            "handover", (handover_id, case.id, holder.id, receiver.id, "accepted", note, t, decided)
        )
