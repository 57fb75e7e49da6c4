"""The level model (nivå 0–3) as an explicit state machine with the model's built-in rules.

Moves up go one level at a time, so no level's work is skipped; moves down and closing
are always possible while the case is open. Plugins add conditions through
``check_transition``; the rules here are checked first and cannot be lifted.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from contracts import CaseStatus, Level, MeetingKind, ParticipationBasis, Refusal, TransitionContext
from contracts.words import LEVEL_NAMES
from core.i18n import _


def parse_level(value: object) -> Level:
    """Turn user input into a Level, or raise ValueError naming the allowed values."""
    if isinstance(value, str | int):
        try:
            return Level(int(value))
        except ValueError:
            pass
    raise ValueError(_("Ukjent nivå «{value}». Gyldige nivåer er 0, 1, 2 og 3.").format(value=value))


def builtin_refusals(
    ctx: TransitionContext,
    *,
    unit_names: Mapping[str, str],
    required_holder_levels: Set[Level] = frozenset(),
) -> list[Refusal]:
    """Every built-in rule the requested change breaks; empty when it is allowed."""
    snap, target = ctx.snapshot, ctx.to_level
    if snap.case.status is not CaseStatus.OPEN:
        return [Refusal(code="case_closed", message=_("Saken er avsluttet og kan ikke endre nivå."))]
    if target == ctx.from_level:
        return [
            Refusal(
                code="same_level",
                message=_("Saken er allerede på {level}.").format(level=_(LEVEL_NAMES[target])),
            )
        ]
    if target < ctx.from_level:
        return []
    if target > ctx.from_level + 1:
        return [
            Refusal(
                code="skip_level",
                message=_("Saken kan bare flyttes ett nivå opp om gangen: neste nivå er {level}.").format(
                    level=_(LEVEL_NAMES[Level(ctx.from_level + 1)])
                ),
            )
        ]
    refusals: list[Refusal] = []
    if target == Level.INTERNAL:
        if not ctx.unit_leader_informed:
            refusals.append(
                Refusal(code="unit_leader_not_informed", message=_("Leder for enheten må være informert."))
            )
        if not ctx.guardians_informed:
            refusals.append(Refusal(code="guardians_not_informed", message=_("Foresatte må være informert.")))
    if target >= Level.COLLABORATE_TWO:
        refusals += _consent_refusals(ctx, unit_names)
    if target == Level.COLLABORATE_MANY:
        if snap.case.relay_holder_id is None:
            refusals.append(
                Refusal(
                    code="relay_holder_missing", message=_("Nivå 3 krever at saken har en stafettholder.")
                )
            )
        if not any(m.kind is MeetingKind.COORDINATION for m in snap.meetings):
            refusals.append(
                Refusal(
                    code="coordination_meeting_missing",
                    message=_("Nivå 3 krever at et koordineringsmøte er avholdt eller avtalt."),
                )
            )
    elif target in required_holder_levels and snap.case.relay_holder_id is None:
        refusals.append(
            Refusal(
                code="relay_holder_missing",
                message=_("Kommunens regler krever en stafettholder på {level}.").format(
                    level=_(LEVEL_NAMES[target])
                ),
            )
        )
    return refusals


def _consent_refusals(ctx: TransitionContext, unit_names: Mapping[str, str]) -> list[Refusal]:
    """Level 2 and 3: another service takes part, and valid consent covers every one of them."""
    snap = ctx.snapshot
    others = [
        p
        for p in snap.participants
        if p.unit_id != snap.case.owner_unit_id and p.basis is not ParticipationBasis.OWNER
    ]
    if not others:
        return [
            Refusal(
                code="no_second_service",
                message=_("{level} krever at minst én tjeneste til deltar i saken.").format(
                    level=_(LEVEL_NAMES[ctx.to_level]).capitalize()
                ),
            )
        ]
    covered = {unit for consent in snap.consents_in_force for unit in consent.unit_ids}
    return [
        Refusal(
            code="consent_missing",
            message=_("Det mangler gyldig samtykke fra foresatte som omfatter «{unit}».").format(
                unit=unit_names.get(p.unit_id, p.unit_id)
            ),
        )
        for p in others
        if p.basis is ParticipationBasis.CONSENT and p.unit_id not in covered
    ]
