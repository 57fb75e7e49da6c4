"""One case as the services keep it, in memory: its rows, its facts for the policy, its log.

Every write goes through ``write``: the policy (``core.domain.policy.decide``) is asked for the actor and
the action on the case's facts at that moment, the decision is audited as ``UnitOfWork.authorize``
audits it, and the entry is appended with the next sequence number. A write the policy refuses is a
fault in the seed and stops it: the seeded data only holds what the rules allow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from contracts import (
    Case,
    CaseSnapshot,
    CaseStatus,
    Consent,
    ConsentGiver,
    InformationArea,
    Level,
    LogEntryKind,
    Meeting,
    MeetingKind,
    Participant,
    ParticipationBasis,
    ServiceType,
    UnitInfo,
)
from core.domain.consent import own_case_age
from core.domain.national_id import age_on
from core.domain.policy import Action, Actor, ActorKind, CaseFacts, decide
from core.seed_region.plan import UnitPlan
from core.seed_region.world import Subject, World, row


@dataclass
class ConsentState:
    id: str
    unit_ids: tuple[str, ...]
    area: str
    givers: list[tuple[str, str]]  # person id, as_role
    valid_from: dt.date
    valid_to: dt.date
    given_at: dt.datetime
    recorded_by: str
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str | None = None

    def in_force(self, at: dt.datetime) -> bool:
        if self.withdrawn_at is not None and self.withdrawn_at <= at:
            return False
        return self.given_at <= at and self.valid_from <= at.date() <= self.valid_to


@dataclass
class MeasureState:
    id: str
    title: str
    goal: str
    responsible_id: str
    unit_id: str
    start_date: dt.date
    evaluation_date: dt.date
    created_by: str
    created_at: dt.datetime
    next_evaluation_date: dt.date | None
    status: str = "active"


@dataclass
class CaseModel:
    world: World
    id: str
    subject: Subject
    owner: UnitPlan
    opened_at: dt.datetime
    level: int = 0
    status: CaseStatus = CaseStatus.OPEN
    holder: str | None = None
    closed_at: dt.datetime | None = None
    close_reason: str | None = None
    participants: dict[str, list[Any]] = field(default_factory=dict)  # unit -> [basis, added, by, removed]
    consents: list[ConsentState] = field(default_factory=list)
    measures: dict[str, MeasureState] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    offered_to: frozenset[str] = frozenset()
    seq: int = 0
    version: int = 0  # grows with every write; the cached facts and decisions belong to one version
    _cache: dict[Any, Any] = field(default_factory=dict)

    # -- the policy's view ---------------------------------------------------------------------------
    def consented_units(self, at: dt.datetime) -> frozenset[str]:
        return frozenset(u for c in self.consents if c.in_force(at) for u in c.unit_ids)

    def family_ids(self) -> frozenset[str]:
        ids = set(self.subject.guardians)
        if age_on(self.subject.birth_date, self.world.plan.now.date()) >= own_case_age(self.world.ages):
            ids.add(self.subject.id)
        return frozenset(ids)

    def facts(self, at: dt.datetime) -> CaseFacts:
        consented = self.consented_units(at)
        key = ("facts", self.version, consented)
        found = self._cache.get(key)
        if found is None:
            current = {u: ParticipationBasis(p[0]) for u, p in self.participants.items() if p[3] is None}
            found = CaseFacts(
                case_id=self.id,
                municipality_id=self.world.mid,
                subject_id=self.subject.id,
                owner_unit_id=self.owner.id,
                status=self.status,
                relay_holder_id=self.holder,
                participants=current,
                consented_units=consented,
                family_ids=self.family_ids(),
                former_units=frozenset(u for u, p in self.participants.items() if p[3] is not None),
                offered_to=self.offered_to,
            )
            self._cache[key] = found
        return found

    def authorize(
        self, actor: Actor, action: Action, at: dt.datetime, purpose: str, facts: CaseFacts | None = None
    ) -> None:
        """Ask the one policy and audit its answer; a refusal here is a bug in the seed. ``facts``: the
        case's facts at ``at``, when the caller knows them already."""
        facts = facts or self.facts(at)
        key = (id(facts), actor.id, action)
        known = self._cache.get(key)
        if known is None:
            decision = decide(actor, action, municipality_id=self.world.mid, case=facts)
            if not decision.allowed:
                raise RuntimeError(f"seed bug: {action} by {actor.id} refused on {self.id}: {decision}")
            known = self._cache[key] = (
                actor.id,
                actor.kind.value,
                actor.on_behalf_of,
                action.value,
                self.id,
                self.subject.id,
                decision.basis,
            )
        actor_id, kind, on_behalf_of, act, case_id, subject_id, basis = known
        self.world.events.append(
            (at, actor_id, kind, on_behalf_of, act, case_id, subject_id, purpose, "allowed", basis)
        )

    def may(self, actor: Actor, action: Action, at: dt.datetime) -> bool:
        return decide(actor, action, municipality_id=self.world.mid, case=self.facts(at)).allowed

    # -- writing -------------------------------------------------------------------------------------
    def changed(self) -> None:
        self.version += 1
        self._cache.clear()

    def entry(
        self,
        at: dt.datetime,
        author: str | None,
        kind: LogEntryKind,
        text: str = "",
        data: dict[str, Any] | None = None,
        *,
        shared: bool = True,
    ) -> None:
        self.seq += 1
        self.world.sink.put(
            "log_entry",
            # in log_entry's column order (the hot path: no row() per entry); last, hidden_from_guardians
            (
                self.world.new_id(),
                self.id,
                self.seq,
                str(kind),
                at,
                author,
                text,
                data or {},
                None,
                shared,
                False,
            ),
        )

    def write(
        self,
        actor: Actor,
        action: Action,
        at: dt.datetime,
        purpose: str,
        kind: LogEntryKind,
        text: str = "",
        data: dict[str, Any] | None = None,
        *,
        shared: bool = True,
    ) -> None:
        """One service call: authorized and audited on the facts before it, then its log entry."""
        self.authorize(actor, action, at, purpose)
        author = None if actor.kind is ActorKind.SYSTEM else actor.id
        self.entry(at, author, kind, text, data, shared=shared)
        self.changed()

    # -- what the level rules look at ----------------------------------------------------------------
    def snapshot(self, at: dt.datetime) -> CaseSnapshot:
        units = self.world.units
        current = [(u, p) for u, p in self.participants.items() if p[3] is None]
        today = at.date()
        open_measures = [m for m in self.measures.values() if m.status == "active"]
        return CaseSnapshot(
            case=Case(
                id=self.id,
                municipality_id=self.world.mid,
                subject_id=self.subject.id,
                owner_unit_id=self.owner.id,
                level=Level(self.level),
                status=self.status,
                opened_at=self.opened_at,
                relay_holder_id=self.holder,
            ),
            owner_unit=UnitInfo(id=self.owner.id, service_type=ServiceType(self.owner.service_type)),
            participants=[
                Participant(
                    case_id=self.id, unit_id=u, basis=ParticipationBasis(p[0]), added_at=p[1], added_by=p[2]
                )
                for u, p in current
            ],
            participant_units=[
                UnitInfo(id=u, service_type=ServiceType(units[u].service_type)) for u, _ in current
            ],
            consents_in_force=[self._contract(c) for c in self.consents if c.in_force(at)],
            meetings=list(self.meetings),
            open_measures=len(open_measures),
            overdue_evaluations=sum(
                1 for m in open_measures if m.next_evaluation_date and m.next_evaluation_date < today
            ),
            subject_age_years=age_on(self.subject.birth_date, today),
        )

    def _contract(self, c: ConsentState) -> Consent:
        return Consent(
            id=c.id,
            case_id=self.id,
            givers=[ConsentGiver(person_id=p, as_role=r, given_at=c.given_at) for p, r in c.givers],
            unit_ids=list(c.unit_ids),
            categories=["observasjoner", "tiltak og evalueringer"],
            purpose="Samarbeid om tiltak for barnet",
            area=InformationArea(c.area),
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            recorded_by=c.recorded_by,
            recorded_at=c.given_at,
        )

    # -- the rows the case leaves --------------------------------------------------------------------
    def finish(self) -> None:
        """Put the case's final rows (the ones that change over its life) in the sink."""
        sink, mid = self.world.sink, self.world.mid
        sink.put(
            "case",
            row(
                "case",
                id=self.id,
                municipality_id=mid,
                subject_id=self.subject.id,
                owner_unit_id=self.owner.id,
                level=self.level,
                status=str(self.status),
                opened_at=self.opened_at,
                relay_holder_id=self.holder,
                closed_at=self.closed_at,
                close_reason=self.close_reason,
                next_evaluation_date=min(
                    (m.next_evaluation_date for m in self.measures.values() if m.next_evaluation_date),
                    default=None,
                ),
            ),
        )
        for unit_id, (basis, added, by, removed) in self.participants.items():
            sink.put("participant", (self.id, unit_id, basis, added, by, removed))
        for c in self.consents:
            sink.put(
                "consent",
                row(
                    "consent",
                    id=c.id,
                    case_id=self.id,
                    purpose="Samarbeid om tiltak for barnet",
                    area=InformationArea(c.area),
                    categories=["observasjoner", "tiltak og evalueringer"],
                    valid_from=c.valid_from,
                    valid_to=c.valid_to,
                    recorded_by=c.recorded_by,
                    recorded_at=c.given_at,
                    withdrawn_at=c.withdrawn_at,
                    withdrawn_by=c.withdrawn_by,
                ),
            )
            for person_id, as_role in c.givers:
                sink.put(
                    "consent_giver",
                    row("consent_giver", consent_id=c.id, person_id=person_id, as_role=as_role,
                        given_at=c.given_at, method="digital" if c.given_at else ""),
                )  # fmt: skip
            for unit_id in c.unit_ids:
                sink.put("consent_unit", (c.id, unit_id))
        for m in self.measures.values():  # a measure's columns are its state's fields, with the case
            sink.put("measure", row("measure", **vars(m), case_id=self.id, for_family=False))


def coordination_meetings(case: CaseModel) -> list[Meeting]:
    return [m for m in case.meetings if m.kind is MeetingKind.COORDINATION]


def with_holder(facts: CaseFacts, holder: str) -> CaseFacts:
    return replace(facts, relay_holder_id=holder)
