"""Deny by default: who reaches a case for what, every decision audited, and a tamper-evident audit trail."""

from __future__ import annotations

import msgspec
import pytest
import sqlalchemy as sa

from configs import CONFIG_DIR
from contracts import ParticipationBasis, UnitMembership
from core import audit
from core.config import default_config, load_config
from core.domain.policy import Actor
from core.errors import Forbidden, NotFound
from core.storage.models import AuditEventRow
from tests.conftest import CHILD_WELFARE, MUNICIPALITY, PPT, World

OTHER_MUNICIPALITY = "4204"  # Kristiansand, from the BTI Agder region config


@pytest.fixture
def config():
    """The demo municipality and the three of BTI Agder, in one deployment."""
    demo, agder = default_config(), load_config(CONFIG_DIR / "agder.toml")
    return msgspec.structs.replace(demo, municipalities=[*demo.municipalities, *agder.municipalities])


def base_case(world: World) -> str:
    """A case owned by the school, with PPT taking part but without consent: the mother withdrew it."""
    case = world.open_case()
    world.join(case.id, PPT, lapsed=True)
    return case.id


def teacher(world: World) -> tuple[str, str]:
    return world.teacher, base_case(world)


def ppt_without_consent(world: World) -> tuple[str, str]:
    return world.ppt, base_case(world)


def ppt_with_consent(world: World) -> tuple[str, str]:
    case_id = base_case(world)
    world.consent(case_id, [PPT])
    return world.ppt, case_id


def child_welfare_report_duty(world: World) -> tuple[str, str]:
    case_id = base_case(world)
    with world.as_(world.teacher, "opplysningsplikt") as w:
        w.cases.add_participant(case_id, CHILD_WELFARE, basis=ParticipationBasis.REPORT_DUTY)
    return world.child_welfare, case_id


def coordinator_holder(world: World) -> tuple[str, str]:
    case_id = base_case(world)
    world.consent(case_id, [PPT])
    with world.as_(world.teacher) as w:
        w.relay_holder.assign(case_id, world.coordinator)
    return world.coordinator, case_id


def administrator(world: World) -> tuple[str, str]:
    return world.admin, base_case(world)


def auditor(world: World) -> tuple[str, str]:
    return world.auditor, base_case(world)


def guardian(world: World) -> tuple[str, str]:
    return world.mother, base_case(world)


def guardian_without_responsibility(world: World) -> tuple[str, str]:
    return world.stepfather, base_case(world)


def youth_16(world: World) -> tuple[str, str]:
    youth = world.add_child(world.aged(16), guardians=(world.mother,))
    return youth, world.open_case(youth).id


def other_municipality(world: World) -> tuple[str, str]:
    with world.platform.work(Actor.system(OTHER_MUNICIPALITY), "seed") as w:
        employee = w.people.register_employee(
            given_name="Ola", family_name="Nabo", memberships=[UnitMembership(unit_id="kristiansand-skole")]
        )
    return employee.id, base_case(world)


Y, N = True, False
MATRIX = [  # (who, read log, write note, family view)
    (teacher, Y, Y, N),
    (ppt_without_consent, N, N, N),
    (ppt_with_consent, Y, Y, N),
    (child_welfare_report_duty, Y, Y, N),
    (coordinator_holder, Y, Y, N),
    (administrator, N, N, N),
    (auditor, N, N, N),
    (guardian, N, N, Y),
    (guardian_without_responsibility, N, N, N),
    (youth_16, N, N, Y),
    (other_municipality, N, N, N),
]
HIDDEN = {administrator, guardian_without_responsibility, other_municipality}  # may not know the case exists
ACTIONS = {
    "case.read": lambda w, case_id: w.log.entries(case_id),
    "case.write": lambda w, case_id: w.log.add_note(case_id, "Notat"),
    "case.read_family": lambda w, case_id: w.log.family_entries(case_id),
}


def audit_events(world: World, actor_id: str) -> list[AuditEventRow]:
    with world.platform.database.session() as s:
        return list(s.scalars(select_events().where(AuditEventRow.actor_id == actor_id)))


def select_events():
    return sa.select(AuditEventRow).order_by(AuditEventRow.municipality_id, AuditEventRow.seq)


def log_length(world: World, case_id: str) -> int:
    with world.platform.work(Actor.system(MUNICIPALITY), "kontroll") as w:
        return len(w.log.entries(case_id))


@pytest.mark.parametrize(
    ("setup", "read", "write", "family"), MATRIX, ids=[row[0].__name__ for row in MATRIX]
)
def test_access_matrix_every_decision_audited(
    world: World, setup, read: bool, write: bool, family: bool
) -> None:
    actor_id, case_id = setup(world)
    entries_before = log_length(world, case_id)
    for (action, call), allowed in zip(ACTIONS.items(), (read, write, family), strict=True):
        audited_before = audit_events(world, actor_id)
        with world.as_(actor_id, "matrise") as w:
            if allowed:
                call(w, case_id)
            else:
                with pytest.raises(NotFound if setup in HIDDEN else Forbidden) as exc:
                    call(w, case_id)
                assert exc.value.message  # the refusal is told in bokmål
                if setup in HIDDEN:  # answered exactly as an unknown id
                    assert (exc.value.code, exc.value.message) == (
                        "case_not_found",
                        f"Fant ingen sak med id «{case_id}».",
                    )
        new = audit_events(world, actor_id)[len(audited_before) :]
        assert [(e.action, e.outcome, e.case_id, e.purpose) for e in new] == [
            (action, "allowed" if allowed else "refused", case_id, "matrise")
        ]
    assert log_length(world, case_id) == entries_before + write  # a refused write leaves only its audit event
    with world.platform.database.session() as s:
        assert audit.verify(s, MUNICIPALITY) == [] and audit.verify(s, OTHER_MUNICIPALITY) == []


def test_refusal_names_the_reason(world: World) -> None:
    _, case_id = ppt_without_consent(world)
    with pytest.raises(Forbidden) as exc, world.as_(world.ppt) as w:
        w.log.entries(case_id)
    assert exc.value.code == "taushetsplikt"
    assert exc.value.message == (
        "Tjenesten din deltar i saken, men ingen samtykke i kraft dekker den; taushetsplikten gjelder."
    )
    refusal = audit_events(world, world.ppt)[-1]
    assert refusal.outcome == "refused" and refusal.reason.startswith("taushetsplikt: Tjenesten din deltar")
    with world.platform.work(Actor.system(OTHER_MUNICIPALITY), "seed") as w:
        employee = w.people.register_employee(given_name="Ola", family_name="Nabo").id
    with pytest.raises(NotFound) as exc, world.as_(employee) as w:  # not told that the case exists
        w.log.entries(case_id)
    assert exc.value.code == "case_not_found"
    refusal = audit_events(world, employee)[-1]  # but the refusal and its reason are audited
    assert (refusal.outcome, refusal.reason) == (
        "refused",
        "other_municipality: Opplysningene tilhører en annen kommune.",
    )


# --- the audit trail is tamper-evident -----------------------------------------------------------------


def unlock_audit_table(connection: sa.Connection) -> None:
    """Switch off migration 0002's append-only triggers, as an attacker with database access could."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        return
    names = connection.scalars(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
    ).all()
    for name in names:
        connection.execute(sa.text(f'DROP TRIGGER "{name}"'))


def tamper(world: World, sql: str, **params: object) -> list[audit.ChainProblem]:
    with world.platform.database.engine.begin() as connection:
        unlock_audit_table(connection)
        connection.execute(sa.text(sql), params)
    with world.platform.database.session() as s:
        return audit.verify(s, MUNICIPALITY)


def last_seq(world: World) -> int:
    with world.platform.database.session() as s:
        return s.scalar(
            sa.select(sa.func.max(AuditEventRow.seq)).where(AuditEventRow.municipality_id == MUNICIPALITY)
        )


def test_audit_chain_verifies(world: World) -> None:
    coordinator_holder(world)
    with world.platform.database.session() as s:
        assert audit.verify(s, MUNICIPALITY) == []
    assert last_seq(world) > 10


def test_the_database_refuses_to_change_the_audit_trail(world: World) -> None:
    world.open_case()
    for sql in ("UPDATE audit_event SET purpose = 'x'", "DELETE FROM audit_event"):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            world.platform.database.engine.begin() as c,
        ):
            c.execute(sa.text(sql))


def test_changing_an_event_is_detected_with_its_seq(world: World) -> None:
    coordinator_holder(world)
    problems = tamper(
        world,
        "UPDATE audit_event SET purpose = 'ingenting å se her' WHERE municipality_id = :m AND seq = 3",
        m=MUNICIPALITY,
    )
    assert [(p.seq, p.problem) for p in problems] == [(3, "innholdet er endret etter at det ble skrevet")]


def test_deleting_an_event_is_detected(world: World) -> None:
    coordinator_holder(world)
    problems = tamper(world, "DELETE FROM audit_event WHERE municipality_id = :m AND seq = 5", m=MUNICIPALITY)
    assert (5, "hendelsen mangler (slettet?)") in [(p.seq, p.problem) for p in problems]


def test_deleting_the_newest_event_is_detected(world: World) -> None:
    coordinator_holder(world)
    newest = last_seq(world)
    problems = tamper(
        world, "DELETE FROM audit_event WHERE municipality_id = :m AND seq = :s", m=MUNICIPALITY, s=newest
    )
    assert [(p.seq, p.problem) for p in problems] == [(newest, "siste hendelse(r) mangler (slettet?)")]
