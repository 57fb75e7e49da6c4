"""A case's life, step by step, in the order and under the rules the services keep.

Each story opens the case from an undring and then, at its share of the case's writes, takes it up the
levels one at a time (the built-in rules of ``core.domain.levels`` are asked before every move up),
assigns a stafettholder from the owning unit (checked with the policy's ``employee_basis``), asks the
guardians' consent on paper from exactly the people ``core.domain.consent.required_givers`` names, and
brings a service in only while a consent in force covers it. Consents are renewed before they run out;
now and then a guardian withdraws one and the case steps down, or one is left to expire. Between the
writes the people who may see the case read it (the employees of the units with access, and the
guardians on Min side), each read one audit event, as in use.
"""

from __future__ import annotations

import datetime as dt

from contracts import (
    CaseStatus,
    InformationArea,
    Level,
    LogEntryKind,
    MeetingKind,
    PersonKind,
    TransitionContext,
)
from core.domain import levels
from core.domain.consent import SubjectFacts, required_givers
from core.domain.national_id import age_on
from core.domain.policy import Action, Actor, ActorKind, decide, employee_basis
from core.seed import OBSERVATIONS
from core.seed_region.case import ConsentState, with_holder
from core.seed_region.everyday import Timeline

PARTNER = {"barnehage": "ppt", "skole": "ppt", "sfo": "ppt", "helsestasjon": "familietjeneste"}


class Story(Timeline):
    def play(self, target: int, closed: bool, *, withdraw: bool, lapse: bool) -> None:
        n = len(self.times)
        steps = {max(2, n * 8 // 100): 1, max(6, n * 20 // 100): 2, max(12, n * 32 // 100): 3}
        withdraw_at = n * 65 // 100 if withdraw and target >= 2 else -1
        self.open()
        while self.i < n - (1 if closed else 0):
            level = next(
                (lv for at, lv in steps.items() if at <= self.i and self.case.level < lv <= target), None
            )
            if self.keep_consent(lapse):
                continue
            if level is not None and not self.stepped_down:
                self.move_up(level)
            elif self.i >= withdraw_at >= 0:
                withdraw_at = -1
                self.withdraw()
            else:
                self.filler()
        if not closed:
            self.keep_consent(lapse=True, at=self.end)  # a consent run out by now: the case steps down
        if closed:
            self.close()
        self.reads(self.last, self.end if not closed else min(self.end, self.last + dt.timedelta(days=30)))
        self.case.finish()
        for evaluation in self.evaluations:
            self.world.sink.put("measure_evaluation", evaluation)

    def open(self) -> None:
        case, world, rng = self.case, self.world, self.rng
        t = self.tick()
        decision = decide(self.worker, Action.OPEN_CASE, municipality_id=world.mid, unit_id=case.owner.id)
        if not decision.allowed:
            raise RuntimeError(f"seed bug: {self.worker.id} may not open a case in {case.owner.id}")
        world.audit(
            t, self.worker, Action.OPEN_CASE, "case.open via web", decision.basis, None, case.subject.id
        )
        case.participants[case.owner.id] = ["owner", t, self.worker.id, None]
        concern_id, kind = world.new_id(), "bekymring" if rng.random() < 0.3 else "undring"
        observation = rng.choice(OBSERVATIONS)
        world.sink.put(
            "concern", (concern_id, case.id, case.owner.id, self.worker.id, kind, observation, t.date(), t)
        )
        case.entry(
            t,
            self.worker.id,
            LogEntryKind.CONCERN,
            observation,
            {"concern_id": concern_id, "kind": kind, "observed_on": t.date().isoformat()},
            shared=False,
        )
        case.changed()

    def move_up(self, level: int) -> None:
        case = self.case
        if level == 2:
            self.consent([self.partner(PARTNER.get(case.owner.service_type, "ppt"))], InformationArea.GENERAL)
        if level == 3:
            third = self.partner("barnevern")
            self.consent([third], InformationArea.CHILD_WELFARE)
            units = [u for u, p in case.participants.items() if p[3] is None]
            self.meeting(MeetingKind.COORDINATION, units)
        t = self.tick()
        informed = level == 1
        ctx = TransitionContext(
            snapshot=case.snapshot(t),
            from_level=Level(case.level),
            to_level=Level(level),
            actor_id=self.worker.id or "system",
            unit_leader_informed=informed,
            guardians_informed=informed,
        )
        names = {u: p.name for u, p in self.world.units.items()}
        holder_levels = frozenset(Level(lv) for lv in self.world.plan.holder_levels)
        refusals = levels.builtin_refusals(ctx, unit_names=names, required_holder_levels=holder_levels)
        if refusals:
            raise RuntimeError(f"seed bug: level {level} refused on {case.id}: {refusals}")
        case.write(
            self.worker,
            Action.CHANGE_LEVEL,
            t,
            "case.change_level via web",
            LogEntryKind.LEVEL_CHANGED,
            data={
                "from": case.level,
                "to": level,
                "unit_leader_informed": informed,
                "guardians_informed": informed,
            },
        )
        case.level = level
        if level == 1:
            self.assign_holder()
            self.measure()

    def partner(self, service_type: str) -> str:
        """The municipality's unit of that type, brought in under a consent given just before."""
        return next(u.id for u in self.world.plan.units if u.service_type == service_type)

    def consent(self, unit_ids: list[str], area: InformationArea) -> None:
        case = self.case
        t = self.tick()
        subject = SubjectFacts(
            case.subject.id,
            PersonKind.CHILD,
            age_on(case.subject.birth_date, t.date()),
            case.subject.guardians,
        )
        givers = [(g.person_id, g.as_role) for g in required_givers(subject, area, self.world.ages)]
        consent = ConsentState(
            self.world.new_id(),
            tuple(unit_ids),
            str(area),
            givers,
            t.date(),
            t.date() + dt.timedelta(days=365),
            t,
            self.worker.id or "",
        )
        case.authorize(self.worker, Action.RECORD_CONSENT, t, "consent.request via web")
        case.consents.append(consent)
        case.entry(
            t,
            self.worker.id,
            LogEntryKind.CONSENT_GIVEN,
            data={
                "consent_id": consent.id,
                "giver_ids": [g for g, _ in givers],
                "unit_ids": list(unit_ids),
                "in_force": True,
                "on_paper": True,
            },
        )
        case.changed()
        for unit_id in unit_ids:
            if case.participants.get(unit_id, [None, None, None, "gone"])[3] is None:
                continue  # already taking part: the renewed consent covers it again
            t = self.tick()
            if unit_id not in case.consented_units(t):
                raise RuntimeError(f"seed bug: {unit_id} joins {case.id} without consent")
            case.authorize(self.worker, Action.MANAGE_PARTICIPANTS, t, "case.add_participant via web")
            case.participants[unit_id] = ["consent", t, self.worker.id, None]
            case.entry(
                t,
                self.worker.id,
                LogEntryKind.PARTICIPANT_ADDED,
                self.world.units[unit_id].name,
                {"unit_id": unit_id, "basis": "consent"},
            )
            case.changed()

    def assign_holder(self, to: str | None = None) -> None:
        case = self.case
        candidate = self.world.actors[to or self.worker.id or ""]
        t = self.tick()
        if employee_basis(candidate, with_holder(case.facts(t), candidate.id or "")) is None:
            raise RuntimeError(f"seed bug: {candidate.id} cannot hold the baton of {case.id}")
        case.write(
            self.worker,
            Action.MANAGE_RELAY_HOLDER,
            t,
            "case.assign_relay_holder via web",
            LogEntryKind.RELAY_HOLDER_ASSIGNED,
            data={"holder_id": candidate.id},
        )
        case.holder = candidate.id

    def keep_consent(self, lapse: bool, at: dt.datetime | None = None) -> bool:
        """Renew a consent before it runs out (unless the story lets it lapse); a service whose consent
        has lapsed is taken out and the case steps down. Answers whether it wrote."""
        case = self.case
        if case.status is not CaseStatus.OPEN:
            return False
        nxt = at or self.upcoming()
        on_consent = [u for u, p in case.participants.items() if p[3] is None and p[0] == "consent"]
        if not on_consent:
            return False
        uncovered = [u for u in on_consent if u not in case.consented_units(nxt)]
        if uncovered:
            self.step_down(uncovered)
            return True
        if lapse:
            return False
        soon = self.upcoming(6).date()
        for c in case.consents:
            if c.id not in self.renewed and c.withdrawn_at is None and c.in_force(nxt) and c.valid_to < soon:
                self.renewed.add(c.id)
                self.consent(list(c.unit_ids), InformationArea(c.area))
                return True
        return False

    def withdraw(self) -> None:
        """A guardian (or the youth) withdraws the newest consent in force: the services it covered lose
        their basis at once, Stafett says so in the log, and the case steps down."""
        case, t = self.case, self.upcoming()
        consent = next((c for c in reversed(case.consents) if c.in_force(t)), None)
        if consent is None:
            return self.filler()
        person = consent.givers[0][0]
        kind = ActorKind.YOUTH if person == case.subject.id else ActorKind.GUARDIAN
        actor = Actor(kind=kind, municipality_id=self.world.mid, id=person)
        t = self.tick()
        case.authorize(actor, Action.WITHDRAW_CONSENT, t, "consent.withdraw via web")
        consent.withdrawn_at, consent.withdrawn_by = t, person
        case.changed()
        case.entry(
            t,
            person,
            LogEntryKind.CONSENT_WITHDRAWN,
            "",
            {"consent_id": consent.id, "unit_ids": sorted(consent.unit_ids)},
        )
        covered = case.consented_units(t)
        lost = sorted(
            u
            for u, p in case.participants.items()
            if p[3] is None and p[0] == "consent" and u in consent.unit_ids and u not in covered
        )
        if lost:
            names = ", ".join(self.world.units[u].name for u in lost)
            case.entry(
                t,
                None,
                LogEntryKind.PARTICIPANT_BASIS_LAPSED,
                "Samtykket er trukket tilbake. Disse tjenestene har ikke lenger grunnlag for å delta og "
                f"har ikke tilgang til saken før et nytt samtykke gjelder: {names}.",
                {"consent_id": consent.id, "unit_ids": lost, "level_lacks_consent": case.level >= 2},
                shared=False,
            )
            self.step_down(lost)
        return None

    def step_down(self, units: list[str]) -> None:
        case = self.case
        self.stepped_down = True
        if case.level >= 2:
            t = self.tick()
            case.write(
                self.worker,
                Action.CHANGE_LEVEL,
                t,
                "case.change_level via web",
                LogEntryKind.LEVEL_CHANGED,
                "Samtykket gjelder ikke lenger; saken følges opp i egen enhet.",
                {"from": case.level, "to": 1, "unit_leader_informed": False, "guardians_informed": False},
            )
            case.level = 1
        for unit_id in units:
            t = self.tick()
            case.write(
                self.worker,
                Action.MANAGE_PARTICIPANTS,
                t,
                "case.remove_participant via web",
                LogEntryKind.PARTICIPANT_REMOVED,
                self.world.units[unit_id].name,
                {"unit_id": unit_id},
            )
            case.participants[unit_id][3] = t
            case.changed()

    def close(self) -> None:
        case, t = self.case, self.tick()
        reason = self.rng.choice(("resolved", "resolved", "resolved", "moved", "out_of_target_group"))
        case.write(
            self.worker,
            Action.CHANGE_LEVEL,
            t,
            "case.close via web",
            LogEntryKind.CASE_CLOSED,
            data={"reason": reason},
        )
        case.status, case.closed_at, case.close_reason = CaseStatus.CLOSED, t, reason
        case.changed()
