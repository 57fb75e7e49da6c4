"""The stafettlogg: append-only (services and database), corrections, family view, tool forms."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from contracts import LogEntryKind
from core.errors import Forbidden, InvalidInput, NotFound
from tests.conftest import World


def entries(world: World, case_id: str, by: str | None = None):
    with world.as_(by or world.teacher, "les") as w:
        return w.log.entries(case_id)


def note(world: World, case_id: str, text: str, by: str | None = None, **kwargs):
    with world.as_(by or world.teacher, "skriv") as w:
        return w.log.add_note(case_id, text, **kwargs)


def test_entries_get_increasing_seq(world: World) -> None:
    case = world.open_case()
    written = [note(world, case.id, f"Notat {n}") for n in range(3)]
    assert [e.seq for e in written] == [2, 3, 4]  # 1 is the undring that opened the case
    assert [(e.seq, e.text) for e in entries(world, case.id)] == [
        (1, "Virker trist i friminuttene."),
        (2, "Notat 0"),
        (3, "Notat 1"),
        (4, "Notat 2"),
    ]


def test_a_bright_moment_is_its_own_kind(world: World) -> None:
    case = world.open_case()
    assert (
        note(world, case.id, "Ola lo hele friminuttet!", bright_moment=True).kind
        == LogEntryKind.BRIGHT_MOMENT
    )


def test_correction_is_a_new_entry_and_the_original_stays(world: World) -> None:
    case = world.open_case()
    original = note(world, case.id, "Ola gråt i gymmen.")
    with world.as_(world.teacher) as w:
        first = w.log.correct(case.id, original.id, "Ola gråt i svømmingen.", reason="Feil fag")
        second = w.log.correct(case.id, original.id, "Ola gråt etter svømmingen.", reason="Presisering")
    assert (first.kind, first.corrects, first.data["reason"]) == (
        LogEntryKind.CORRECTION,
        original.id,
        "Feil fag",
    )
    by_id = {e.id: e for e in entries(world, case.id)}
    assert by_id[original.id].text == "Ola gråt i gymmen."
    assert by_id[original.id].corrected_by == second.id  # the newest correction
    assert by_id[first.id].corrects == by_id[second.id].corrects == original.id
    assert len(by_id) == 4


def test_only_the_author_may_correct(world: World) -> None:
    case = world.open_case()
    original = note(world, case.id, "Skrevet av læreren.")
    with pytest.raises(InvalidInput) as exc, world.as_(world.leader) as w:
        w.log.correct(case.id, original.id, "Endret av leder.", reason="Vil endre")
    assert (exc.value.code, exc.value.message) == (
        "not_author",
        "Bare den som skrev loggføringen, kan rette den.",
    )
    assert len(entries(world, case.id)) == 2


@pytest.mark.parametrize("sql", ["UPDATE log_entry SET text = 'omskrevet'", "DELETE FROM log_entry"])
def test_the_database_refuses_to_change_or_delete_log_entries(world: World, sql: str) -> None:
    case = world.open_case()
    note(world, case.id, "Står for alltid.")
    with (
        pytest.raises(sa.exc.DBAPIError, match="append-only"),
        world.platform.database.engine.begin() as conn,
    ):
        conn.execute(sa.text(sql))
    assert [e.text for e in entries(world, case.id)] == ["Virker trist i friminuttene.", "Står for alltid."]


def test_family_view_shows_only_shared_entries(world: World) -> None:
    case = world.open_case()  # the undring itself is not shared by default
    note(world, case.id, "Intern vurdering.", shared_with_family=False)
    note(world, case.id, "Ola har fått en venn i klassen.")
    with world.as_(world.mother, "familie") as w:
        seen = w.log.family_entries(case.id)
    assert [e.text for e in seen] == ["Ola har fått en venn i klassen."]
    with pytest.raises(Forbidden), world.as_(world.mother, "familie") as w:
        w.log.entries(case.id)  # the full log is for the employees


def test_family_comment_is_written_by_the_guardian_and_seen_by_all(world: World) -> None:
    case = world.open_case()
    with world.as_(world.father, "familie") as w:
        comment = w.log.family_comment(case.id, "Hjemme går det bedre.")
    assert (comment.kind, comment.author_id, comment.shared_with_family) == (
        LogEntryKind.FAMILY_COMMENT,
        world.father,
        True,
    )
    assert entries(world, case.id)[-1].id == comment.id
    with world.as_(world.mother, "familie") as w:
        assert w.log.family_entries(case.id)[-1].text == "Hjemme går det bedre."
    with pytest.raises(InvalidInput), world.as_(world.father) as w:
        w.log.family_comment(case.id, "   ")
    with pytest.raises(InvalidInput, match="ugyldig tegn"), world.as_(world.father) as w:
        w.log.family_comment(case.id, "Hei\x00")  # a NUL byte, which PostgreSQL cannot store


def test_a_home_task_report_names_the_task_and_only_a_home_task_of_the_case(world: World) -> None:
    case, other = (
        world.open_case(),
        world.open_case(world.add_child(world.aged(8), guardians=(world.mother,))),
    )
    world.level_1(case.id)
    with world.as_(world.teacher) as w:
        due = world.clock.today() + dt.timedelta(days=14)
        task = w.measures.create(
            case.id, title="Lesestund", goal="Lese hver kveld", responsible_id=world.mother,
            start_date=world.clock.today(), evaluation_date=due, for_family=True,
        )  # fmt: skip
        plain = w.measures.create(
            case.id, title="Fast voksen", goal="Trygg start", responsible_id=world.teacher,
            start_date=world.clock.today(), evaluation_date=due,
        )  # fmt: skip
    with world.as_(world.mother) as w:
        report = w.log.family_comment(case.id, "Fire av fem kvelder.", home_task_id=task.id)
        assert report.data == {"measure_id": task.id, "title": "Lesestund"}
        for wrong_case, measure in ((case.id, plain.id), (other.id, task.id)):
            with pytest.raises(NotFound):
                w.log.family_comment(wrong_case, "Gjort", home_task_id=measure)


def test_filled_tool_form_is_stored_with_the_entry(world: World) -> None:
    case = world.open_case()
    form = {
        "dato": "2025-03-03",
        "observasjon": "Sitter alene i friminuttene.",
        "drofting": ["kollega", "leder"],
    }
    entry = note(world, case.id, "", tool_id="undringsnotat", form=form, shared_with_family=False)
    assert entry.data == {"tool_id": "undringsnotat", "form": form}


@pytest.mark.parametrize(
    ("tool_id", "form", "fragment"),
    [
        ("undringsnotat", {"dato": "2025-03-03"}, "observasjon"),  # required field missing
        ("undringsnotat", {"dato": "2025-03-03", "observasjon": "x", "diagnose": "y"}, "diagnose"),
        ("undringsnotat", {"dato": "2025-03-03", "observasjon": "x", "drofting": ["nabo"]}, "Drøftet med"),
        ("finnes-ikke", {}, "finnes-ikke"),
    ],
)
def test_wrong_tool_form_is_refused_and_nothing_written(world: World, tool_id, form, fragment) -> None:
    case = world.open_case()
    with pytest.raises(InvalidInput) as exc:
        note(world, case.id, "", tool_id=tool_id, form=form)
    assert exc.value.message.startswith("Skjemaet er ikke riktig utfylt: ")
    assert fragment in exc.value.message
    assert len(entries(world, case.id)) == 1
