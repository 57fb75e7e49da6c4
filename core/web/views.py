"""What each page shows, gathered inside one unit of work through the core services.

Nothing here decides access: every read below is a service call that asks the policy and is
audited, so a page shows exactly what the API would give the same person, and a refusal raised
here becomes the page's 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from contracts import (
    Case,
    Child,
    Consent,
    HandoverStatus,
    IndividualPlan,
    LogEntry,
    LogEntryKind,
    Measure,
    MeasureStatus,
    Meeting,
    ParticipantStatus,
    ToolDefinition,
)
from contracts.words import COORDINATOR_ROLES
from core.domain.national_id import age_on
from core.domain.policy import Action
from core.errors import NotFound
from core.i18n import _
from core.platform import Work
from core.services import family_view
from core.services.plans import suggested_revision
from core.services.record import RecordService
from core.web import forms, labels


@dataclass
class MeasureView:
    measure: Measure
    due: dt.date | None  # the next evaluation; None unless the measure is active
    overdue: bool


def measure_views(measures: list[Measure], today: dt.date) -> list[MeasureView]:
    out = []
    for m in measures:
        due = m.next_evaluation_date if m.status is MeasureStatus.ACTIVE else None
        out.append(MeasureView(m, due, due is not None and due < today))
    return out


WORKLIST_PAGE = 50  # cases per page of Mine saker


def my_cases(w: Work, page: int) -> dict[str, Any]:
    """Mine saker, one page (from 1): cases with overdue evaluations first, then by the next evaluation
    date, as the database orders them; and the hand-overs waiting for my answer."""
    rows, total = w.cases.overview(limit=WORKLIST_PAGE, offset=(page - 1) * WORKLIST_PAGE)
    pages = max(1, -(-total // WORKLIST_PAGE))
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "handovers": w.relay_holder.pending_for_me(),
    }


def form_summary(tool: ToolDefinition | None, data: dict[str, Any]) -> list[tuple[str, str]]:
    """A filled-in tool form as (title, answer) pairs in the schema's words."""
    props = (tool.form_schema.get("properties", {}) if tool else {}) or {}
    out = []
    for key, value in data.items():
        schema = props.get(key, {})
        out.append((_(str(schema.get("title", key))), _answer(schema, value)))
    return out


def _answer(schema: dict[str, Any], value: Any) -> str:
    options = dict(forms.choices(schema) or [])
    if isinstance(value, bool):
        return _("Ja") if value else _("Nei")
    if isinstance(value, list):
        items = schema.get("items", {})
        return "; ".join(_answer(items, v) for v in value)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return ", ".join(
            f"{_(str(props.get(k, {}).get('title', k)))}: {_answer(props.get(k, {}), v)}"
            for k, v in value.items()
        )
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            return labels.date(value)
        except ValueError:
            return value
    return options.get(str(value), str(value))


LOG_PAGE = 50  # newest entries shown on the case page until the whole log is asked for


def case_page(w: Work, case_id: str, whole_log: bool = False) -> dict[str, Any]:
    """The employee's case page: one audited read of the whole case, then the guide and the choices."""
    record = RecordService(w.uow).case(case_id)
    today = w.now.date()
    try:
        guide = w.directory.case_guide(case_id)
    except NotFound:
        guide = None
    units = {u.id: u for u in w.directory.units()}
    case_units = [record.case.owner_unit_id, *(p.unit_id for p in record.participants)]
    lapsed = [p for p in record.participants if p.status is ParticipantStatus.BASIS_LAPSED]
    consented = {u for c in record.consents if c.is_in_force(w.now) for u in c.unit_ids}
    colleagues = w.people.colleagues(sorted(set(case_units)))
    names = {e.id: f"{e.given_name} {e.family_name}" for e in [*record.employees, *colleagues]}
    names |= {g.id: f"{g.given_name} {g.family_name}" for g in record.guardians}
    subject = record.subject
    names[subject.id] = f"{subject.given_name} {subject.family_name}"
    tools = w.plugins.tools
    born = subject.birth_date if isinstance(subject, Child) else None
    return {
        # the youth may have asked that an entry or a tiltak is kept from the guardians (youth_say)
        "youth_say": born is not None and age_on(born, today) >= w.municipality.youth_say_age,
        **report_form(w, record),
        "record": record,
        "case": record.case,
        "subject": subject,
        "guide": guide,
        "tools": tools,
        "units": units,
        "case_units": case_units,
        "lapsed": lapsed,  # services on consent that no consent in force covers now
        "level_lacks_consent": record.case.level >= 2 and bool(lapsed),
        "consented_units": consented,
        # a consent may name services not yet in the case: they join once it is in force
        "other_units": sorted((u for u in units if u not in case_units), key=lambda u: units[u].name),
        "colleagues": colleagues,
        "plan": _plan(w, case_id) if record.case.level == 3 else None,
        "coordinator_roles": COORDINATOR_ROLES,
        "coordinator_options": [
            (role, title)
            for role, (title, _text) in COORDINATOR_ROLES.items()
            if role in w.plugins.plan_template.coordinator_roles
        ],
        "plan_template": w.plugins.plan_template,
        "suggested_revision": suggested_revision(today, w.plugins.plan_template.revision_months),
        "names": names,
        "measures": measure_views(record.measures, today),
        "log": list(reversed(record.log))[: None if whole_log else LOG_PAGE],
        "log_total": len(record.log),
        "seq_of": {e.id: e.seq for e in record.log},
        "consents": [(c, c.is_in_force(w.now)) for c in record.consents],
        "pending": [h for h in record.handovers if h.status is HandoverStatus.PENDING],
        "next_meeting": next_meeting(record.meetings, w.now),
        "arena_options": [(a.id, _(a.name)) for a in w.plugins.arenas.values()],
        "today": today,
        "now": w.now,
        "entry_details": lambda e: entry_details(e, tools, units, names),
        "forms_for": lambda tool, values, prefix: forms.fields(
            tool.form_schema, values, f"{prefix}-{tool.id}"
        ),
    }


def report_form(w: Work, record: Any) -> dict[str, Any]:
    """The bekymringsmelding part of the case page: the reports sent (that, when, by whom, the answer)
    and what the form offers: the writer's units in the case, whether the youth is a party."""
    me = w.people.employee(w.actor.id) if w.actor.id and w.actor.unit_roles else None
    case_units = [record.case.owner_unit_id, *(p.unit_id for p in record.participants)]
    subject = record.subject
    party = isinstance(subject, Child) and age_on(subject.birth_date, w.now.date()) >= (
        w.consent_ages.child_welfare
    )
    return {
        "reports": w.reports.list(record.case.id),
        "report_units": [u for u in case_units if u in w.actor.unit_roles],
        "report_me": me,
        "youth_is_party": party,
    }


def next_meeting(meetings: list[Meeting], now: dt.datetime) -> Meeting | None:
    """The first meeting not yet begun: what the stafettholder prepares for."""
    return min((m for m in meetings if m.starts_at >= now), key=lambda m: m.starts_at, default=None)


def entry_details(entry: LogEntry, tools, units, names) -> list[tuple[str, str]]:
    """What a log entry's data says, in words (a level change, a form, the services a consent covers)."""
    data = entry.data or {}
    if entry.kind is LogEntryKind.LEVEL_CHANGED:
        out = [(_("Fra"), labels.level_name(data["from"])), (_("Til"), labels.level_name(data["to"]))]
        if data.get("unit_leader_informed"):
            out.append((_("Leder informert"), _("Ja")))
        if data.get("guardians_informed"):
            out.append((_("Foresatte informert"), _("Ja")))
        return out
    if data.get("tool_id"):
        tool = tools.get(data["tool_id"])
        return [
            (_("Verktøy"), _(tool.title) if tool else data["tool_id"]),
            *form_summary(tool, data.get("form", {})),
        ]
    if "unit_ids" in data:
        return [(_("Tjenester"), ", ".join(units[u].name if u in units else u for u in data["unit_ids"]))]
    if entry.kind in (LogEntryKind.HANDOVER_REQUESTED, LogEntryKind.HANDOVER_ACCEPTED):
        return [(_("Fra"), names.get(data.get("from_id"), "")), (_("Til"), names.get(data.get("to_id"), ""))]
    if entry.kind is LogEntryKind.RELAY_HOLDER_ASSIGNED:
        return [(_("Stafettholder"), names.get(data.get("holder_id"), ""))]
    if entry.kind is LogEntryKind.MEASURE_CREATED or entry.kind is LogEntryKind.HOME_TASK:
        return [(_("Mål"), data.get("goal", "")), (_("Evalueres"), labels.date(data.get("evaluation_date")))]
    if entry.kind is LogEntryKind.MEASURE_STATUS_CHANGED:
        out = [
            (_("Tiltak"), data.get("title", "")),
            (_("Ny status"), _(labels.MEASURE_STATUSES.get(str(data.get("to")), ""))),
        ]
        if data.get("next_evaluation_date"):
            out.append((_("Neste evaluering"), labels.date(data["next_evaluation_date"])))
        return out
    if entry.kind is LogEntryKind.MEASURE_EVALUATED:
        return [
            (_("Resultat"), _(labels.OUTCOMES.get(str(data.get("outcome")), ""))),
            (_("Neste evaluering"), labels.date(data.get("next_evaluation_date")) or _("Tiltaket avsluttes")),
        ]
    if entry.kind is LogEntryKind.FAMILY_COMMENT and data.get("title"):
        return [(_("Om hjemmeleksen"), data["title"])]
    if entry.kind is LogEntryKind.CASE_CLOSED:
        reason = str(data.get("reason", ""))
        return [(_("Grunn"), _(labels.CLOSE_REASONS.get(reason, reason)))]
    if data.get("reason"):
        return [(_("Begrunnelse"), data["reason"])]
    return []


def family_cases(w: Work) -> list[dict[str, Any]]:
    out = []
    for case in w.cases.family_cases():
        state = w.cases.state(case.id, Action.READ_FAMILY_VIEW)
        out.append({"case": case, "child": f"{state.subject.given_name} {state.subject.family_name}"})
    return out


def family_page(w: Work, case_id: str) -> dict[str, Any]:
    """Min side for one case: what is shared with the family, consent, and who has read about them."""
    state = w.cases.state(case_id, Action.READ_FAMILY_VIEW)
    case: Case = state.case
    entries = w.log.family_entries(case_id)
    measures = measure_views(w.measures.list(case_id), w.now.date())
    consents: list[Consent] = w.consents.list(case_id)
    readers = w.access_log.readers(case_id)
    units = {u.id: u for u in w.directory.units()}
    plan = _plan(w, case_id)
    named = {e.author_id for e in entries if e.author_id} | {m.measure.responsible_id for m in measures}
    named |= {plan.coordinator_id} if plan else set()
    names, author_units = family_view.named(w.uow, case_id, named)  # who wrote, who is responsible, and where
    names[w.actor.id or ""] = _("Deg")
    return {
        "case": case,
        "child": f"{state.subject.given_name} {state.subject.family_name}",
        "log": list(reversed(entries)),
        "measures": [m for m in measures if not m.measure.for_family],
        "home_tasks": [m for m in measures if m.measure.for_family],
        "consents": [
            {
                "consent": c,
                "in_force": c.is_in_force(w.now),
                "mine": next((g for g in c.givers if g.person_id == w.actor.id), None),
            }
            for c in consents
        ],
        "readers": group_reads(readers),
        "plan": plan,
        "coordinator_roles": COORDINATOR_ROLES,
        "units": units,
        "names": names,
        "author_units": author_units,
        "tools": w.plugins.tools,
        "entry_details": lambda e: entry_details(e, w.plugins.tools, units, names),
    }


def _plan(w: Work, case_id: str) -> IndividualPlan | None:
    """The case's individuell plan, if it has one (nivå 3)."""
    try:
        return w.plans.plan(case_id)
    except NotFound:
        return None


def group_reads(readers: list) -> list[dict[str, Any]]:
    """Innsyn as people read it: repeated reads by the same person of the same kind on one day are one
    line with a count (newest first), so the list stays short enough to read."""
    out: list[dict[str, Any]] = []
    for r in readers:
        key = (r.reader_id, r.purpose, labels.date(r.at))
        if out and out[-1]["key"] == key:
            out[-1]["count"] += 1
            continue
        out.append({"key": key, "read": r, "count": 1})
    return out
