"""The OneRoster 1.2 import as a municipality sees it: who ends up where, idempotence, delta, refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from msgspec.structs import replace

from adapters.school import import_package
from adapters.school.records import RosterRefused
from core.config import DeploymentConfig, default_config
from core.domain.policy import Actor
from core.platform import Platform
from core.services.directory_sync import DirectoryReads
from core.storage import models as m
from core.storage.directory_models import SchoolClassRow, SchoolEnrollmentRow
from tests.oneroster import Roster

MUNICIPALITY = "9901"
ORGNR = "974760673"  # a valid organisasjonsnummer given to the configured Fjordvik skole in this test


@pytest.fixture
def config() -> DeploymentConfig:
    base = default_config()
    municipality = base.municipalities[0]
    units = [
        replace(u, organization_number=ORGNR) if u.id == "fjordvik-skole" else u for u in municipality.units
    ]
    return replace(base, municipalities=[replace(municipality, units=units)])


@pytest.fixture
def roster() -> Roster:
    roster = Roster.build(
        pupils=40, schools=2, pupils_per_class=10, subject_classes=1, kindergarten_children=6
    )
    roster.tables["orgs"]["skole-1"]["identifier"] = ORGNR
    return roster


def run(platform: Platform, roster: Roster, tmp_path: Path, name: str, since=None, **kwargs):
    return import_package(
        platform, roster.write(tmp_path / name, since), municipality_id=MUNICIPALITY, **kwargs
    )


def person(platform: Platform, national_id: str) -> m.PersonRow:
    with platform.database.session() as s:
        return s.scalars(sa.select(m.PersonRow).where(m.PersonRow.national_id == national_id)).one()


def nin(roster: Roster, sid: str) -> str:
    return roster.tables["users"][sid]["userIds"].split("{FNR:")[1].rstrip("}")


def snapshot(platform: Platform) -> dict[str, int]:
    """Row counts of every table: equal snapshots mean nothing was written."""
    with platform.database.session() as s:
        return {
            t.name: s.scalar(sa.select(sa.func.count()).select_from(t)) for t in m.Base.metadata.sorted_tables
        }


def system(platform: Platform):
    return platform.work(Actor.system(MUNICIPALITY), "test")


def test_a_package_becomes_units_pupils_guardians_and_contact_teachers(platform, roster, tmp_path) -> None:
    result = run(platform, roster, tmp_path, "bulk")
    counts = result.summary.counts
    assert (
        counts["children"]["created"] == 46 and counts["units"]["created"] == 2
    )  # skole-2 and the kindergarten
    with platform.database.session() as s:
        units = {u.name: u for u in s.scalars(sa.select(m.UnitRow))}
    assert units["Fjordvik skole"].organization_number == ORGNR  # matched by organisasjonsnummer, not created
    assert units["Fjordvik skole 2"].service_type == "skole"
    assert units["Solsida barnehage"].service_type == "barnehage"

    pupil = person(platform, nin(roster, "p1"))
    assert (pupil.kind, pupil.given_name) == ("child", roster.tables["users"]["p1"]["givenName"])
    with system(platform) as w:
        links = DirectoryReads(w).school_links(pupil.id)
        teachers = DirectoryReads(w).contact_teachers(pupil.id)
    assert [(link.unit_id, link.active) for link in links] == [("fjordvik-skole", True)]
    assert (
        len(teachers) == 1 and teachers[0].class_name == "Klasse 1"
    )  # the homeroom's teacher, not the subject's
    relative, p3 = person(platform, nin(roster, "g3b")), person(platform, nin(roster, "p3"))
    with platform.database.session() as s:
        teacher = s.get(m.PersonRow, teachers[0].teacher_id)
        assert teacher.kind == "employee" and teacher.email == "t-k-skole-1-0@fjordvik.example"
        assert s.get(m.UnitMembershipRow, (teacher.id, "fjordvik-skole")).role == "employee"
        principal = s.scalars(
            sa.select(m.PersonRow).where(m.PersonRow.email.like("t-skole-1-rektor@%"))
        ).one()
        assert s.get(m.UnitMembershipRow, (principal.id, "fjordvik-skole")).role == "unit_leader"
        guardians = s.execute(
            sa.select(m.PersonRow.email, m.GuardianshipRow.parental_responsibility)
            .join(m.GuardianshipRow, m.GuardianshipRow.guardian_id == m.PersonRow.id)
            .where(m.GuardianshipRow.child_id == pupil.id)
            .order_by(m.PersonRow.email)
        ).all()
        assert [g.email for g in guardians] == ["g1a@foresatt.example", "g1b@foresatt.example"]
        assert all(g.parental_responsibility for g in guardians)
        link = s.get(m.GuardianshipRow, (p3.id, relative.id))
        assert link.parental_responsibility is False  # role "relative": a guardian without foreldreansvar


def test_importing_the_same_package_twice_changes_nothing(platform, roster, tmp_path) -> None:
    run(platform, roster, tmp_path, "first")
    before = snapshot(platform)
    again = run(platform, roster, tmp_path, "second")
    assert again.summary.total("created") == again.summary.total("updated") == 0
    assert again.summary.total("deactivated") == 0 and again.summary.total("unchanged") > 0
    assert snapshot(platform) == before  # not even an audit event


def test_a_delta_moves_a_pupil_who_keeps_their_case(platform, world, roster, tmp_path) -> None:
    run(platform, roster, tmp_path, "bulk")
    since = roster.tick()
    pupil = person(platform, nin(roster, "p1"))
    with world.as_(world.teacher, "undring") as w:
        case = w.cases.open_case(subject_id=pupil.id, unit_id="fjordvik-skole", observation="Virker sliten.")
    # p1 moves to skole-2 (role and homeroom change); a teacher leaves; a guardian changes e-mail
    roster.delete("roles", "r-p1-skole-1-student")
    roster.put(
        "roles",
        "r-p1-skole-2-student",
        userSourcedId="p1",
        roleType="primary",
        role="student",
        orgSourcedId="skole-2",
    )
    for class_sid in ("k-skole-1-0", "k-skole-1-0-f0"):
        roster.delete("enrollments", f"e-{class_sid}-p1")
    roster.put(
        "enrollments",
        "e-k-skole-2-0-p1",
        classSourcedId="k-skole-2-0",
        schoolSourcedId="skole-2",
        userSourcedId="p1",
        role="student",
        primary="false",
    )
    roster.delete("users", "t-k-skole-1-0-f0")
    roster.put("users", "g1a", **(roster.tables["users"]["g1a"] | {"email": "ny@foresatt.example"}))
    result = run(platform, roster, tmp_path, "delta", since=since)

    counts = result.summary.counts
    assert counts["school_links"]["created"] == 1 and counts["school_links"]["deactivated"] == 1
    assert counts["guardians"]["updated"] == 1 and counts["employees"]["deactivated"] == 1
    assert person(platform, nin(roster, "p1")).id == pupil.id
    with system(platform) as w:
        links = {link.unit_id: link.active for link in DirectoryReads(w).school_links(pupil.id)}
        teachers = DirectoryReads(w).contact_teachers(pupil.id)
    assert links == {"fjordvik-skole": False, "fjordvik-skole-2": True}
    assert [t.unit_id for t in teachers] == ["fjordvik-skole-2"]
    with world.as_(world.teacher, "les") as w:
        assert w.cases.get(case.id).subject_id == pupil.id  # the case is untouched by the move
    with platform.database.session() as s:
        leaver = s.scalars(sa.select(m.PersonRow).where(m.PersonRow.email.like("t-k-skole-1-0-f0@%"))).one()
        assert leaver.active is False
        assert s.get(m.UnitMembershipRow, (leaver.id, "fjordvik-skole")) is None


def test_a_pupil_missing_from_a_bulk_package_loses_the_school_link_only(platform, roster, tmp_path) -> None:
    run(platform, roster, tmp_path, "first")
    pupil = person(platform, nin(roster, "p2"))
    for file, sid in [("users", "p2"), ("roles", "r-p2-skole-1-student"), ("demographics", "p2")]:
        del roster.tables[file][sid]
    for sid in [s for s, r in roster.tables["enrollments"].items() if r["userSourcedId"] == "p2"]:
        del roster.tables["enrollments"][sid]
    for g in ("g2a", "g2b"):
        roster.tables["users"][g]["agentSourcedIds"] = ""
    result = run(platform, roster, tmp_path, "second")
    assert result.summary.counts["children"]["deactivated"] == 1
    assert result.summary.counts["school_links"]["deactivated"] == 1
    assert person(platform, nin(roster, "p1")).active  # others untouched
    with platform.database.session() as s:
        still = s.get(m.PersonRow, pupil.id)
        assert still is not None and still.active  # the child still exists for other services
        link = s.get(SchoolEnrollmentRow, (pupil.id, "fjordvik-skole"))
        assert link.active is False and link.ended_at is not None


def test_a_class_marked_tobedeleted_ends_its_memberships(platform, roster, tmp_path) -> None:
    run(platform, roster, tmp_path, "bulk")
    since = roster.tick()
    roster.delete("classes", "k-skole-1-0")
    result = run(platform, roster, tmp_path, "delta", since=since)
    assert result.summary.counts["classes"]["deactivated"] == 1
    assert result.summary.counts["class_members"]["deactivated"] == 11  # ten pupils and their teacher
    with platform.database.session() as s:
        assert (
            s.scalars(
                sa.select(SchoolClassRow).where(
                    SchoolClassRow.name == "Klasse 1", SchoolClassRow.unit_id == "fjordvik-skole"
                )
            )
            .one()
            .active
            is False
        )


def test_a_wrong_package_is_refused_whole_with_file_line_and_reason(platform, roster, tmp_path) -> None:
    run(platform, roster, tmp_path, "first")
    before = snapshot(platform)
    good = nin(roster, "p3")
    bad = good[:10] + str((int(good[10]) + 1) % 10)
    roster.tables["users"]["p3"]["userIds"] = roster.tables["users"]["p3"]["userIds"].replace(good, bad)
    roster.tables["users"]["p4"]["givenName"] = "Endret"  # a good change that must not be saved either
    roster.put(
        "enrollments",
        "e-x",
        classSourcedId="finnes-ikke",
        schoolSourcedId="skole-1",
        userSourcedId="p5",
        role="student",
        primary="false",
    )
    roster.put("roles", "r-x", userSourcedId="p5", roleType="primary", role="rektor", orgSourcedId="skole-1")
    path = roster.write(tmp_path / "bad")
    with pytest.raises(RosterRefused) as refused:
        import_package(platform, path, municipality_id=MUNICIPALITY)
    text = "\n".join(map(str, refused.value.problems))
    users_line = 1 + [r["sourcedId"] for r in roster.rows("users")].index("p3") + 1
    assert f"users.csv:{users_line}: fødselsnummeret til «p3» er ugyldig: Kontrollsifferet" in text
    assert "«rektor» er ikke en gyldig verdi for role" in text
    assert "viser til klassen «finnes-ikke», som ikke finnes i pakken eller fra før" in text
    assert refused.value.total == 3
    assert snapshot(platform) == before
    assert person(platform, nin(roster, "p4")).given_name != "Endret"


def test_a_missing_required_column_is_named(platform, roster, tmp_path) -> None:
    path = roster.write(tmp_path / "pkg")
    text = (
        (path / "orgs.csv")
        .read_text()
        .replace("sourcedId,status,dateLastModified,name,type", "sourcedId,status,dateLastModified,name,kind")
    )
    (path / "orgs.csv").write_text(text)
    before = snapshot(platform)
    with pytest.raises(RosterRefused) as refused:
        import_package(platform, path, municipality_id=MUNICIPALITY)
    assert "orgs.csv:1: den påkrevde kolonnen «type» mangler" in str(refused.value)
    assert snapshot(platform) == before


def test_a_dry_run_counts_but_saves_nothing(platform, roster, tmp_path) -> None:
    before = snapshot(platform)
    result = run(platform, roster, tmp_path, "pkg", dry_run=True)
    assert result.dry_run and result.summary.counts["children"]["created"] == 46
    assert snapshot(platform) == before


def test_synthetic_numbers_are_refused_where_the_municipality_does_not_allow_them(
    platform, roster, tmp_path
) -> None:
    municipality = platform.config.municipalities[0]
    platform.config = replace(
        platform.config, municipalities=[replace(municipality, allow_synthetic_national_ids=False)]
    )
    with pytest.raises(RosterRefused) as refused:
        run(platform, roster, tmp_path, "pkg")
    assert "Syntetiske fødselsnumre" in str(refused.value)


def test_a_manifest_naming_a_file_the_package_lacks_is_refused_in_words(platform, roster, tmp_path) -> None:
    path = roster.write(tmp_path / "pkg")
    (path / "users.csv").unlink()  # the manifest still says file.users=bulk
    before = snapshot(platform)
    with pytest.raises(RosterRefused) as refused:
        import_package(platform, path, municipality_id=MUNICIPALITY)
    assert "manifest.csv: file.users er «bulk», men users.csv finnes ikke i pakken" in str(refused.value)
    assert snapshot(platform) == before


def test_a_package_in_windows_1252_is_read_and_one_in_neither_encoding_names_file_and_line(
    platform, roster, tmp_path
) -> None:
    roster.tables["users"]["p3"]["givenName"] = "Åse Bjørg"
    path = roster.write(tmp_path / "cp1252")
    for name in ("users.csv", "orgs.csv"):
        text = (path / name).read_text(encoding="utf-8")
        (path / name).write_bytes(text.encode("cp1252"))
    import_package(platform, path, municipality_id=MUNICIPALITY)
    assert person(platform, nin(roster, "p3")).given_name == "Åse Bjørg"

    broken = roster.write(tmp_path / "broken")
    lines = (broken / "users.csv").read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b",", b",\x81", 1)  # 0x81: invalid in UTF-8 and undefined in Windows-1252
    (broken / "users.csv").write_bytes(b"\n".join(lines))
    with pytest.raises(RosterRefused) as refused:
        import_package(platform, broken, municipality_id=MUNICIPALITY)
    assert "users.csv:5: filen er verken UTF-8 (feil fra linje 5) eller Windows-1252 (byte 0x81)" in str(
        refused.value
    )


def test_deleting_a_class_and_its_enrollments_counts_each_ended_membership_once(
    platform, roster, tmp_path
) -> None:
    run(platform, roster, tmp_path, "bulk")
    since = roster.tick()
    roster.delete("classes", "k-skole-1-0")
    for sid, row in list(roster.tables["enrollments"].items()):
        if row["classSourcedId"] == "k-skole-1-0":
            roster.delete("enrollments", sid)  # what school systems send with the class's tombstone
    result = run(platform, roster, tmp_path, "delta", since=since)
    assert result.summary.counts["class_members"]["deactivated"] == 11  # ten pupils and their teacher


def only_school(roster: Roster, school: str) -> Roster:
    """The package a school system exporting per school sends: one school's orgs, people and links."""
    single = Roster(now=roster.now)
    keep_users = {r["userSourcedId"] for r in roster.tables["roles"].values() if r["orgSourcedId"] == school}
    for file, rows in roster.tables.items():
        for sid, row in rows.items():
            keep = {
                "orgs": sid in (school, "fjordvik"),
                "roles": row.get("orgSourcedId") == school,
                "classes": row.get("schoolSourcedId") == school,
                "enrollments": row.get("schoolSourcedId") == school,
                "courses": row.get("orgSourcedId") == school,
                "users": sid in keep_users,
                "demographics": sid in keep_users,
            }.get(file, True)
            if keep:
                single.tables[file][sid] = dict(row)
    return single


def active_links(platform: Platform) -> int:
    with platform.database.session() as s:
        return s.scalar(sa.select(sa.func.count()).where(SchoolEnrollmentRow.active)) or 0


def test_a_single_schools_bulk_package_replaces_only_the_scope_the_source_declared(
    platform, roster, tmp_path
) -> None:
    from adapters.school.run import declare_source
    from tests.oneroster import SYSTEM

    run(platform, roster, tmp_path, "all")
    links = active_links(platform)
    single = only_school(roster, "skole-1")
    before = snapshot(platform)
    with pytest.raises(RosterRefused) as refused:
        run(platform, single, tmp_path, "one")  # it would end every link at skole-2 and the kindergarten
    assert "pakken ville avslutte" in str(refused.value) and "--allow-mass-end" in str(refused.value)
    assert snapshot(platform) == before
    trial = run(platform, single, tmp_path, "one-trial", allow_mass_end=True, dry_run=True)
    assert trial.summary.counts["school_links"]["deactivated"] == 26  # what the flag lets happen

    declare_source(platform, SYSTEM, municipality_id=MUNICIPALITY, owns=["skole-1"])
    result = run(platform, single, tmp_path, "one-scoped")
    assert result.summary.counts["school_links"].get("deactivated", 0) == 0
    assert result.summary.counts["employees"].get("deactivated", 0) == 0
    assert active_links(platform) == links  # skole-2 and the kindergarten keep theirs

    gone = next(r["userSourcedId"] for r in single.rows("roles") if r["role"] == "student")
    del single.tables["users"][gone]
    for sid in [s for s, r in single.tables["roles"].items() if r["userSourcedId"] == gone]:
        del single.tables["roles"][sid]
    run(platform, single, tmp_path, "one-less")  # inside its scope the package is still the truth
    assert active_links(platform) == links - 1


def test_a_fodselsnummer_in_users_identifier_is_read_where_the_source_is_declared_to_put_it_there(
    platform, roster, tmp_path
) -> None:
    from adapters.school.run import declare_source
    from tests.oneroster import SYSTEM

    number = nin(roster, "p3")
    user = roster.tables["users"]["p3"]
    user["userIds"], user["identifier"] = "", number
    with pytest.raises(RosterRefused):
        run(platform, roster, tmp_path, "undeclared")
    declare_source(platform, SYSTEM, municipality_id=MUNICIPALITY, national_id_in_identifier=True)
    run(platform, roster, tmp_path, "declared")
    assert person(platform, number).given_name == user["givenName"]

    user["identifier"] = number[:10] + str((int(number[10]) + 1) % 10)
    with pytest.raises(RosterRefused) as refused:
        run(platform, roster, tmp_path, "bad-digit")
    assert "fødselsnummeret til «p3» er ugyldig: Kontrollsifferet" in str(refused.value)


def test_an_employees_hpr_number_comes_from_user_ids(platform, roster, tmp_path) -> None:
    teacher = next(sid for sid in roster.tables["users"] if sid.startswith("t-k-skole-1-0"))
    roster.tables["users"][teacher]["userIds"] += ",{HPR:9144889}"
    run(platform, roster, tmp_path, "hpr")
    with platform.database.session() as s:
        numbers = s.scalars(
            sa.select(m.PersonRow.hpr_number).where(m.PersonRow.hpr_number.is_not(None))
        ).all()
    assert numbers == ["9144889"]
    roster.tables["users"][teacher]["userIds"] = roster.tables["users"][teacher]["userIds"].replace(
        "9144889", "91448-89"
    )
    with pytest.raises(RosterRefused, match="HPR-nummeret til"):
        run(platform, roster, tmp_path, "bad-hpr")
