"""Reminders: a case without the stafettholder its level requires, and a measure past its evaluation date."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from configs import CONFIG_DIR
from contracts import Level, RelayHolderRule, hookimpl
from core.cli import main
from core.errors import Forbidden
from core.services.reminders import ReminderKind, ReminderService
from core.storage.models import AuditEventRow
from core.testing import StafettMunicipality
from tests.conftest import MUNICIPALITY, World


class HolderFromLevelOne:
    """A municipality's rule: from level 1 every case has a stafettholder."""

    @hookimpl
    def relay_holder_rules(self, municipality):
        return [RelayHolderRule(level=Level.INTERNAL, required=True, description="Stafettholder fra nivå 1.")]


def reminder_events(world: World) -> list[AuditEventRow]:
    with world.platform.database.session() as s:
        return list(s.scalars(sa.select(AuditEventRow).where(AuditEventRow.action == "reminders.read")))


def overdue_measure(world: World) -> str:
    case = world.open_case()
    world.level_1(case.id)
    return world.measure(case.id, "Fast voksen i friminuttet", "Ola leker med andre.").id


def test_an_evaluation_past_its_date_is_due_until_it_is_evaluated(world: World) -> None:
    measure_id = overdue_measure(world)
    with world.system() as w:
        assert ReminderService(w).due() == []
    world.clock.advance(days=17)
    with world.system() as w:
        (reminder,) = ReminderService(w).due()
    assert reminder.kind is ReminderKind.EVALUATION_OVERDUE
    assert (reminder.measure_id, reminder.responsible_id, reminder.days_overdue) == (
        measure_id,
        world.teacher,
        3,
    )
    assert reminder.message == "Tiltaket skulle vært evaluert 17.03.2025 (3 dager siden)."

    with world.as_(world.teacher) as w:
        w.measures.evaluate(measure_id, outcome="achieved", summary="Målet er nådd.")
    with world.system() as w:
        assert ReminderService(w).due() == []


def test_a_coordinator_lists_reminders_others_are_refused_and_both_are_audited(world: World) -> None:
    overdue_measure(world)
    world.clock.advance(days=20)
    with world.as_(world.coordinator) as w:
        assert [r.kind for r in ReminderService(w).due()] == [ReminderKind.EVALUATION_OVERDUE]
    with pytest.raises(Forbidden), world.as_(world.teacher) as w:
        ReminderService(w).due()
    events = reminder_events(world)
    assert [(e.actor_id, e.outcome) for e in events] == [
        (world.coordinator, "allowed"),
        (world.teacher, "refused"),
    ]


def test_a_case_below_a_newly_required_level_without_holder_is_due(stafett_platform) -> None:
    """The municipality turns on a rule requiring a holder from level 1: its open level-1 cases show up."""
    before = StafettMunicipality(stafett_platform(["bti-standard"]), MUNICIPALITY)
    case = before.open_case("fjordvik-skole")
    leader = before.employee("fjordvik-skole", leader=True)
    with before.as_(leader) as w:
        w.cases.change_level(case.id, 1, unit_leader_informed=True, guardians_informed=True)
    with before.system() as w:
        assert ReminderService(w).due() == []

    after = StafettMunicipality(
        stafett_platform(["bti-standard", "fra-niva-1"], extra_plugins={"fra-niva-1": HolderFromLevelOne()}),
        MUNICIPALITY,
    )
    with after.system() as w:
        (reminder,) = ReminderService(w).due()
    assert reminder.kind is ReminderKind.RELAY_HOLDER_MISSING
    assert (reminder.case_id, reminder.level, reminder.owner_unit_id) == (case.id, Level(1), "fjordvik-skole")
    assert "skal ha stafettholder" in reminder.message

    with after.as_(leader) as w:
        w.relay_holder.assign(case.id, leader)
    with after.system() as w:
        assert ReminderService(w).due() == []


def test_reminders_command_lists_what_is_due(world: World, database_url: str) -> None:
    """The command runs on today's date, long after the world's clock (March 2025)."""
    overdue_measure(world)
    result = CliRunner().invoke(
        main, ["reminders", "--config", str(CONFIG_DIR / "demo.toml"), "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    assert "9901 Fjordvik kommune: 1 påminnelse(r)" in result.output
    assert "Tiltaket skulle vært evaluert 17.03.2025" in result.output

    result = CliRunner().invoke(main, ["reminders", "--municipality", "0000", "--database-url", database_url])
    assert result.exit_code == 1 and "0000" in result.output
