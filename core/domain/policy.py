"""The one access policy: who may read or write what, under taushetsplikt.

Deny by default. Every service call of personal data asks ``decide`` and records the
answer in the audit trail; nothing else in Stafett computes access. The rules:

- nothing crosses municipalities;
- an employee reaches a case through a unit: the unit that raised the concern, a unit
  taking part under a consent in force that covers it, or child welfare under the duty
  to report (the one path without consent);
- a coordinator holding the baton reaches the case while some consent is in force;
- guardians with parental responsibility, and the youth from the configured age, see
  the family's view of their own case, comment, and give or withdraw consent;
- administrators manage units and people but read no case; auditors read the audit trail;
  BTI coordinators list the municipality's due reminders (case ids, levels, dates; no names);
- følgeevaluering (aggregates under the small-number rule, never a case): a unit leader reads their
  unit's, an administrator or BTI coordinator the municipality's and its units', a region coordinator
  those and the region's municipalities side by side;
- an employee with a role in a case (a basis above) may send a bekymringsmelding to barnevern from it
  (barnevernsloven § 13-2: the duty to report needs no consent);
- a case is delivered to a unit's own system (a journal) only while that unit takes part under a
  consent in force that covers it, whoever asks (the system included);
- a case moves to another unit (barnehage → skole) when its stafettholder proposes it and an employee
  of the receiving unit accepts it, once the guardians' consent covers that unit; until then the
  receiving unit is not told the case exists;
- only a closed case goes to the municipality's archive, and only the system (the outbox worker, the
  scheduled retention job) archives or erases it; no person does either by hand.

How a refusal is answered is part of the decision (``Answer``): a case the caller may not know
exists (``knows_of``) is answered exactly like an unknown id (404); a caller who may know it gets 403
naming the rule; a write to a closed case, by someone who could otherwise write, is a conflict (409).
The SQL form of "cases the caller may read" is ``core.services.readable.readable_cases``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from contracts import CaseStatus, MunicipalRole, ParticipationBasis, UnitRole
from core.i18n import N_


class ActorKind(StrEnum):
    EMPLOYEE = "employee"
    GUARDIAN = "guardian"
    YOUTH = "youth"  # the subject of a case, seeing their own case
    SYSTEM = "system"  # CLI, import and seed jobs run by an operator
    ANONYMOUS = "anonymous"


class Action(StrEnum):
    OPEN_CASE = "case.open"
    READ_CASE = "case.read"
    WRITE_CASE = "case.write"
    CHANGE_LEVEL = "case.change_level"
    MANAGE_PARTICIPANTS = "case.participants"
    MANAGE_RELAY_HOLDER = "case.relay_holder"
    RECORD_CONSENT = "consent.record"
    GIVE_CONSENT = "consent.give"
    WITHDRAW_CONSENT = "consent.withdraw"
    READ_FAMILY_VIEW = "case.read_family"
    WRITE_FAMILY = "case.write_family"
    REPORT_CHILD_WELFARE = "case.report_child_welfare"
    READ_PERSON = "person.read"
    WRITE_PERSON = "person.write"
    MANAGE_UNITS = "unit.manage"
    READ_AUDIT = "audit.read"
    READ_REMINDERS = "reminders.read"  # the municipality's due reminders: no names, no free text
    SHARE_CASE = "case.share"  # deliver a case to a unit's own system (a journal), under consent
    SHARE_WITHDRAWAL = "case.share_withdrawal"  # tell a unit's system its consent was withdrawn
    SEND_REPORT = "case.send_report"  # a bekymringsmelding to barnevern: opplysningsplikt, no consent
    READ_NOTIFICATIONS = "notifications.read"  # a person's own varsler and their preferences
    SEND_NOTIFICATION = "notification.send"  # an e-mail about a varsel: what came of it (audited)
    READ_INDICATORS = "indicators.read"  # følgeevaluering of a unit (unit_id) or the municipality: aggregates
    READ_REGION_INDICATORS = "indicators.read_region"  # the region's municipalities side by side
    ARCHIVE_CASE = "case.archive"  # the archive version of a closed case, to the municipality's archive
    ERASE_CASE = "case.erase"  # retention: a closed, archived case's personal data erased
    TRANSFER_CASE = "case.transfer"  # propose moving the case to another unit (barnehage → skole)
    ACCEPT_TRANSFER = "case.accept_transfer"  # the receiving unit takes the case over, under consent
    EXPORT_CASE = "case.export"  # an operator moves a case to another deployment, under consent


EMPLOYEE_CASE_ACTIONS = frozenset(
    {
        Action.READ_CASE,
        Action.WRITE_CASE,
        Action.CHANGE_LEVEL,
        Action.MANAGE_PARTICIPANTS,
        Action.MANAGE_RELAY_HOLDER,
        Action.RECORD_CONSENT,
        Action.WITHDRAW_CONSENT,
        Action.REPORT_CHILD_WELFARE,
        Action.SEND_REPORT,
        Action.TRANSFER_CASE,
    }
)
FAMILY_ACTIONS = frozenset(
    {Action.READ_FAMILY_VIEW, Action.WRITE_FAMILY, Action.GIVE_CONSENT, Action.WITHDRAW_CONSENT}
)
READ_ONLY_ON_CLOSED = frozenset({Action.READ_CASE, Action.READ_FAMILY_VIEW})


@dataclass(frozen=True)
class Actor:
    """Who is asking, as established by login: their municipality, units and roles."""

    kind: ActorKind
    municipality_id: str
    id: str | None = None
    unit_roles: Mapping[str, UnitRole] = field(default_factory=dict)
    municipal_roles: frozenset[MunicipalRole] = frozenset()
    on_behalf_of: str | None = None
    language: str | None = None  # the written form they chose (nb/nn), not a matter for the policy

    @classmethod
    def system(cls, municipality_id: str, *, operator: str = "cli") -> Actor:
        return cls(kind=ActorKind.SYSTEM, municipality_id=municipality_id, id=None, on_behalf_of=operator)

    def is_leader_of(self, unit_id: str) -> bool:
        return self.unit_roles.get(unit_id) is UnitRole.UNIT_LEADER


@dataclass(frozen=True)
class CaseFacts:
    """What the policy needs to know about one case, gathered by the service layer."""

    case_id: str
    municipality_id: str
    subject_id: str
    owner_unit_id: str
    status: CaseStatus
    relay_holder_id: str | None
    participants: Mapping[str, ParticipationBasis]  # unit id -> basis, current participants only
    consented_units: frozenset[str]  # units covered by a consent in force now
    family_ids: frozenset[str]  # guardians with parental responsibility, and the youth when old enough
    former_units: frozenset[str] = frozenset()  # units that took part and were removed
    offered_to: frozenset[str] = frozenset()  # employees offered the baton (hand-overs pending)


class Answer(StrEnum):
    """How a refusal is answered over HTTP (``core.platform.Work.refuse`` raises the matching error)."""

    FORBIDDEN = "forbidden"  # 403: the caller may know the thing exists; the reason names the rule
    NOT_FOUND = "not_found"  # 404, exactly as for an unknown id: the caller may not know it exists
    CONFLICT = "conflict"  # 409: the case's state stops it (closed)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str  # why it is allowed ("owner_unit", "consent", "report_duty", "guardian", ...) or refused
    reason: str = ""  # the refusal in bokmål
    answer: Answer = Answer.FORBIDDEN

    def __bool__(self) -> bool:
        return self.allowed


def _deny(basis: str, reason: str, answer: Answer = Answer.FORBIDDEN) -> Decision:
    return Decision(False, basis, reason, answer)


def knows_of(actor: Actor, case: CaseFacts) -> bool:
    """Whether ``actor`` may know that the case exists; to anyone else it is answered as an unknown id.

    They may when their unit owns it or takes or took part in it, they hold or are offered the baton,
    they are its family (guardians with parental responsibility, the youth), or they audit the
    municipality (the audit trail names every case). A guardian without parental responsibility has
    no right to the family's view, and is not told the case exists.
    """
    if actor.municipality_id != case.municipality_id:
        return False
    if actor.kind is ActorKind.SYSTEM or (actor.id is not None and actor.id in case.family_ids):
        return True
    if actor.kind is not ActorKind.EMPLOYEE:
        return False
    units = set(actor.unit_roles)
    return bool(
        case.owner_unit_id in units
        or units & (set(case.participants) | case.former_units)
        or (actor.id is not None and (actor.id == case.relay_holder_id or actor.id in case.offered_to))
        or MunicipalRole.AUDITOR in actor.municipal_roles
    )


def refusal(actor: Actor, case: CaseFacts | None, basis: str, reason: str) -> Decision:
    """A refusal by a rule outside ``decide`` (only the receiver answers a hand-over), answered as
    ``decide`` would: 404 to whom may not know the case exists."""
    hidden = case is not None and not knows_of(actor, case)
    return _deny(basis, reason, Answer.NOT_FOUND if hidden else Answer.FORBIDDEN)


def decide(
    actor: Actor,
    action: Action,
    *,
    municipality_id: str,
    case: CaseFacts | None = None,
    unit_id: str | None = None,
) -> Decision:
    """Allow or refuse ``action`` by ``actor``; refuses anything not explicitly allowed."""
    if actor.municipality_id != municipality_id or (case and case.municipality_id != municipality_id):
        answer = Answer.NOT_FOUND if case is not None else Answer.FORBIDDEN
        return _deny("other_municipality", N_("Opplysningene tilhører en annen kommune."), answer)
    if action is Action.SHARE_CASE:
        return _decide_share(case, unit_id)
    if action is Action.SHARE_WITHDRAWAL:
        return _decide_share_withdrawal(case, unit_id)
    if action in (Action.ARCHIVE_CASE, Action.ERASE_CASE):
        return _decide_archive(actor, case)
    if action is Action.ACCEPT_TRANSFER:
        return _decide_accept_transfer(actor, case, unit_id)
    if action is Action.EXPORT_CASE and actor.kind is not ActorKind.SYSTEM:
        return _deny(
            "operator_only", N_("Bare driftsoperatøren flytter saker til en annen kommune (stafett move).")
        )
    if actor.kind is ActorKind.SYSTEM:
        return Decision(True, "system")
    if action is Action.READ_NOTIFICATIONS:  # one's own varsler: any person who has logged in
        if actor.id is not None and actor.kind is not ActorKind.ANONYMOUS:
            return Decision(True, "own")
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    if case is not None:
        decision = _decide_case(actor, action, case)
        if not decision.allowed and not knows_of(actor, case):
            return replace(decision, answer=Answer.NOT_FOUND)
        if decision.allowed and case.status is not CaseStatus.OPEN and action not in READ_ONLY_ON_CLOSED:
            return _deny(
                "case_closed", N_("Saken er avsluttet; den kan leses, men ikke endres."), Answer.CONFLICT
            )
        return decision
    return _decide_directory(actor, action, unit_id)


def _decide_case(actor: Actor, action: Action, case: CaseFacts) -> Decision:
    if actor.kind in (ActorKind.GUARDIAN, ActorKind.YOUTH):
        if actor.id not in case.family_ids:
            return _deny("not_family", N_("Du har ikke tilgang til denne saken."))
        if action in FAMILY_ACTIONS:
            return Decision(True, "family")
        return _deny("family_view", N_("Familien følger saken på Min side; dette gjør bare tjenestene."))
    if actor.kind is not ActorKind.EMPLOYEE:
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    if action not in EMPLOYEE_CASE_ACTIONS:
        return _deny(
            "family_only", N_("Bare familien (foresatte med foreldreansvar eller ungdommen) kan gjøre dette.")
        )
    basis = employee_basis(actor, case)
    if basis is None:
        return _employee_refusal(actor, case)
    return Decision(True, basis)


def _employee_refusal(actor: Actor, case: CaseFacts) -> Decision:
    """Taushetsplikt keeps an employee out; the reason says which rule, from what they already know."""
    units = set(actor.unit_roles)
    if units & set(case.participants):
        return _deny(
            "taushetsplikt",
            N_(
                "Tjenesten din deltar i saken, men ingen samtykke i kraft dekker den; "
                "taushetsplikten gjelder."
            ),
        )
    if units & case.former_units:
        return _deny(
            "taushetsplikt", N_("Tjenesten din deltar ikke lenger i saken; taushetsplikten gjelder.")
        )
    if actor.id is not None and actor.id == case.relay_holder_id:
        return _deny(
            "taushetsplikt", N_("Du er stafettholder, men ingen samtykke i kraft gir deg tilgang til saken.")
        )
    if actor.id is not None and actor.id in case.offered_to:
        return _deny("taushetsplikt", N_("Du får tilgang til saken når du har tatt imot stafettpinnen."))
    return _deny("taushetsplikt", N_("Du har ingen rolle i saken som gir tilgang til den."))


def employee_basis(actor: Actor, case: CaseFacts) -> str | None:
    """The legal basis on which an employee reaches a case, or None under taushetsplikt."""
    units = set(actor.unit_roles)
    if case.owner_unit_id in units:
        return "owner_unit"
    for unit in units & set(case.participants):
        basis = case.participants[unit]
        if basis is ParticipationBasis.REPORT_DUTY:
            return "report_duty"
        if basis is ParticipationBasis.CONSENT and unit in case.consented_units:
            return "consent"
    if (
        MunicipalRole.COORDINATOR in actor.municipal_roles
        and case.relay_holder_id == actor.id
        and case.consented_units
    ):
        return "coordinator_holder"
    return None


def _decide_share(case: CaseFacts | None, unit_id: str | None) -> Decision:
    """A case leaves Stafett for a unit's system only while that unit takes part under a consent in force."""
    if case is None or unit_id is None:
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    if unit_id in case.consented_units and case.participants.get(unit_id) is not None:
        return Decision(True, "consent")
    return _deny("no_consent", N_("Ingen samtykke i kraft dekker deling med denne tjenesten."))


def _decide_share_withdrawal(case: CaseFacts | None, unit_id: str | None) -> Decision:
    """After a withdrawal, a unit of the case that no consent covers any more may be told so (the
    withdrawn Consent, nothing else); a unit still covered hears it in its next delivery."""
    if case is None or unit_id is None:
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    known = unit_id in case.participants or unit_id in case.former_units
    if known and unit_id not in case.consented_units:
        return Decision(True, "withdrawal_notice")
    return _deny("no_withdrawal", N_("Tjenesten har ikke et tilbaketrukket samtykke å få beskjed om."))


def _decide_accept_transfer(actor: Actor, case: CaseFacts | None, unit_id: str | None) -> Decision:
    """An employee of the receiving unit takes over a case once the guardians' consent covers the unit
    (the service checks that ``unit_id`` is the unit a pending transfer names)."""
    if case is None or unit_id is None or actor.kind is not ActorKind.EMPLOYEE:
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    if unit_id not in actor.unit_roles:
        return _deny("not_receiver", N_("Bare den mottakende enheten kan ta imot saken."), Answer.NOT_FOUND)
    if unit_id not in case.consented_units:
        reason = N_("Foresatte har ikke samtykket til overføringen ennå.")
        return _deny("no_consent", reason, Answer.NOT_FOUND)
    if case.status is not CaseStatus.OPEN:
        return _deny(
            "case_closed", N_("Saken er avsluttet; den kan leses, men ikke endres."), Answer.CONFLICT
        )
    return Decision(True, "transfer_consent")


def _decide_archive(actor: Actor, case: CaseFacts | None) -> Decision:
    """Archiving and erasure are the system's, on a closed case (retention checks the archive's receipt)."""
    if actor.kind is not ActorKind.SYSTEM or case is None:
        return _deny("no_rule", N_("Bare systemet arkiverer og sletter saker, etter reglene for arkiv."))
    if case.status is CaseStatus.OPEN:
        return _deny("case_open", N_("Saken er ikke avsluttet."), Answer.CONFLICT)
    return Decision(True, "archive_law")


def _decide_directory(actor: Actor, action: Action, unit_id: str | None) -> Decision:
    """Actions outside a case: opening one, people, units, the audit trail."""
    if actor.kind is not ActorKind.EMPLOYEE:
        return _deny("no_rule", N_("Handlingen er ikke tillatt."))
    roles = actor.municipal_roles
    if action is Action.OPEN_CASE:
        if unit_id is not None and unit_id in actor.unit_roles:
            return Decision(True, "unit_member")
        return _deny("not_unit_member", N_("Du kan bare registrere undring for en enhet du arbeider i."))
    if action in (Action.READ_PERSON, Action.WRITE_PERSON):
        if actor.unit_roles or MunicipalRole.ADMINISTRATOR in roles:
            return Decision(True, "employee")
        return _deny("no_unit", N_("Du må tilhøre en enhet for å slå opp personer."))
    if action is Action.MANAGE_UNITS and MunicipalRole.ADMINISTRATOR in roles:
        return Decision(True, "administrator")
    if action is Action.READ_AUDIT and MunicipalRole.AUDITOR in roles:
        return Decision(True, "auditor")
    if action is Action.READ_REMINDERS and MunicipalRole.COORDINATOR in roles:
        return Decision(True, "coordinator")
    if action in (Action.READ_INDICATORS, Action.READ_REGION_INDICATORS):
        return _decide_indicators(actor, action, unit_id)
    return _deny("no_rule", N_("Handlingen er ikke tillatt."))


INDICATOR_ROLES = frozenset(
    {MunicipalRole.ADMINISTRATOR, MunicipalRole.COORDINATOR, MunicipalRole.REGION_COORDINATOR}
)


def _decide_indicators(actor: Actor, action: Action, unit_id: str | None) -> Decision:
    """Følgeevaluering: a unit leader sees their unit; the municipality's administrators and BTI
    coordinators the municipality and its units; a region coordinator also the region."""
    roles = actor.municipal_roles
    if action is Action.READ_REGION_INDICATORS:
        if MunicipalRole.REGION_COORDINATOR in roles:
            return Decision(True, "region_coordinator")
        return _deny(
            "not_region_coordinator", N_("Bare regionkoordinatorer ser kommunene i regionen side om side.")
        )
    if roles & INDICATOR_ROLES:
        return Decision(True, "municipal_role")
    if unit_id is not None and actor.is_leader_of(unit_id):
        return Decision(True, "unit_leader")
    return _deny(
        "no_indicator_role",
        N_("Følgeevalueringen er for ledere av enheten, kommunens administratorer og koordinatorer."),
    )
