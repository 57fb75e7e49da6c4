"""Moving to another municipality of the same deployment (a region on one Stafett): under the family's
consent the case opens in the new municipality with its whole log, and is closed here as moved; a move
that stopped half-way finishes when run again, and never takes the case in twice."""

from __future__ import annotations

import msgspec
import pytest

from contracts import CaseStatus, ServiceType
from core.config import DeploymentConfig, UnitConfig, default_config
from core.domain.policy import Actor
from core.errors import InvalidInput, RuleRefused
from core.move_job import move_within
from core.platform import Platform
from core.services.moving import PURPOSE_MOVE
from tests.conftest import MUNICIPALITY, SCHOOL, World
from tests.moving_support import NOTE, consented_case

NEIGHBOUR, NEIGHBOUR_SCHOOL = "9902", "nabovik-skole"


@pytest.fixture
def config() -> DeploymentConfig:
    base = default_config()
    home = msgspec.structs.replace(base.municipalities[0], plugins=["bti-standard", "fhir"])
    neighbour = msgspec.structs.replace(
        home, id=NEIGHBOUR, name="Nabovik", plugins=["bti-standard"],
        units=[UnitConfig(id=NEIGHBOUR_SCHOOL, name="Nabovik skole", service_type=ServiceType.SCHOOL)],
    )  # fmt: skip
    return msgspec.structs.replace(base, municipalities=[home, neighbour])


def new_case(platform: Platform, case_id: str):
    with platform.work(Actor.system(NEIGHBOUR, operator="test"), PURPOSE_MOVE) as w:
        return w.cases.get(case_id), [e.text for e in w.log.entries(case_id)]


def test_the_case_moves_to_the_neighbour_with_its_whole_log(world: World, platform: Platform) -> None:
    case_id = world.open_case().id
    with pytest.raises(RuleRefused, match="ikke samtykket til at saken flyttes"):
        move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id=NEIGHBOUR_SCHOOL)
    consented_case(world, case_id)
    moved = move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id=NEIGHBOUR_SCHOOL)
    assert (moved.municipality_id, moved.owner_unit_id, moved.status) == (
        NEIGHBOUR,
        NEIGHBOUR_SCHOOL,
        CaseStatus.OPEN,
    )
    case, texts = new_case(platform, moved.id)
    assert case.level == 0 and NOTE in texts
    assert texts[-1] == "Saken er flyttet hit fra Fjordvik kommune (9901) i samme Stafett."
    with world.as_(world.teacher) as w:  # closed here as moved; the old municipality's archive takes it
        assert w.cases.get(case_id).status is CaseStatus.CLOSED
    with pytest.raises(RuleRefused, match="avsluttet"):  # and it cannot go twice
        move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id=NEIGHBOUR_SCHOOL)


def test_a_move_that_stopped_half_way_finishes_when_run_again(
    world: World, platform: Platform, monkeypatch
) -> None:
    case_id = consented_case(world)
    from core.services.moving import MovingService

    def crash(self, case_id: str) -> None:
        raise OSError("strømmen gikk")

    with monkeypatch.context() as patched:
        patched.setattr(MovingService, "close_moved", crash)
        with pytest.raises(OSError):
            move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id=NEIGHBOUR_SCHOOL)
    first = move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id=NEIGHBOUR_SCHOOL)
    with platform.work(Actor.system(NEIGHBOUR, operator="test"), PURPOSE_MOVE) as w:
        assert w.moving.moved_here(case_id) == first.id  # taken in once
    with world.as_(world.teacher) as w:
        assert w.cases.get(case_id).status is CaseStatus.CLOSED


def test_bad_moves_are_refused_before_anything_is_written(world: World, platform: Platform) -> None:
    case_id = consented_case(world)
    with pytest.raises(InvalidInput, match="allerede i denne kommunen"):
        move_within(platform, case_id, source=MUNICIPALITY, target=MUNICIPALITY, unit_id=SCHOOL)
    with pytest.raises(Exception, match="9999"):
        move_within(platform, case_id, source=MUNICIPALITY, target="9999", unit_id=NEIGHBOUR_SCHOOL)
    with pytest.raises(Exception, match="enhet"):
        move_within(platform, case_id, source=MUNICIPALITY, target=NEIGHBOUR, unit_id="finnes-ikke")
    with world.as_(world.teacher) as w:
        assert w.cases.get(case_id).status is CaseStatus.OPEN


def test_the_command_moves_the_case_and_names_a_bad_municipality(world: World, platform: Platform) -> None:
    from click.testing import CliRunner

    from core.cli import main

    case_id = consented_case(world)
    url = platform.database.url
    args = ["move", "within", "--database-url", url, "--case", case_id, "--from", MUNICIPALITY]
    bad = CliRunner().invoke(main, [*args, "--to", "9999", "--unit", NEIGHBOUR_SCHOOL])
    assert bad.exit_code == 1 and "9999" in bad.output and "Traceback" not in bad.output
