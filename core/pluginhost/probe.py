"""Synthetic cases to call the dynamic hooks once at start-up, so a broken rule fails before users meet it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pluggy

from contracts import (
    Case,
    CaseSnapshot,
    CaseStatistics,
    CaseStatus,
    Indicator,
    InformationArea,
    Level,
    Municipality,
    Participant,
    ParticipationBasis,
    Refusal,
    RelayHolderContext,
    ServiceType,
    TransitionContext,
    UnitInfo,
)
from contracts.cases import Consent, ConsentGiver

from . import static
from .calling import SHAPE_ERRORS, call, coerce, ordered_impls
from .errors import PluginError

_AT = dt.datetime(2024, 1, 15, 9, 0, tzinfo=dt.UTC)
_OWNER = UnitInfo(id="probe-school", service_type=ServiceType.SCHOOL)
_PARTNER = UnitInfo(id="probe-ppt", service_type=ServiceType.PPT)


def snapshot(municipality_id: str, level: Level, *, with_holder: bool = False) -> CaseSnapshot:
    """A fictional case at ``level``: a school owns it, PPT takes part under consent from level 2."""
    units = [_OWNER] if level < Level.COLLABORATE_TWO else [_OWNER, _PARTNER]
    participants = [
        Participant(
            case_id="probe-case",
            unit_id=u.id,
            basis=ParticipationBasis.OWNER if u is _OWNER else ParticipationBasis.CONSENT,
            added_at=_AT,
        )
        for u in units
    ]
    consents = []
    if level >= Level.COLLABORATE_TWO:
        consents.append(
            Consent(
                id="probe-consent",
                case_id="probe-case",
                givers=[ConsentGiver(person_id="probe-guardian", as_role="guardian")],
                unit_ids=[u.id for u in units],
                categories=["probe"],
                purpose="probe",
                area=InformationArea.GENERAL,
                valid_from=_AT.date(),
                valid_to=_AT.date() + dt.timedelta(days=365),
                recorded_by="probe-employee",
                recorded_at=_AT,
            )
        )
    case = Case(
        id="probe-case",
        municipality_id=municipality_id,
        subject_id="probe-child",
        owner_unit_id=_OWNER.id,
        level=level,
        status=CaseStatus.OPEN,
        opened_at=_AT,
        relay_holder_id="probe-employee" if with_holder else None,
    )
    return CaseSnapshot(
        case=case,
        owner_unit=_OWNER,
        participants=participants,
        participant_units=units,
        consents_in_force=consents,
        meetings=[],
        open_measures=1,
        overdue_evaluations=0,
        subject_age_years=9,
        holder_unit_ids=[_OWNER.id] if with_holder else [],
    )


def statistics(municipality_id: str, *, empty: bool) -> CaseStatistics:
    """Aggregate numbers; the empty set catches rules that divide by zero in a quiet month."""
    n = 0 if empty else 1
    return CaseStatistics(
        municipality_id=municipality_id,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        open_cases_by_level={0: 4 * n, 1: 3 * n, 2: 2 * n, 3: n},
        cases_opened=10 * n,
        cases_closed=3 * n,
        cases_closed_by_reason={"resolved": 3 * n},
        cases_with_relay_holder=4 * n,
        measures_created=8 * n,
        measures_evaluated_on_time=5 * n,
        measures_evaluated_late=n,
        measures_overdue=n,
        consents_given=4 * n,
        consents_withdrawn=n,
        family_comments=2 * n,
    )


def probe(pm: pluggy.PluginManager, municipality: Municipality) -> None:
    """Call check_transition, check_relay_holder, suggest_relay_holder and indicators once per case."""
    label = f"{municipality.id} {municipality.name}"
    mid = municipality.id
    calls: list[tuple[str, dict[str, object], object]] = []
    for frm, to in ((0, 1), (1, 2), (2, 3), (3, 2)):
        ctx = TransitionContext(
            snapshot=snapshot(mid, Level(frm)),
            from_level=Level(frm),
            to_level=Level(to),
            actor_id="probe-employee",
            unit_leader_informed=True,
            guardians_informed=True,
        )
        calls.append(("check_transition", {"context": ctx}, list[Refusal]))
    for level in Level:
        holder = RelayHolderContext(
            snapshot=snapshot(mid, level),
            candidate_id="probe-employee",
            candidate_unit_ids=[_OWNER.id],
            candidate_is_coordinator=False,
            level=level,
            is_handover=False,
        )
        calls.append(("check_relay_holder", {"context": holder}, list[Refusal]))
        candidates = {_OWNER.id: ["probe-employee"], _PARTNER.id: ["probe-partner"]}
        calls.append(
            ("suggest_relay_holder", {"snapshot": holder.snapshot, "candidates": candidates}, str | None)
        )
    for empty in (False, True):
        calls.append(("indicators", {"statistics": statistics(mid, empty=empty)}, list[Indicator]))
    for hook, kwargs, type_ in calls:
        answers = [
            (impl.plugin_name, _answer(impl, hook, kwargs, type_, label)) for impl in ordered_impls(pm, hook)
        ]
        if hook == "indicators":  # ids must be unique across plugins; blamed in config order
            ids = [(p, i.id) for p, items in reversed(answers) for i in items or []]
            static.unique(ids, "indikatoren", municipality)


def _answer(impl: Any, hook: str, kwargs: dict[str, object], type_: Any, label: str) -> Any:
    """One implementation's answer to a probe, converted; a raise or a wrong shape names the plugin."""
    try:
        raw = call(impl, **kwargs)
    except Exception as exc:
        fault = f"hooken «{hook}» feilet på en prøvesak: {type(exc).__name__}: {exc}"
        raise PluginError(impl.plugin_name, fault, municipality=label) from exc
    try:
        return None if raw is None else coerce(raw, type_)  # None: "nothing to say", as in pluggy
    except SHAPE_ERRORS as exc:
        fault = f"hooken «{hook}» svarte med feil form på en prøvesak: {exc}"
        raise PluginError(impl.plugin_name, fault, municipality=label) from exc
