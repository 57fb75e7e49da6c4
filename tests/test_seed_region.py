"""The region data set (``stafett demo seed --scale region``) at 1 % of its size, on the suite's backend:
its sizes, its fødselsnummer, its audit chains, the domain's rules on every case, and the policy on it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from configs import REGION_CONFIG
from contracts import Level
from core import audit
from core.cli import main
from core.config import load_config
from core.domain.national_id import is_synthetic, validate
from core.errors import NotFound
from core.platform import Platform
from core.seed_region.tables import TABLES, fast_processor
from core.services.people import actor_for
from core.services.readable import consent_in_force
from core.storage import models as m
from core.storage.database import Database

FRACTION = 0.01
BIG_UNIT, SMALL_UNIT = "storvika-helsestasjon", "storvika-sfo"


@pytest.fixture(scope="module")
def seeded(_template, backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """One database for the module, seeded once through the command line; (url, the command's output)."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("region") / "stafett.db"
        shutil.copyfile(_template, path)
        url, name = f"sqlite:///{path}", None
    else:
        name = _template.create()
        url = _template.url(name)
    try:
        result = CliRunner().invoke(
            main,
            ["demo", "seed", "--scale", "region", "--fraction", str(FRACTION), "--database-url", url],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        yield url, result.output
    finally:
        if name is not None:
            _template.drop(name)


@pytest.fixture(scope="module")
def db(seeded: tuple[str, str]) -> Iterator[Database]:
    database = Database(seeded[0])
    try:
        yield database
    finally:
        database.dispose()


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def test_sizes_are_the_region_scaled_down(seeded: tuple[str, str], db: Database) -> None:
    """1 % of 60,000 children, 20,000 cases, 1,000,000 entries, 5,000,000 audit events, 25 municipalities."""
    assert count(db, "SELECT count(*) FROM municipality") == 25
    assert 580 <= count(db, "SELECT count(*) FROM person WHERE kind = 'child'") <= 640
    cases = count(db, 'SELECT count(*) FROM "case"')
    assert 190 <= cases <= 215
    entries = count(db, "SELECT count(*) FROM log_entry")
    assert 40 * cases <= entries <= 65 * cases
    assert count(db, "SELECT count(*) FROM audit_event") >= 5 * entries
    assert count(db, "SELECT count(*) FROM guardianship") >= 600
    output = seeded[1]  # the summary table the operator reads
    assert "loggføringer per sekund" in output and "revisjonshendelser" in output
    assert f"{entries:,}".replace(",", " ") in output


def test_the_mix_of_levels_and_units_is_realistic(db: Database) -> None:
    by_level = {level: count(db, f'SELECT count(*) FROM "case" WHERE level = {level}') for level in range(4)}
    assert by_level[0] + by_level[1] > 2 * (by_level[2] + by_level[3]) > 0
    assert by_level[2] > by_level[3] > 0
    big = count(db, f"SELECT count(*) FROM \"case\" WHERE owner_unit_id = '{BIG_UNIT}' AND status = 'open'")
    small = count(
        db, f"SELECT count(*) FROM \"case\" WHERE owner_unit_id = '{SMALL_UNIT}' AND status = 'open'"
    )
    assert (big, small) == (20, 1)  # 2,000 and 20 at full scale
    assert count(db, "SELECT count(*) FROM consent WHERE withdrawn_at IS NOT NULL") > 0
    assert count(db, "SELECT count(*) FROM measure_evaluation") > 0
    assert count(db, "SELECT count(*) FROM handover WHERE status = 'accepted'") > 0
    assert count(db, "SELECT count(*) FROM meeting WHERE kind = 'coordination'") >= 1


def test_every_fodselsnummer_is_a_distinct_valid_synthetic_number(db: Database) -> None:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT national_id, birth_date FROM person WHERE national_id IS NOT NULL")
        ).all()
    numbers = [r[0] for r in rows]
    assert len(numbers) == len(set(numbers)) > 1500
    for number, born in rows:
        assert is_synthetic(number)
        assert str(validate(number, allow_synthetic=True).birth_date) == str(born)[:10]


def test_audit_verify_passes_on_the_seeded_chains(seeded: tuple[str, str], db: Database) -> None:
    result = CliRunner().invoke(
        main, ["audit", "verify", "--config", str(REGION_CONFIG), "--database-url", seeded[0]]
    )
    assert result.exit_code == 0, result.output
    events = count(db, "SELECT count(*) FROM audit_event")
    with db.session() as session:
        heads = session.scalars(select(m.AuditHeadRow)).all()
        assert all(audit.verify(session, h.municipality_id) == [] for h in heads)
    assert sum(h.seq for h in heads) == events


def test_the_domain_rules_hold_on_every_case(db: Database) -> None:
    now = dt.datetime.now(dt.UTC)
    with db.session() as session:
        cases = session.scalars(select(m.CaseRow)).all()
        members = {(r.person_id, r.unit_id) for r in session.scalars(select(m.UnitMembershipRow))}
        covered = {
            (c.case_id, u)
            for c, u in session.execute(
                select(m.ConsentRow, m.ConsentUnitRow.unit_id)
                .join(m.ConsentUnitRow, m.ConsentUnitRow.consent_id == m.ConsentRow.id)
                .where(consent_in_force(now))
            ).all()
        }
        participants = session.scalars(select(m.ParticipantRow).where(m.ParticipantRow.removed_at.is_(None)))
        on_consent: dict[str, list[str]] = {}
        for p in participants:
            if p.basis == "consent":
                on_consent.setdefault(p.case_id, []).append(p.unit_id)
        coordinated = set(
            session.scalars(select(m.MeetingRow.case_id).where(m.MeetingRow.kind == "coordination"))
        )
        seqs = dict(
            session.execute(select(m.LogEntryRow.case_id, func.count()).group_by(m.LogEntryRow.case_id)).all()
        )
        top = dict(
            session.execute(
                select(m.LogEntryRow.case_id, func.max(m.LogEntryRow.seq)).group_by(m.LogEntryRow.case_id)
            ).all()
        )
        givers = session.execute(
            select(m.ConsentRow.case_id, m.ConsentGiverRow.person_id, m.ConsentGiverRow.as_role).join(
                m.ConsentGiverRow, m.ConsentGiverRow.consent_id == m.ConsentRow.id
            )
        ).all()
        responsible = {
            (g.child_id, g.guardian_id)
            for g in session.scalars(
                select(m.GuardianshipRow).where(m.GuardianshipRow.parental_responsibility)
            )
        }
    subject = {c.id: c.subject_id for c in cases}
    for case in cases:
        assert seqs[case.id] == top[case.id]  # the log numbered 1..n without gaps
        if case.relay_holder_id is not None:
            assert (case.relay_holder_id, case.owner_unit_id) in members
        if case.level >= Level.COLLABORATE_TWO:
            assert case.relay_holder_id is not None
        if case.level == Level.COLLABORATE_MANY:
            assert case.id in coordinated
        if case.status == "open" and case.level >= Level.COLLABORATE_TWO:
            assert on_consent.get(case.id), case.id  # another service takes part…
            assert all((case.id, u) in covered for u in on_consent[case.id])  # …under consent in force
    for case_id, person_id, as_role in givers:  # the guardians with parental responsibility, or the youth
        if as_role == "guardian":
            assert (subject[case_id], person_id) in responsible
        else:
            assert as_role == "youth" and person_id == subject[case_id]


def test_the_policy_works_on_the_seeded_data(seeded: tuple[str, str]) -> None:
    """An employee of the big helsestasjon lists its open cases; a kindergarten's employee cannot open one."""
    platform = Platform.open(load_config(REGION_CONFIG), database_url=seeded[0])
    try:
        with platform.database.session() as session:
            nurse_id = session.scalars(
                select(m.UnitMembershipRow.person_id).where(m.UnitMembershipRow.unit_id == BIG_UNIT)
            ).first()
            outsider_id = session.scalars(
                select(m.UnitMembershipRow.person_id).where(
                    m.UnitMembershipRow.unit_id == "storvika-solsida-barnehage"
                )
            ).first()
            assert nurse_id and outsider_id
            nurse, outsider = actor_for(session, nurse_id), actor_for(session, outsider_id)
        with platform.work(nurse, "case.list_mine via API", read_only=True) as work:
            page, total = work.cases.overview(limit=50)
        assert total == 20 and len(page) == 20
        assert {line.case.owner_unit_id for line in page} == {BIG_UNIT}
        with platform.work(outsider, "case.read via API", read_only=True) as work, pytest.raises(NotFound):
            work.cases.get(page[0].case.id)
    finally:
        platform.close()


def test_fast_encoding_matches_the_column_types_own_processors() -> None:
    """The seed's shortcut for SQLite stores exactly what the ORM would store."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    samples = {
        "DateTime": [
            dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC),
            dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        ],
        "Date": [dt.date(2025, 3, 1)],
        "JSON": [{"a": [1, "æ"], "b": None}],
    }
    checked = 0
    for table in TABLES.values():
        for column in table.columns:
            fast = fast_processor(column.type, "sqlite")
            own = column.type.dialect_impl(dialect).bind_processor(dialect)
            if fast is None:
                continue
            for value in next(
                v
                for k, v in samples.items()
                if k in type(column.type).__name__ or k in type(column.type.dialect_impl(dialect)).__name__
            ):
                assert fast(value) == own(value), (table.name, column.name)
                checked += 1
    assert checked > 20


def test_region_config_numbers_are_fictional() -> None:
    ids = [mc.id for mc in load_config(REGION_CONFIG).municipalities]
    assert ids == [str(n) for n in range(9951, 9976)]


def test_the_indexes_dropped_for_the_load_are_back(db: Database) -> None:
    """The bulk load builds the big tables' secondary indexes again at the end, as migrations made them."""
    from sqlalchemy import inspect

    inspector = inspect(db.engine)
    names = {i["name"] for t in ("audit_event", "log_entry") for i in inspector.get_indexes(t)}
    expected = {i.name for t in ("audit_event", "log_entry") for i in TABLES[t].indexes}
    assert expected <= names, expected - names


def test_every_case_stores_its_earliest_active_evaluation(db: Database) -> None:
    """The bulk path writes tiltak too, so the triggers of migration 0019 keep the case's list order."""
    earliest = (
        "(SELECT min(next_evaluation_date) FROM measure "
        "WHERE measure.case_id = \"case\".id AND measure.status = 'active')"
    )
    assert count(db, 'SELECT count(*) FROM "case" WHERE next_evaluation_date IS NOT NULL') > 0
    differing = f'SELECT count(*) FROM "case" WHERE next_evaluation_date IS DISTINCT FROM {earliest}'
    if db.engine.dialect.name == "sqlite":
        differing = differing.replace("IS DISTINCT FROM", "IS NOT")
    assert count(db, differing) == 0


def test_the_small_seed_no_longer_runs_out_of_fodselsnummer(platform: Platform) -> None:
    """``stafett demo seed --children 2000`` used to fail on a repeated synthetic number."""
    from core.seed import seed

    report = seed(platform, children=2000, cases=0)
    assert report.children == 2000
