"""Stafett's contracts as FHIR R4 resources (plain JSON dicts), following HL7 Norway's no-basis profiles.

The mapping builds dicts; ``validate`` checks each one once, at the edge, against fhir.resources'
R4B models (identical to R4 for every resource type used here). The core never sees FHIR.

Identifiers: fødselsnummer, D-nummer and organisasjonsnummer use the Norwegian OIDs; every
resource also carries its Stafett id under ``urn:stafett:<kind>`` so a receiver can match it
with a conditional update, and the same case sent twice never makes a duplicate.

Resource ids are at most 64 characters of ``[A-Za-z0-9.-]`` (R4's ``id``): a compound id (a
guardian of one child, a unit's referral in a case) writes each Stafett UUID in 26 base32 letters
(``short``); ``long`` reads it back. ``validate`` checks that rule for every id and reference.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import importlib
import re
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from contracts import (
    Case,
    CaseRecord,
    CaseStatus,
    Child,
    Consent,
    Employee,
    EvaluationOutcome,
    Guardian,
    Handover,
    HandoverStatus,
    LogEntry,
    Measure,
    MeasureStatus,
    Participant,
    ParticipationBasis,
    PregnantPerson,
    Unit,
)
from contracts.outbox import AuditRecord
from contracts.words import LEVEL_NAMES, LOG_ENTRY_KINDS
from core.public import _

if TYPE_CHECKING:
    from fhir_core.fhirabstractmodel import FHIRAbstractModel

FNR = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR = "urn:oid:2.16.578.1.12.4.1.4.2"
ORGNR = "urn:oid:2.16.578.1.12.4.1.4.101"
HPR = "urn:oid:2.16.578.1.12.4.1.4.4"
KOMMUNENUMMER = "urn:oid:2.16.578.1.12.4.1.1.3402"
MUNICIPALITY_CODE = "http://hl7.no/fhir/StructureDefinition/no-basis-municipalitycode"
PARENTAL_RESPONSIBILITY = "http://hl7.no/fhir/CodeSystem/no-basis-parental-responsibility"
NO_BASIS = "http://hl7.no/fhir/StructureDefinition/no-basis-"
V3_ROLE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


ID_PATTERN = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
_SHORT = re.compile(r"^[a-z2-7]{26}$")


def short(stafett_id: str) -> str:
    """A Stafett UUID in 26 base32 letters (other ids unchanged), so compound ids fit in 64 characters."""
    try:
        value = uuid.UUID(stafett_id)
    except ValueError:
        return stafett_id
    if str(value) != stafett_id:
        return stafett_id
    return base64.b32encode(value.bytes).decode().rstrip("=").lower()


def long(part: str) -> str:
    """The Stafett id ``short`` wrote (any other text unchanged)."""
    if not _SHORT.match(part):
        return part
    return str(uuid.UUID(bytes=base64.b32decode(part.upper() + "======")))


def compound(prefix: str, *parts: str) -> str:
    """``prefix`` and the parts, joined by dots; a last part that would pass 64 characters is hashed."""
    head = prefix + ".".join(short(p) for p in parts[:-1])
    tail = short(parts[-1])
    joined = f"{head}.{tail}" if parts[:-1] else head + tail
    if len(joined) <= 64:
        return joined
    digest = base64.b32encode(hashlib.sha256(parts[-1].encode()).digest()).decode()[:16].lower()
    return f"{head}.{digest}" if parts[:-1] else head + digest


def related_person_id(guardian_id: str, child_id: str) -> str:
    return compound("", guardian_id, child_id)


def sid(kind: str) -> str:
    """The identifier system of a Stafett id of one kind (case, person, unit, ...)."""
    return f"urn:stafett:{kind}"


def code_system(name: str) -> str:
    """Stafett's own code systems: levels, service types, log entry kinds, roles."""
    return f"urn:stafett:CodeSystem:{name}"


LEVEL_TEXT = {level: name.capitalize() for level, name in LEVEL_NAMES.items()}  # "Nivå 2 – samarbeid to"
TASK_STATUS = {
    HandoverStatus.PENDING: "requested",
    HandoverStatus.ACCEPTED: "completed",
    HandoverStatus.DECLINED: "rejected",
    HandoverStatus.CANCELLED: "cancelled",
}
ACHIEVEMENT = {
    EvaluationOutcome.ACHIEVED: "achieved",
    EvaluationOutcome.PARTLY: "improving",
    EvaluationOutcome.NOT_ACHIEVED: "not-achieved",
}


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def ref(resource_type: str, id: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": f"{resource_type}/{id}"}
    if display:
        out["display"] = display
    return out


def _identifier(kind: str, value: str) -> dict[str, str]:
    return {"system": sid(kind), "value": value}


def _name(given: str, family: str) -> list[dict[str, Any]]:
    return [{"use": "official", "family": family, "given": given.split()}]


def national_identifier(number: str) -> dict[str, str]:
    """Fødselsnummer, or D-nummer when the first digit has 4 added (day + 40)."""
    return {"system": DNR if number[0] in "4567" else FNR, "value": number}


def _gender(number: str | None) -> str | None:
    return ("male" if int(number[8]) % 2 else "female") if number and len(number) == 11 else None


# --- people and units ----------------------------------------------------------------------------


def patient(subject: Child | PregnantPerson) -> dict[str, Any]:
    identifiers = [national_identifier(subject.national_id)] if subject.national_id else []
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": subject.id,
        "meta": {"profile": [NO_BASIS + "Patient"]},
        "identifier": [*identifiers, _identifier("person", subject.id)],
        "name": _name(subject.given_name, subject.family_name),
        "birthDate": subject.birth_date.isoformat(),
    }
    gender = "female" if isinstance(subject, PregnantPerson) else _gender(subject.national_id)
    if gender:
        out["gender"] = gender
    return out


def related_person(
    guardian: Guardian, child_id: str, parental_responsibility: bool, *, shared: bool = False
) -> dict[str, Any]:
    """A guardian of the child; parental responsibility (foreldreansvar) is what lets them consent.

    no-basis codes who holds it (Folkeregisteret's foreldreansvar): ``felles`` when ``shared`` with
    another guardian, else ``ukjent`` (Stafett does not record whether a sole holder is mor, far, ...).
    """
    identifiers = [national_identifier(guardian.national_id)] if guardian.national_id else []
    text = _("Foresatt med foreldreansvar") if parental_responsibility else _("Foresatt uten foreldreansvar")
    coding = [{"system": V3_ROLE, "code": "GUARD" if parental_responsibility else "FAMMEMB"}]
    if parental_responsibility:
        code, display = ("felles", "Felles") if shared else ("ukjent", "Ukjent")
        coding.append({"system": PARENTAL_RESPONSIBILITY, "code": code, "display": display})
    out: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "id": related_person_id(guardian.id, child_id),
        "meta": {"profile": [NO_BASIS + "RelatedPerson"]},
        "identifier": [*identifiers, _identifier("guardianship", f"{guardian.id}.{child_id}")],
        "active": True,
        "patient": ref("Patient", child_id),
        "relationship": [{"coding": coding, "text": text}],
        "name": _name(guardian.given_name, guardian.family_name),
    }
    telecom = [{"system": "email", "value": guardian.email}] if guardian.email else []
    telecom += [{"system": "phone", "value": guardian.phone}] if guardian.phone else []
    if telecom:
        out["telecom"] = telecom
    gender = _gender(guardian.national_id)
    if gender:
        out["gender"] = gender
    return out


def organization(unit: Unit) -> dict[str, Any]:
    """A unit: organisasjonsnummer when the config gives one, and its kommunenummer on the address."""
    identifiers = [{"system": ORGNR, "value": unit.organization_number}] if unit.organization_number else []
    municipality = {
        "url": MUNICIPALITY_CODE,
        "valueCoding": {"system": KOMMUNENUMMER, "code": unit.municipality_id},
    }
    return {
        "resourceType": "Organization",
        "id": unit.id,
        "meta": {"profile": [NO_BASIS + "Organization"]},
        "identifier": [*identifiers, _identifier("unit", unit.id)],
        "active": unit.active,
        "type": [{"coding": [{"system": code_system("service-type"), "code": str(unit.service_type)}]}],
        "name": unit.name,
        "address": [{"use": "work", "_district": {"extension": [municipality]}, "country": "NO"}],
    }


def practitioner(employee: Employee) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": employee.id,
        "meta": {"profile": [NO_BASIS + "Practitioner"]},
        "identifier": [
            *([{"system": HPR, "value": employee.hpr_number}] if employee.hpr_number else []),
            _identifier("person", employee.id),
        ],
        "active": True,
        "name": _name(employee.given_name, employee.family_name),
    }
    if employee.email:
        out["telecom"] = [{"system": "email", "value": employee.email}]
    return out


def practitioner_roles(employee: Employee) -> Iterator[dict[str, Any]]:
    """One role per unit the employee works in (employee or unit leader)."""
    for membership in employee.memberships:
        role_id = compound("", employee.id, membership.unit_id)
        yield _role(role_id, employee, membership.unit_id, str(membership.role), employee.title)


def relay_holder_role(case: Case, holder: Employee) -> dict[str, Any]:
    """The stafettholder of one case, as a role of its own (the baton moves; the role stays on the case)."""
    unit_id = holder.memberships[0].unit_id if holder.memberships else None
    return _role(f"stafettholder.{case.id}", holder, unit_id, "stafettholder", "Stafettholder")


def _role(
    role_id: str, employee: Employee, unit_id: str | None, code: str, text: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": role_id,
        "meta": {"profile": [NO_BASIS + "PractitionerRole"]},
        "identifier": [_identifier("practitioner-role", role_id)],
        "active": True,
        "practitioner": ref("Practitioner", employee.id),
        "code": [{"coding": [{"system": code_system("role"), "code": code}], "text": text or code}],
    }
    if unit_id:
        out["organization"] = ref("Organization", unit_id)
    return out


# --- the case -----------------------------------------------------------------------------------


def episode_of_care(case: Case, team_id: str | None) -> dict[str, Any]:
    """The case: its level as type, the stafettholder as care manager, the owner unit managing it."""
    period: dict[str, str] = {"start": _ts(case.opened_at)}
    if case.closed_at:
        period["end"] = _ts(case.closed_at)
    out: dict[str, Any] = {
        "resourceType": "EpisodeOfCare",
        "id": case.id,
        "identifier": [_identifier("case", case.id)],
        "status": "active" if case.status is CaseStatus.OPEN else "finished",
        "type": [
            {
                "coding": [
                    {
                        "system": code_system("bti-level"),
                        "code": str(int(case.level)),
                        "display": LEVEL_TEXT[case.level],
                    }
                ],
                "text": LEVEL_TEXT[case.level],
            }
        ],
        "patient": ref("Patient", case.subject_id),
        "managingOrganization": ref("Organization", case.owner_unit_id),
        "period": period,
    }
    if case.relay_holder_id:
        out["careManager"] = ref("PractitionerRole", f"stafettholder.{case.id}", "Stafettholder")
    if team_id:
        out["team"] = [ref("CareTeam", team_id)]
    return out


def _of_case(resource_type: str, id_prefix: str, kind: str, case: Case, closed: str) -> dict[str, Any]:
    """What a resource that is one per case starts with: its id and identifier from the case's, active
    while the case is open (``closed`` after), and the child as subject."""
    return {
        "resourceType": resource_type,
        "id": f"{id_prefix}.{case.id}",
        "identifier": [_identifier(kind, case.id)],
        "status": "active" if case.status is CaseStatus.OPEN else closed,
        "subject": ref("Patient", case.subject_id),
    }


def care_team(case: Case, participants: list[Participant]) -> dict[str, Any]:
    """The services taking part, each with the basis it takes part on."""
    return {
        **_of_case("CareTeam", "team", "care-team", case, "inactive"),
        "name": _("Tjenester i BTI-saken"),
        "managingOrganization": [ref("Organization", case.owner_unit_id)],
        "participant": [
            {
                "role": [{"coding": [{"system": code_system("participation-basis"), "code": str(p.basis)}]}],
                "member": ref("Organization", p.unit_id),
                "period": {"start": _ts(p.added_at)},
            }
            for p in participants
        ],
    }


GOAL_STATUS = {  # Goal.lifecycleStatus; CarePlan.activity.detail.status uses in-progress for active
    MeasureStatus.ACTIVE: "active",
    MeasureStatus.PAUSED: "on-hold",
    MeasureStatus.ENDED: "completed",
    MeasureStatus.CANCELLED: "cancelled",
}


def _kept_from_guardians() -> dict[str, Any]:
    """The security labels of what the youth asked to keep from the guardians: restricted, and why, so a
    journal that shows records to parents (e.g. through a citizen portal) knows to leave it out."""
    return {
        "security": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"},
            {
                "system": code_system("visibility"),
                "code": "hidden-from-guardians",
                "display": _("Skjult for foresatte etter ungdommens ønske"),
            },
        ]
    }


def goal(case: Case, measure: Measure) -> dict[str, Any]:
    last = measure.evaluations[-1] if measure.evaluations else None
    out: dict[str, Any] = {
        "resourceType": "Goal",
        "id": f"goal.{measure.id}",
        **({"meta": _kept_from_guardians()} if measure.hidden_from_guardians else {}),
        "identifier": [_identifier("goal", measure.id)],
        "lifecycleStatus": GOAL_STATUS[measure.status],
        "description": {"text": measure.goal or measure.title},
        "subject": ref("Patient", case.subject_id),
        "startDate": measure.start_date.isoformat(),
        "target": [
            {"dueDate": ((last and last.next_evaluation_date) or measure.evaluation_date).isoformat()}
        ],
    }
    if last is not None:
        out["achievementStatus"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                    "code": ACHIEVEMENT[last.outcome],
                }
            ]
        }
        out["note"] = [
            {"time": _ts(e.evaluated_at), "text": e.summary} for e in measure.evaluations if e.summary
        ]
        if not out["note"]:
            del out["note"]
    return out


def care_plan(case: Case, measures: list[Measure]) -> dict[str, Any]:
    """The tiltaksplan: every measure as an activity with its goal, responsible person and evaluation date."""
    activities = []
    for measure in measures:
        status = GOAL_STATUS[measure.status]
        activities.append(
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {"text": measure.title},
                    "status": "in-progress" if status == "active" else status,
                    "description": measure.title,
                    "goal": [ref("Goal", f"goal.{measure.id}")],
                    "scheduledPeriod": {
                        "start": measure.start_date.isoformat(),
                        "end": measure.evaluation_date.isoformat(),
                    },
                    "performer": [ref("Practitioner", measure.responsible_id)],
                }
            }
        )
    return {
        **_of_case("CarePlan", "plan", "care-plan", case, "completed"),
        "intent": "plan",
        "title": "Tiltaksplan",
        "careTeam": [ref("CareTeam", f"team.{case.id}")],
        "goal": [ref("Goal", f"goal.{m.id}") for m in measures],
        "activity": activities,
    }


def task(case: Case, handover: Handover) -> dict[str, Any]:
    """A hand-over of the baton: requested by the holder, owned by the receiver until they decide."""
    out: dict[str, Any] = {
        "resourceType": "Task",
        "id": f"handover.{handover.id}",
        "identifier": [_identifier("handover", handover.id)],
        "status": TASK_STATUS[handover.status],
        "intent": "order",
        "code": {
            "coding": [{"system": code_system("task"), "code": "handover"}],
            "text": _("Overlevering av stafettholderrollen"),
        },
        "focus": ref("EpisodeOfCare", case.id),
        "for": ref("Patient", case.subject_id),
        "authoredOn": _ts(handover.requested_at),
        "owner": ref("Practitioner", handover.to_id),
    }
    if handover.from_id:
        out["requester"] = ref("Practitioner", handover.from_id)
    if handover.decided_at:
        out["lastModified"] = _ts(handover.decided_at)
    if handover.note:
        out["note"] = [{"text": handover.note}]
    return out


def service_request(case: Case, participant: Participant, current: bool) -> dict[str, Any]:
    """A service brought into the case: a referral under consent, or a report to child welfare."""
    report = participant.basis is ParticipationBasis.REPORT_DUTY
    text = _("Bekymringsmelding til barnevernet") if report else _("Samarbeid i BTI-saken")
    out: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": compound("referral.", case.id, participant.unit_id),
        "identifier": [_identifier("referral", f"{case.id}.{participant.unit_id}")],
        "status": "active" if current and case.status is CaseStatus.OPEN else "completed",
        "intent": "order",
        "code": {
            "coding": [{"system": code_system("participation-basis"), "code": str(participant.basis)}],
            "text": text,
        },
        "subject": ref("Patient", case.subject_id),
        "authoredOn": _ts(participant.added_at),
        "performer": [ref("Organization", participant.unit_id)],
    }
    if participant.added_by:
        out["requester"] = ref("Practitioner", participant.added_by)
    return out


def consent(case: Case, record_consent: Consent, on: dt.datetime, guardian_ids: set[str]) -> dict[str, Any]:
    """Samtykke in R4's shape: who gave it, which services may receive what, for which period."""
    if record_consent.withdrawn_at is not None:
        status = "inactive"
    elif record_consent.is_in_force(on):
        status = "active"
    elif any(g.given_at is None for g in record_consent.givers):
        status = "proposed"
    else:
        status = "inactive"
    performers = [
        ref("RelatedPerson", related_person_id(g.person_id, case.subject_id))
        if g.person_id in guardian_ids
        else ref("Patient", case.subject_id)
        for g in record_consent.givers
        if g.given_at is not None and (g.person_id in guardian_ids or g.person_id == case.subject_id)
    ]
    end = record_consent.valid_to
    if record_consent.withdrawn_at is not None:  # withdrawal ends the consent's period at once
        end = min(end, record_consent.withdrawn_at.astimezone(dt.UTC).date())
    out: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"consent.{record_consent.id}",
        "identifier": [_identifier("consent", record_consent.id)],
        "status": status,
        "scope": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
            ]
        },
        "category": [
            {"coding": [{"system": "http://loinc.org", "code": "59284-0"}], "text": _("Samtykke til deling")}
        ],
        "patient": ref("Patient", case.subject_id),
        "dateTime": _ts(record_consent.recorded_at),
        "organization": [ref("Organization", case.owner_unit_id)],
        "policyRule": {"coding": [{"system": V3_ACT, "code": "OPTIN"}], "text": record_consent.purpose},
        "provision": {
            "type": "permit",
            "period": {
                "start": record_consent.valid_from.isoformat(),
                "end": max(end, record_consent.valid_from).isoformat(),
            },
            "actor": [
                {
                    "role": {"coding": [{"system": V3_PARTICIPATION, "code": "IRCP"}]},
                    "reference": ref("Organization", unit_id),
                }
                for unit_id in record_consent.unit_ids
            ],
            "class": [
                {"system": code_system("information-category"), "code": c} for c in record_consent.categories
            ],
        },
    }
    if performers:
        out["performer"] = performers
    return out


def _author(author_id: str | None, record: CaseRecord, guardian_ids: set[str]) -> dict[str, Any]:
    if author_id is None:
        return ref("Organization", record.case.owner_unit_id)
    if author_id in guardian_ids:
        return ref("RelatedPerson", related_person_id(author_id, record.case.subject_id))
    if author_id == record.case.subject_id:
        return ref("Patient", author_id)
    return ref("Practitioner", author_id)


def communication(record: CaseRecord, entry: LogEntry, guardian_ids: set[str]) -> dict[str, Any]:
    """One stafettlogg entry."""
    return {
        "resourceType": "Communication",
        "id": f"log.{entry.id}",
        **({"meta": _kept_from_guardians()} if entry.hidden_from_guardians else {}),
        "identifier": [_identifier("log-entry", entry.id)],
        "status": "completed",
        "category": [
            {
                "coding": [{"system": code_system("log-entry-kind"), "code": str(entry.kind)}],
                "text": _(LOG_ENTRY_KINDS[entry.kind]),
            }
        ],
        "subject": ref("Patient", record.case.subject_id),
        "about": [ref("EpisodeOfCare", record.case.id)],
        "sent": _ts(entry.at),
        "sender": _author(entry.author_id, record, guardian_ids),
        "payload": [{"contentString": entry.text or LOG_ENTRY_KINDS[entry.kind]}],
    }


def provenance(record: CaseRecord, entry: LogEntry, guardian_ids: set[str]) -> dict[str, Any]:
    """Who wrote a log entry, and which entry a correction revises (the log is append-only)."""
    out: dict[str, Any] = {
        "resourceType": "Provenance",
        "id": f"prov.{entry.id}",
        "target": [ref("Communication", f"log.{entry.id}")],
        "recorded": _ts(entry.at),
        "activity": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
                    "code": "UPDATE" if entry.corrects else "CREATE",
                }
            ]
        },
        "agent": [{"who": _author(entry.author_id, record, guardian_ids)}],
    }
    if entry.corrects:
        out["entity"] = [{"role": "revision", "what": ref("Communication", f"log.{entry.corrects}")}]
    return out


def audit_event(record: CaseRecord, event: AuditRecord) -> dict[str, Any]:
    verb = event.action.rpartition(".")[2]
    action = (
        "R"
        if verb.startswith("read")
        else "C"
        if verb == "open"
        else "U"
        if verb.startswith("write")
        else "E"
    )
    who: dict[str, Any] = (
        {"identifier": _identifier("person", event.actor_id)}
        if event.actor_id
        else {"display": event.on_behalf_of or event.actor_kind}
    )
    return {
        "resourceType": "AuditEvent",
        "id": f"audit.{event.id}",
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest"},
        "subtype": [{"system": code_system("audit-action"), "code": event.action}],
        "action": action,
        "recorded": _ts(event.at),
        "outcome": "0" if event.outcome in ("allowed", "delivered") else "4",
        "outcomeDesc": event.reason or event.outcome,
        "purposeOfEvent": [{"text": event.purpose}],
        "agent": [{"who": who, "requestor": True, "type": {"text": event.actor_kind}}],
        "source": {"observer": {"display": "Stafett"}, "site": event.municipality_id},
        "entity": [
            {"what": ref("EpisodeOfCare", record.case.id)},
            {"what": ref("Patient", record.case.subject_id)},
        ],
    }


# --- the whole record ------------------------------------------------------------------------------


def resources(record: CaseRecord, *, now: dt.datetime, include_log: bool = True) -> list[dict[str, Any]]:
    """Every resource of one case, referenced by ``Type/id`` (ids are Stafett's own)."""
    case = record.case
    responsibility = {g.guardian_id: g.parental_responsibility for g in record.guardianships}
    guardian_ids = set(responsibility)
    employees = {e.id: e for e in record.employees}
    out: list[dict[str, Any]] = [patient(record.subject)]
    shared = sum(responsibility.values()) > 1
    out += [
        related_person(g, case.subject_id, responsibility.get(g.id, False), shared=shared)
        for g in record.guardians
    ]
    out += [organization(u) for u in record.units]
    for employee in record.employees:
        out.append(practitioner(employee))
        out.extend(practitioner_roles(employee))
    holder = employees.get(case.relay_holder_id or "")
    if holder is not None:
        out.append(relay_holder_role(case, holder))
    out.append(care_team(case, record.participants))
    out.append(episode_of_care(case, f"team.{case.id}"))
    current = {p.unit_id for p in record.participants}
    out += [
        service_request(case, p, p.unit_id in current)
        for p in record.participants
        if p.basis is not ParticipationBasis.OWNER
    ]
    out += [consent(case, c, now, guardian_ids) for c in record.consents]
    if record.measures:
        out += [goal(case, m) for m in record.measures]
        out.append(care_plan(case, record.measures))
    out += [task(case, h) for h in record.handovers]
    if include_log:
        for entry in record.log:
            out.append(communication(record, entry, guardian_ids))
            out.append(provenance(record, entry, guardian_ids))
    out += [audit_event(record, e) for e in record.audit]
    return out


_MODELS: dict[str, type[FHIRAbstractModel]] = {}


def model(resource_type: str) -> type[FHIRAbstractModel]:
    """The fhir.resources R4B model class of a resource type (imported once, on first use)."""
    cls = _MODELS.get(resource_type)
    if cls is None:
        module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
        cls = _MODELS[resource_type] = getattr(module, resource_type)
    return cls


class InvalidResource(ValueError):
    """A resource failed FHIR validation; a bug in the mapping or bad input from a peer."""


def validate(resource: dict[str, Any]) -> dict[str, Any]:
    """Check one resource against the FHIR model; returns it unchanged so callers keep the plain dict."""
    resource_type = resource.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type.isalpha():
        raise InvalidResource("Ressursen mangler resourceType.")
    try:
        model(resource_type).model_validate(resource)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("fhir.resources.R4B."):
            raise
        raise InvalidResource(f"Ukjent FHIR-ressurstype «{resource_type}».") from None
    except ValueError as exc:
        raise InvalidResource(f"Ugyldig {resource_type}: {exc}") from None
    fault = r4_fault(resource)
    if fault:
        raise InvalidResource(f"Ugyldig {resource_type}: {fault}")
    return resource


_REFERENCE = re.compile(r"^([A-Z][A-Za-z]+)/([^/?#]+)$")
MAX_STRING = 1024 * 1024  # R4: a string is at most 1 MB


def r4_fault(resource: dict[str, Any]) -> str | None:
    """What R4's definitions forbid and fhir.resources lets through: an ``id`` (the resource's, or
    in a relative reference) over 64 characters or outside ``[A-Za-z0-9.-]``, a string over 1 MB."""
    if "id" in resource and not ID_PATTERN.match(str(resource["id"])):
        return f"id «{resource['id']}» er ikke en R4-id (høyst 64 tegn A–Z, a–z, 0–9, «-» og «.»)"
    stack: list[Any] = [resource]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            reference = value.get("reference")
            found = _REFERENCE.match(reference) if isinstance(reference, str) else None
            if found and not ID_PATTERN.match(found.group(2)):
                return f"referansen «{reference}» har ikke en R4-id"
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and len(value) > MAX_STRING:
            return "en tekst er lengre enn 1 MB"
    return None
