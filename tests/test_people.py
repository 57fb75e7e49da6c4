"""People: fødselsnummer checked at registration, the BTI target group (0–23 years), pregnant persons."""

from __future__ import annotations

import datetime as dt
import random

import msgspec
import pytest
import sqlalchemy as sa

from core.config import default_config
from core.domain import national_id
from core.domain.policy import Actor
from core.errors import Conflict, InvalidInput
from core.storage.models import CaseRow, PersonRow
from tests.conftest import HEALTH, World


def people_count(world: World) -> int:
    with world.platform.database.session() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(PersonRow))


def register(world: World, number: str | None, **kwargs):
    with world.system() as w:
        return w.people.register_child(given_name="Eva", family_name="Test", national_id=number, **kwargs)


def wrong_checksum(number: str) -> str:
    return number[:10] + str((int(number[10]) + 1) % 10)


def test_wrong_checksum_is_refused_and_nothing_written(world: World) -> None:
    before = people_count(world)
    with pytest.raises(InvalidInput) as exc:
        register(world, wrong_checksum(world.national_id(dt.date(2015, 6, 1))))
    assert (exc.value.code, exc.value.field) == ("invalid_national_id", "national_id")
    assert exc.value.message == "Kontrollsifferet stemmer ikke. Sjekk at fødselsnummeret er skrevet riktig."
    assert people_count(world) == before


@pytest.mark.parametrize(
    ("number", "message"), [("1234", "må ha 11 siffer"), ("1505159x123", "bare inneholde siffer")]
)
def test_malformed_number_is_refused(world: World, number: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        register(world, number)
    assert exc.value.code == "invalid_national_id" and message in exc.value.message


def test_birth_date_is_derived_from_the_number(world: World) -> None:
    child = register(world, world.national_id(dt.date(2016, 11, 30)))
    assert child.birth_date == dt.date(2016, 11, 30)
    d_number = national_id.generate(dt.date(2012, 2, 29), sex="male", rng=random.Random(7), d_number=True)
    assert register(world, d_number).birth_date == dt.date(2012, 2, 29)


def test_birth_date_that_contradicts_the_number_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        register(world, world.national_id(dt.date(2016, 11, 30)), birth_date=dt.date(2016, 11, 29))
    assert exc.value.message == "Fødselsdatoen stemmer ikke med fødselsnummeret."


def test_duplicate_number_is_a_conflict(world: World) -> None:
    number = world.national_id(dt.date(2014, 1, 9))
    register(world, number)
    before = people_count(world)
    with pytest.raises(Conflict) as exc:
        register(world, number[:6] + " " + number[6:])  # the same number typed with a space
    assert (exc.value.code, exc.value.message) == (
        "person_exists",
        "En person med dette fødselsnummeret er allerede registrert.",
    )
    assert people_count(world) == before


class TestProductionConfig:
    @pytest.fixture
    def config(self):
        config = default_config()
        strict = msgspec.structs.replace(config.municipalities[0], allow_synthetic_national_ids=False)
        return msgspec.structs.replace(config, municipalities=[strict])

    def test_synthetic_number_is_refused_when_config_disallows_it(self, platform) -> None:
        number = national_id.generate(dt.date(2015, 6, 1), sex="female", rng=random.Random(3))
        with pytest.raises(InvalidInput) as exc, platform.work(Actor.system("9901"), "registrering") as w:
            w.people.register_child(given_name="Eva", family_name="Test", national_id=number)
        assert exc.value.code == "invalid_national_id"
        assert exc.value.message == "Syntetiske fødselsnumre (testidentiteter) godtas ikke her."
        with platform.database.session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(PersonRow)) == 0


def test_child_or_birth_date_is_required(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        register(world, None)
    assert exc.value.message == "Fødselsdato eller fødselsnummer må oppgis."


def cases_of(world: World, subject_id: str) -> int:
    with world.platform.database.session() as s:
        return s.scalar(
            sa.select(sa.func.count()).select_from(CaseRow).where(CaseRow.subject_id == subject_id)
        )


def test_a_23_year_old_is_in_the_target_group_but_not_a_24_year_old(world: World) -> None:
    youth = world.add_child(world.aged(23))
    assert world.open_case(youth).level == 0
    with pytest.raises(InvalidInput) as exc:  # the same age rule when registering as when opening a case
        world.add_child(world.aged(24))
    assert (exc.value.code, exc.value.message) == (
        "out_of_target_group",
        "Personen er over 23 år og utenfor BTI-målgruppen.",
    )


def test_case_for_a_pregnant_person_before_the_birth(world: World) -> None:
    due = world.clock.today() + dt.timedelta(days=120)
    with world.system() as w:
        pregnant = w.people.register_pregnant(
            given_name="Mona",
            family_name="Test",
            due_date=due,
            national_id=world.national_id(dt.date(1996, 8, 17)),
        )
    assert (pregnant.birth_date, pregnant.due_date) == (
        dt.date(1996, 8, 17),
        due,
    )  # 28 years old: not a child
    with world.as_(world.nurse) as w:
        case = w.cases.open_case(
            subject_id=pregnant.id, unit_id=HEALTH, observation="Bekymret for rusbruk i svangerskapet."
        )
    assert (case.subject_id, case.level) == (pregnant.id, 0)


def test_due_date_long_past_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as exc, world.system() as w:
        w.people.register_pregnant(
            given_name="Mona",
            family_name="Test",
            birth_date=dt.date(1996, 8, 17),
            due_date=world.clock.today() - dt.timedelta(days=61),
        )
    assert exc.value.message == "Termindatoen er for langt tilbake i tid."
