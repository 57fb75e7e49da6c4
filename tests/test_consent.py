"""Samtykke: who must give it, when it is in force, and that withdrawal takes effect at once."""

from __future__ import annotations

import datetime as dt

import msgspec
import pytest

from configs import CONFIG_DIR
from contracts import LogEntryKind
from core.config import default_config, load_config
from core.domain.policy import Action
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.conftest import HEALTH, PPT, World


def request(world: World, case_id: str, *, area: str = "general", by: str | None = None, **period):
    today = world.clock.today()
    period = {"valid_from": today, "valid_to": today + dt.timedelta(days=365)} | period
    with world.as_(by or world.teacher) as w:
        return w.consents.request(
            case_id,
            unit_ids=[PPT],
            categories=["observasjoner"],
            purpose="Samarbeid med PPT",
            area=area,
            **period,
        )


def log(world: World, case_id: str):
    with world.as_(world.teacher) as w:
        return w.log.entries(case_id)


def test_both_guardians_with_parental_responsibility_must_give_not_the_one_without(world: World) -> None:
    consent = request(world, world.open_case().id)
    assert {(g.person_id, g.as_role) for g in consent.givers} == {
        (world.mother, "guardian"),
        (world.father, "guardian"),
    }
    assert world.stepfather not in {g.person_id for g in consent.givers}


@pytest.mark.parametrize(
    ("age", "area", "giver"),
    [
        (16, "health", "youth"),
        (15, "health", "guardians"),
        (15, "child_welfare", "youth"),
        (14, "child_welfare", "guardians"),
        (17, "general", "guardians"),
        (18, "general", "self"),
    ],
)
def test_who_gives_depends_on_age_and_area(world: World, age: int, area: str, giver: str) -> None:
    youth = world.add_child(world.aged(age), guardians=(world.mother, world.father))
    consent = request(world, world.open_case(youth).id, area=area)
    expected = (
        {(world.mother, "guardian"), (world.father, "guardian")} if giver == "guardians" else {(youth, giver)}
    )
    assert {(g.person_id, g.as_role) for g in consent.givers} == expected


def test_youth_gives_alone_and_a_guardian_cannot_give_for_them(world: World) -> None:
    youth = world.add_child(world.aged(16), guardians=(world.mother, world.father))
    consent = request(world, world.open_case(youth).id, area="health")
    with pytest.raises(InvalidInput) as exc, world.as_(world.mother) as w:
        w.consents.give(consent.id)
    assert (exc.value.code, exc.value.message) == (
        "not_a_giver",
        "Du er ikke blant dem som skal gi dette samtykket.",
    )
    with world.as_(youth) as w:
        assert w.consents.give(consent.id).is_in_force(world.clock.now)


def test_pregnant_person_consents_herself(world: World) -> None:
    with world.system() as w:
        pregnant = w.people.register_pregnant(
            given_name="Siri",
            family_name="Test",
            birth_date=dt.date(1999, 5, 1),
            due_date=world.clock.today() + dt.timedelta(days=90),
        ).id
    with world.as_(world.nurse) as w:
        case = w.cases.open_case(subject_id=pregnant, unit_id=HEALTH, observation="Ønsker samtale om rus.")
    consent = request(world, case.id, area="health", by=world.nurse)
    assert [(g.person_id, g.as_role) for g in consent.givers] == [(pregnant, "self")]
    with world.as_(pregnant) as w:
        assert w.consents.give(consent.id).is_in_force(world.clock.now)


class TestConfiguredAges:
    @pytest.fixture
    def config(self):
        config = default_config()
        municipality = config.municipalities[0]
        ages = msgspec.structs.replace(municipality.consent_ages, health=14, general=17)
        return msgspec.structs.replace(
            config, municipalities=[msgspec.structs.replace(municipality, consent_ages=ages)]
        )

    @pytest.mark.parametrize(("age", "area"), [(14, "health"), (17, "general")])
    def test_the_youth_consents_from_the_configured_age(self, world: World, age: int, area: str) -> None:
        youth = world.add_child(world.aged(age), guardians=(world.mother,))
        consent = request(world, world.open_case(youth).id, area=area)
        assert [(g.person_id, g.as_role) for g in consent.givers] == [(youth, "youth")]


def test_consent_is_pending_until_every_giver_has_given(world: World) -> None:
    case = world.open_case()
    consent = request(world, case.id)
    assert not consent.is_in_force(world.clock.now)
    with world.as_(world.mother) as w:
        assert not w.consents.give(consent.id).is_in_force(world.clock.now)
    with world.as_(world.father) as w:
        assert w.consents.give(consent.id).is_in_force(world.clock.now)
    given = [e.data for e in log(world, case.id) if e.kind == LogEntryKind.CONSENT_GIVEN]
    assert [(d["giver_ids"], d["in_force"], d["on_paper"]) for d in given] == [
        ([world.mother], False, False),
        ([world.father], True, False),
    ]
    with pytest.raises(Conflict) as exc, world.as_(world.father) as w:
        w.consents.give(consent.id)
    assert exc.value.code == "already_given"


@pytest.mark.parametrize(
    ("days_from", "days_to", "message"),
    [
        (0, -1, "Samtykket kan ikke gjelde til"),
        (-30, -1, "Samtykket er utløpt: det gjaldt til"),
    ],
)
def test_expired_or_reversed_period_is_refused_and_nothing_written(
    world: World, days_from, days_to, message
) -> None:
    case = world.open_case()
    today = world.clock.today()
    with pytest.raises(InvalidInput) as exc:
        request(
            world,
            case.id,
            valid_from=today + dt.timedelta(days=days_from),
            valid_to=today + dt.timedelta(days=days_to),
        )
    assert exc.value.code == "invalid_consent"
    assert exc.value.message.startswith(message)
    with world.as_(world.teacher) as w:
        assert w.consents.list(case.id) == []
    assert [e.kind for e in log(world, case.id)] == [LogEntryKind.CONCERN]


def test_giving_after_the_period_has_ended_is_refused(world: World) -> None:
    consent = request(world, world.open_case().id, valid_to=world.clock.today() + dt.timedelta(days=10))
    world.clock.advance(days=11)
    with pytest.raises(InvalidInput) as exc, world.as_(world.mother) as w:
        w.consents.give(consent.id)
    assert exc.value.code == "consent_expired"
    assert "Samtykket er utløpt" in exc.value.message


class TestTwoMunicipalities:
    @pytest.fixture
    def config(self):
        demo = default_config()
        kristiansand = load_config(CONFIG_DIR / "kristiansand.toml").municipalities
        return msgspec.structs.replace(demo, municipalities=[*demo.municipalities, *kristiansand])

    def test_unit_outside_the_municipality_is_refused(self, world: World) -> None:
        case = world.open_case()
        today = world.clock.today()
        with pytest.raises(InvalidInput) as exc, world.as_(world.teacher) as w:
            w.consents.request(
                case.id,
                unit_ids=[PPT, "kristiansand-skole"],
                categories=["observasjoner"],
                purpose="Samarbeid",
                area="general",
                valid_from=today,
                valid_to=today + dt.timedelta(days=30),
            )
        assert exc.value.message == "Ukjente tjenester i samtykket: kristiansand-skole"
        with world.as_(world.teacher) as w:
            assert w.consents.list(case.id) == []


def test_withdrawal_takes_effect_at_once_and_is_logged(world: World) -> None:
    case = world.open_case()
    world.level_2(case.id)
    with world.as_(world.ppt, "samarbeid") as w:
        assert len(w.log.entries(case.id)) > 0
    with world.as_(world.teacher) as w:
        consent_id = w.consents.list(case.id)[0].id
    with world.as_(world.father, "trekke samtykke") as w:
        withdrawn = w.consents.withdraw(consent_id, reason="Vi vil ikke dele mer nå")
    assert (withdrawn.withdrawn_at, withdrawn.withdrawn_by) == (world.clock.now, world.father)
    with pytest.raises(Forbidden) as exc, world.as_(world.ppt, "samarbeid") as w:
        w.log.entries(case.id)
    assert exc.value.code == "taushetsplikt"
    assert exc.value.message.startswith("Tjenesten din deltar i saken, men ingen samtykke i kraft")
    entry, lapsed = log(world, case.id)[-2:]  # the withdrawal, then which services lost their basis
    assert (lapsed.kind, lapsed.data["unit_ids"]) == (LogEntryKind.PARTICIPANT_BASIS_LAPSED, [PPT])
    assert (entry.kind, entry.author_id, entry.text) == (
        LogEntryKind.CONSENT_WITHDRAWN,
        world.father,
        "Vi vil ikke dele mer nå",
    )
    assert entry.data == {"consent_id": consent_id, "unit_ids": [PPT]}
    with pytest.raises(Conflict) as exc, world.as_(world.mother) as w:
        w.consents.withdraw(consent_id)
    assert (exc.value.code, exc.value.message) == (
        "already_withdrawn",
        "Samtykket er allerede trukket tilbake.",
    )


def test_guardian_without_parental_responsibility_can_neither_give_nor_withdraw(world: World) -> None:
    consent = request(world, world.open_case().id)
    for act in (lambda w: w.consents.give(consent.id), lambda w: w.consents.withdraw(consent.id)):
        with pytest.raises(NotFound) as exc, world.as_(world.stepfather) as w:  # not told the case exists
            act(w)
        assert exc.value.message == f"Fant ikke samtykket «{consent.id}»."


def test_paper_consent_is_recorded_as_given(world: World) -> None:
    case = world.open_case()
    consent = request(world, case.id, given_on_paper_by=[world.mother, world.father])
    assert consent.is_in_force(world.clock.now)
    assert all(g.given_at == world.clock.now for g in consent.givers)
    entry = log(world, case.id)[-1]
    assert entry.kind == LogEntryKind.CONSENT_GIVEN
    assert entry.data["on_paper"] is True and sorted(entry.data["giver_ids"]) == sorted(
        [world.mother, world.father]
    )


def test_paper_consent_from_someone_who_is_not_a_giver_is_refused(world: World) -> None:
    case = world.open_case()
    with pytest.raises(InvalidInput) as exc:
        request(world, case.id, given_on_paper_by=[world.stepfather])
    assert exc.value.message.startswith("Bare den som har rett til å samtykke, kan stå som giver")
    with world.as_(world.teacher) as w:
        assert w.consents.list(case.id) == []


class TestYouthFromTheGeneralAge:
    """One rule for when a youth sees their own case (``own_case_age``): with ``general = 14`` a
    14-year-old may log in, and then sees the case (before, the login counted ``general`` and the
    policy did not, so such a youth logged in to an empty Min side)."""

    @pytest.fixture
    def config(self):
        config = default_config()
        municipality = config.municipalities[0]
        ages = msgspec.structs.replace(municipality.consent_ages, general=14)
        return msgspec.structs.replace(
            config, municipalities=[msgspec.structs.replace(municipality, consent_ages=ages)]
        )

    def test_a_14_year_old_logs_in_and_sees_the_case(self, world: World) -> None:
        from core.auth.identity import actor_from_claims, claims_for

        youth = world.add_child(world.aged(14), guardians=(world.mother,))
        case = world.open_case(youth)
        with world.platform.database.session() as session:
            claims = claims_for(session, world.platform, youth)
        actor = actor_from_claims(claims, world.platform)
        with world.platform.work(actor, "test") as w:
            assert [c.id for c in w.cases.family_cases()] == [case.id]
            assert w.cases.state(case.id, Action.READ_FAMILY_VIEW).case.id == case.id


def test_a_refusal_is_kept_with_who_refused_and_the_consent_never_comes_into_force(world: World) -> None:
    case = world.open_case()
    consent = request(world, case.id)
    with world.as_(world.mother, "samtykke") as w:
        refused = w.consents.refuse(consent.id, reason="Vi vil vente til etter ferien.")
    assert (refused.refused_at, refused.refused_by) == (world.clock.now, world.mother)
    assert not refused.is_in_force(world.clock.now)
    entry = log(world, case.id)[-1]
    assert (entry.kind, entry.author_id, entry.text) == (
        LogEntryKind.CONSENT_REFUSED,
        world.mother,
        "Vi vil vente til etter ferien.",
    )
    for giver in (world.father, world.mother):  # nobody can give it now: ask anew
        with pytest.raises(Conflict) as exc, world.as_(giver) as w:
            w.consents.give(consent.id)
        assert exc.value.code == "consent_refused"
    with world.as_(world.teacher) as w:
        [kept] = [c for c in w.consents.list(case.id) if c.id == consent.id]
    assert kept.refused_by == world.mother and not kept.is_in_force(world.clock.now)
    with pytest.raises(NotFound), world.as_(world.stepfather) as w:  # no parental responsibility
        w.consents.refuse(consent.id)


def test_how_each_giver_gave_is_recorded(world: World) -> None:
    case = world.open_case()
    paper = request(world, case.id, given_on_paper_by=[world.mother])
    with world.as_(world.father, "samtykke") as w:
        both = w.consents.give(paper.id)
    how = {g.person_id: (g.method, g.received_by) for g in both.givers}
    assert how == {world.mother: ("paper", world.teacher), world.father: ("digital", None)}
