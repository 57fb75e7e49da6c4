"""Stafettholder rules of the national baseline: who may and who must hold the baton at each level.

At levels 0–1 the work stays in the unit that raised the concern, so the baton does too; from
level 2 the services collaborate under consent, and the holder comes from one of them. A BTI
coordinator may hold it anywhere.
"""

from __future__ import annotations

from contracts import CaseSnapshot, Level, Refusal, RelayHolderContext, RelayHolderRule, relay_holder_rules

RULES: list[RelayHolderRule] = relay_holder_rules(
    "På nivå 0 trengs ingen stafettholder: den som undrer seg, avklarer sammen med kollega, leder og "
    "foreldre.",
    "På nivå 1 anbefales det at en ansatt i enheten som meldte undringen, er stafettholder.",
    "På nivå 2 skal saken ha en stafettholder fra en av tjenestene som samarbeider.",
    "På nivå 3 skal saken ha en stafettholder fra en av tjenestene som samarbeider; stafettholderen sørger "
    "for at samarbeidet blir koordinert og dokumentert i stafettloggen.",
)


def _participating(snapshot: CaseSnapshot) -> set[str]:
    return {p.unit_id for p in snapshot.participants} | {snapshot.case.owner_unit_id}


def check(context: RelayHolderContext) -> list[Refusal]:
    """Refuse a candidate outside the owner unit (levels 0–1) or outside the collaboration (2–3)."""
    if context.candidate_is_coordinator:
        return []
    units = set(context.candidate_unit_ids)
    if context.level <= Level.INTERNAL:
        if context.snapshot.case.owner_unit_id in units:
            return []
        return [
            Refusal(
                code="bti.holder_outside_owner_unit",
                message="På nivå 0 og 1 skal stafettholderen være ansatt i enheten som meldte undringen, "
                "eller være BTI-koordinator.",
            )
        ]
    if units & _participating(context.snapshot):
        return []
    return [
        Refusal(
            code="bti.holder_outside_collaboration",
            message=f"På nivå {int(context.level)} skal stafettholderen komme fra en av tjenestene som "
            "samarbeider i saken, eller være BTI-koordinator.",
        )
    ]


def suggest(snapshot: CaseSnapshot, candidates: dict[str, list[str]]) -> str | None:
    """Someone from the owner unit; from level 2, else the first candidate of a participating unit."""
    owner = snapshot.case.owner_unit_id
    if candidates.get(owner):
        return candidates[owner][0]
    if snapshot.case.level <= Level.INTERNAL:
        return None
    for participant in snapshot.participants:
        if candidates.get(participant.unit_id):
            return candidates[participant.unit_id][0]
    return None
