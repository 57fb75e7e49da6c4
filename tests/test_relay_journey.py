"""No break in the relay (issue 18): a child is walked from a kindergarten case through the transfer to
school, up to nivå 3 with a barnekoordinator and an individuell plan, to closing, the archive and
retention. Consent governs every step; the log stays one unbroken log; the arkivmelding validates against
KS's XSD; the PDF holds every entry; afterwards nothing personal is left and the audit chain verifies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from adapters.archive.drop import FolderDrop, collect_receipts
from contracts import CoordinatorRole, LogEntryKind, MeetingKind, words
from core import retention_job as retention
from core.cli import main
from core.errors import InvalidInput, NotFound, RuleRefused
from core.outbox_worker import run_archive
from core.platform import Platform
from tests.archive_support import answer, config, drop, schema
from tests.conftest import HEALTH, PPT, SCHOOL, Clock, World
from tests.test_archive import pdf_text
from tests.test_retention import everything
from tests.test_transfer import KG_TEXTS, give, kindergarten_case, pedagogue

__all__ = ["config", "drop", "pedagogue"]  # fixtures shared with the archive and transfer tests

GOALS = "Ola vil ha en venn å leke med, og vi vil at morgenene skal bli roligere."


def to_level_3(world: World, case_id: str) -> None:
    """At school: nivå 1, then the health station and PPT join under consent, a coordination meeting."""
    world.level_1(case_id)
    world.join(case_id, HEALTH)
    with world.as_(world.teacher, "nivå") as w:
        w.cases.change_level(case_id, 2)
    world.join(case_id, PPT)
    with world.as_(world.teacher) as w:
        w.meetings.schedule(
            case_id, kind=MeetingKind.COORDINATION, starts_at=world.clock.now + dt.timedelta(days=2),
            unit_ids=[HEALTH, PPT], summary="Koordineringsmøte: helsestasjon, PPT og skole.",
        )  # fmt: skip
        w.cases.change_level(case_id, 3)


def test_kindergarten_to_school_to_individual_plan_to_archive_and_erasure(
    world: World, platform: Platform, pedagogue: str, drop: Path, clock: Clock, database_url: str
) -> None:
    case_id, _ = kindergarten_case(world, pedagogue)
    with world.as_(pedagogue, "overføring") as w:
        transfer = w.transfers.propose(case_id, w.transfers.suggest_school(case_id) or "")
    give(world, transfer.consent_id)  # the guardians consent to the whole log going to school
    with world.as_(world.teacher) as w:
        w.transfers.accept(transfer.id)

    with world.as_(world.teacher) as w, pytest.raises(RuleRefused):
        w.plans.assign_coordinator(case_id, world.nurse, "barnekoordinator")  # not at nivå 3 yet
    to_level_3(world, case_id)
    with world.as_(world.teacher) as w, pytest.raises(InvalidInput):
        w.plans.assign_coordinator(case_id, world.child_welfare, "barnekoordinator")  # no access
    with world.as_(world.teacher, "koordinator") as w:
        plan = w.plans.assign_coordinator(case_id, world.nurse, "barnekoordinator")
    assert (plan.coordinator_id, plan.coordinator_role) == (world.nurse, CoordinatorRole.CHILD_COORDINATOR)
    assert "§ 7-2 a" in words.COORDINATOR_ROLES["barnekoordinator"][1]
    with world.as_(world.nurse, "individuell plan") as w:
        plan = w.plans.make_plan(case_id, goals="", revision_date=clock.today() + dt.timedelta(days=180))
    assert not plan.consent_in_force  # the plan rests on the guardians' consent
    give(world, plan.consent_id or "")
    with world.as_(world.mother, "min side") as w:
        w.plans.set_goals(case_id, GOALS)  # in the family's own words
        w.plans.comment(case_id, "Fint at helsesøster koordinerer.")
        seen = w.plans.plan(case_id)
    assert seen.consent_in_force and seen.goals == GOALS
    assert {p.unit_id for p in seen.participants} >= {SCHOOL, HEALTH, PPT}
    assert [c.text for c in seen.comments] == ["Fint at helsesøster koordinerer."]
    with world.as_(world.teacher, "koordinator") as w:  # the role is handed over; the log keeps it
        w.plans.assign_coordinator(case_id, world.ppt, "ip_koordinator")
    with world.as_(world.stepfather) as w, pytest.raises(NotFound):
        w.plans.plan(case_id)  # no parental responsibility: no family view

    with world.as_(world.teacher, "avslutning") as w:
        w.cases.close(case_id, "out_of_target_group", note="Individuell plan følges videre.")
        log = w.log.entries(case_id)
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    kinds = [e.kind for e in log]
    for kind in (
        LogEntryKind.TRANSFER_ACCEPTED,
        LogEntryKind.COORDINATOR_ASSIGNED,
        LogEntryKind.PLAN_UPDATED,
    ):
        assert kind in kinds
    assert kinds.count(LogEntryKind.CONSENT_GIVEN) >= 4  # transfer, health station, PPT, plan
    [done] = run_archive(platform, FolderDrop(platform))
    assert done.status.value == "delivered"
    text = pdf_text((drop / case_id / "stafettlogg.pdf").read_bytes())
    for entry in log:
        assert f"{entry.seq}. " in text
        assert " ".join(entry.text.split()) in text
    assert schema().validate(etree.parse(str(drop / case_id / "arkivmelding.xml")))
    answer(drop / case_id)
    assert collect_receipts(platform) == [(case_id, "2025/417")]

    clock.advance(days=365 * 10 + 30)
    assert [c for c, _ in retention.run(platform)] == [case_id]
    joined = "\n".join(everything(platform))
    for phrase in (*KG_TEXTS, GOALS, "Fint at helsesøster koordinerer.", "Koordineringsmøte: helsestasjon"):
        assert phrase not in joined
    result = CliRunner().invoke(main, ["audit", "verify", "--database-url", database_url])
    assert result.exit_code == 0, result.output
