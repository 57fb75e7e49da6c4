"""Bekymringsmelding to barnevern through KS Fiks: built from a real case, checked against KS's own
published schema (``../shared/specs/fiks-bekymringsmelding-v2``), delivered through the outbox to a
drop folder exactly once, receipts recorded, and what the family and innsyn show of it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from adapters.fiks import message
from adapters.fiks.senders import FiksSender, collect_drop_receipts
from contracts import LogEntryKind, OutboxStatus, ReportStatus
from core.app import create_app
from core.auth import issue_token
from core.config import DeploymentConfig, default_config
from core.errors import Forbidden, InvalidInput, NotFound
from core.outbox import RetryPolicy
from core.outbox_worker import run_reports
from core.platform import Platform
from core.services.reports import ReportInput
from core.storage.models import AuditEventRow
from core.storage.outbox_models import OutboxRow
from tests.conftest import CHILD_WELFARE, HEALTH, PPT, SCHOOL, Clock, World

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs" / "fiks-bekymringsmelding-v2"
WORRY = "Ola har blåmerker på armene og sier han er redd for å gå hjem."


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return tmp_path / "barnevern-drop"


def fiks_config(receiver: dict[str, str]) -> DeploymentConfig:
    """The demo municipality with the fiks plugin on and its barnevern taking reports as ``receiver`` says."""
    base = default_config()
    municipality = base.municipalities[0]
    units = [
        msgspec.structs.replace(u, adapters={"fiks": receiver}) if u.id == CHILD_WELFARE else u
        for u in municipality.units
    ]
    municipality = msgspec.structs.replace(municipality, plugins=["bti-standard", "fiks"], units=units)
    return msgspec.structs.replace(base, municipalities=[municipality])


@pytest.fixture
def config(drop: Path) -> DeploymentConfig:
    """Barnevern takes reports in a drop folder."""
    return fiks_config({"receiver": f"file:{drop}"})


@pytest.fixture
def sender(platform: Platform) -> Iterator[FiksSender]:
    s = FiksSender(platform)
    yield s
    s.close()


def form(**changes) -> ReportInput:
    base = ReportInput(
        worry=WORRY,
        history="Samtaler med Ola og kontaktlærer over tre uker.",
        guardians_informed=False,
        guardians_not_informed_reason="Å orientere foreldrene kan sette Ola i fare.",
        reporter_role="Kontaktlærer",
        reporter_phone="+47 912 34 567",
        reporter_email="tina.ansatt@fjordvik.kommune.no",
        unit_address="Skoleveien 1",
        unit_postal_code="4700",
        unit_postal_town="Fjordvik",
        child_address="Fjordgata 2",
        child_postal_code="4701",
        child_postal_town="Fjordvik",
    )
    return msgspec.structs.replace(base, **changes)


def case_with_history(world: World) -> tuple[str, str]:
    """A real case: level 1, a tiltak evaluated; returns the case and the measure."""
    case_id = world.open_case().id
    world.level_1(case_id)
    measure = world.measure(case_id, "Fast friminuttsvenn", "Ola leker med andre tre friminutt i uka.")
    with world.as_(world.teacher) as w:
        w.measures.evaluate(measure.id, outcome="partly", summary="Bedre, men fortsatt alene noen dager.")
    return case_id, measure.id


def send(world: World, case_id: str, **changes):
    with world.as_(world.teacher, "case.send_report via API") as w:
        return w.reports.send(case_id, form(**changes))


def delivered(drop: Path) -> list[Path]:
    return sorted(
        p for p in drop.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "kvitteringer"
    )


def test_a_report_from_a_real_case_validates_against_ks_schema(
    world: World, platform: Platform, sender: FiksSender, drop: Path
) -> None:
    drop.mkdir()
    case_id, measure_id = case_with_history(world)
    reason = "Far har truet Ola.\nÅ orientere kan sette ham i fare."  # KS's reasons are one line
    summary = send(world, case_id, measure_ids=[measure_id], guardians_not_informed_reason=reason)
    assert (summary.receiver_unit_id, summary.status) == (CHILD_WELFARE, ReportStatus.QUEUED)
    [done] = run_reports(platform, sender)
    assert done.status is OutboxStatus.DELIVERED
    [folder] = delivered(drop)
    body = json.loads((folder / "bekymringsmelding.json").read_text(encoding="utf-8"))
    ks = message.validator(SPECS)  # KS's published copies, not the adapter's
    assert message.problems(body, ks) == []
    assert body["kommunenummer"] == "9901" and body["offentligBarn"][0]["personnavn"] == "Ola Fjord"
    assert body["offentligMelder"]["virksomhet"]["navn"] == "Fjordvik skole"
    assert (
        "Fast friminuttsvenn" in body["melding"]["historie"] and "delvis nådd" in body["melding"]["historie"]
    )
    assert [f["personnavn"] for f in body["foresatte"]] == ["Kari Fjord", "Per Fjord"]
    assert body["foresatte"][0]["orientert"] is False
    assert body["foresatte"][0]["orientertGrunn"] == "Far har truet Ola. Å orientere kan sette ham i fare."
    assert (folder / "bekymringsmelding.pdf").read_bytes().startswith(b"%PDF")
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["meldingType"] == message.MESSAGE_TYPE and meta["headere"]["klientMeldingId"] == summary.id
    # the adapter validates against copies of KS's files: they are KS's, unchanged
    for name in ("offentlig.bekymringsmelding.v2.json", "adresse.json"):
        ours = Path(message.__file__).parent / "schema" / name
        assert ours.read_bytes() == (SPECS / name).read_bytes()
    # KS's own example validates too: the schema is loaded as KS means it
    example = json.loads((SPECS / "offentligBekymringsmeldingV2.json").read_text(encoding="utf-8"))
    assert message.problems(example, ks) == []


def test_a_broken_report_is_refused_with_the_field_named(world: World, platform: Platform) -> None:
    case_id, _ = case_with_history(world)
    summary = send(world, case_id)
    with world.system() as w:
        report = w.reports.content(summary.id)
    body = message.build(report)
    del body["offentligMelder"]["telefonnummer"]
    assert [p for p, _ in message.problems(body, message.validator(SPECS))] == [
        "offentligMelder.telefonnummer"
    ]
    with pytest.raises(message.MessageRefused) as refused:
        message.check(body)
    assert refused.value.field == "offentligMelder.telefonnummer"
    assert "offentligMelder.telefonnummer" in refused.value.message
    # the service refuses what KS would refuse before anything is stored, naming the field
    for changes, field in [
        ({"reporter_phone": "ring meg"}, "reporter_phone"),
        ({"guardians_not_informed_reason": ""}, "guardians_not_informed_reason"),
        ({"worry": " "}, "worry"),
        ({"child_address": ""}, "child_address"),
        ({"reporter_email": "tina+bv@fjordvik.no"}, "reporter_email"),  # KS's pattern takes no "+"
        ({"reporter_role": "K" * 301}, "reporter.role"),
    ]:
        with pytest.raises(InvalidInput) as bad:
            send(world, case_id, **changes)
        assert bad.value.field == field
    with world.as_(world.teacher) as w:
        assert len(w.reports.list(case_id)) == 1


def test_the_api_refuses_a_report_missing_a_required_field(world: World, platform: Platform) -> None:
    case_id, _ = case_with_history(world)
    body = msgspec.to_builtins(form())
    del body["worry"]
    token = issue_token(platform, world.teacher)
    with TestClient(app=create_app(platform)) as client:
        answer = client.post(
            f"/api/v1/cases/{case_id}/reports", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 400 and "worry" in answer.text
        answer = client.post(
            f"/api/v1/cases/{case_id}/reports",
            json={**body, "worry": WORRY},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["legal_basis"] == "barnevernsloven § 13-2"


def test_receiver_down_then_up_arrives_exactly_once_with_its_receipt(
    world: World, platform: Platform, sender: FiksSender, drop: Path, clock: Clock
) -> None:
    case_id, _ = case_with_history(world)
    summary = send(world, case_id)
    policy = RetryPolicy(first_delay=dt.timedelta(seconds=30))
    [failed] = run_reports(platform, sender, policy=policy)  # the drop folder is not there: down
    assert failed.status is OutboxStatus.PENDING and "finnes ikke" in failed.last_error
    assert run_reports(platform, sender, policy=policy) == []  # not due before the back-off
    drop.mkdir()
    clock.advance(seconds=31)
    [done] = run_reports(platform, sender, policy=policy)
    assert done.status is OutboxStatus.DELIVERED
    assert run_reports(platform, sender, policy=policy) == []
    # a worker that died after sending, before recording: the message is due again, and still arrives once
    with platform.database.session() as session, session.begin():
        session.execute(update(OutboxRow).values(status="pending", next_attempt_at=clock.now))
    run_reports(platform, sender, policy=policy)
    assert [p.name for p in delivered(drop)] == [summary.id]
    with world.as_(world.teacher) as w:
        [report] = w.reports.list(case_id)
    assert report.status is ReportStatus.DELIVERED and report.delivered_at == clock.now

    # barnevern's system answers mottatt; the same receipt twice is recorded once
    receipts = drop / "kvitteringer"
    receipts.mkdir()
    (receipts / f"{summary.id}.{message.RECEIVED_TYPE}.json").write_text("{}")
    assert collect_drop_receipts(platform) == [(summary.id, message.RECEIVED_TYPE)]
    (receipts / f"{summary.id}.{message.RECEIVED_TYPE}.json").write_text("{}")
    assert collect_drop_receipts(platform) == []
    with world.as_(world.teacher) as w:
        [report] = w.reports.list(case_id)
        log = w.log.entries(case_id)
    assert report.status is ReportStatus.RECEIVED
    kinds = [e.kind for e in log]
    assert kinds.count(LogEntryKind.CHILD_WELFARE_REPORT) == 1
    assert kinds.count(LogEntryKind.CHILD_WELFARE_RECEIPT) == 1
    with platform.database.session() as session:
        outcomes = session.scalars(
            select(AuditEventRow.outcome)
            .where(AuditEventRow.action == "case.send_report", AuditEventRow.actor_kind == "system")
            .where(AuditEventRow.outcome != "allowed")
            .order_by(AuditEventRow.seq)
        ).all()
    assert outcomes == ["failed", "delivered", "delivered", "received"]


def test_a_feilet_receipt_is_recorded_on_the_case(
    world: World, platform: Platform, sender: FiksSender, drop: Path
) -> None:
    drop.mkdir()
    case_id, _ = case_with_history(world)
    summary = send(world, case_id)
    run_reports(platform, sender)
    (drop / "kvitteringer").mkdir()
    shutil.copy(
        SPECS / "feilmelding.json", drop / "kvitteringer" / f"{summary.id}.{message.FAILED_TYPE}.json"
    )
    collect_drop_receipts(platform)
    with world.as_(world.teacher) as w:
        [report] = w.reports.list(case_id)
    assert report.status is ReportStatus.FAILED
    assert report.receipt_error == "Kunne ikke parse JSON-filen bekymringsmelding.json"


def test_the_family_sees_that_information_was_given_and_nothing_of_the_report(
    world: World, platform: Platform
) -> None:
    case_id, _ = case_with_history(world)
    send(world, case_id)
    with world.as_(world.mother) as w:
        family_log = w.log.family_entries(case_id)
        readers = w.access_log.readers(case_id)
    assert all(e.kind is not LogEntryKind.CHILD_WELFARE_REPORT for e in family_log)
    assert not any(WORRY in (e.text or "") for e in family_log)
    disclosures = [r for r in readers if r.action == "case.send_report"]
    assert len(disclosures) == 1  # the worker that carried it is the same disclosure, not another
    [given] = disclosures
    assert given.reader_id == world.teacher and "Fjordvik skole" in given.units
    assert "barnevernsloven § 13-2" in given.purpose and "bekymringsmelding" in given.purpose
    assert WORRY not in msgspec.json.encode(readers).decode()
    # nor can the family read the reports' list (employees only)
    with pytest.raises(Forbidden), world.as_(world.mother) as w:
        w.reports.list(case_id)


def test_a_youth_of_fifteen_is_a_party_and_sees_it_in_innsyn(world: World, platform: Platform) -> None:
    youth = world.add_child(world.aged(15), guardians=(world.mother,))
    case_id = world.open_case(youth).id
    with pytest.raises(InvalidInput) as missing:
        send(world, case_id)  # a party: whether the youth is told must be answered
    assert missing.value.field == "child_not_informed_reason"
    summary = send(world, case_id, child_informed=True)
    assert summary.youth_is_party
    with world.system() as w:
        report = w.reports.content(summary.id)
    assert report.child.party and "part i saken" in message.build(report)["melding"]["melding"]
    with world.as_(youth) as w:
        assert [r.action for r in w.access_log.readers(case_id)].count("case.send_report") == 1


def test_only_employees_with_a_role_in_the_case_send_one(world: World, platform: Platform) -> None:
    case_id, _ = case_with_history(world)
    world.join(case_id, PPT, lapsed=True)  # PPT took part; its consent is withdrawn
    with pytest.raises(NotFound), world.as_(world.nurse) as w:  # no role: not told the case exists
        w.reports.send(case_id, form(reporter_unit_id=HEALTH))
    with pytest.raises(Forbidden), world.as_(world.ppt) as w:
        w.reports.send(case_id, form(reporter_unit_id=PPT))
    with pytest.raises(InvalidInput) as other_unit, world.as_(world.teacher) as w:
        w.reports.send(case_id, form(reporter_unit_id=HEALTH))  # one may report only from one's own unit
    assert other_unit.value.field == "reporter_unit_id"
    summary = send(world, case_id, reporter_unit_id=SCHOOL)
    with pytest.raises(NotFound), world.as_(world.nurse) as w:
        w.reports.record_answer(summary.id, "opened")
    with world.as_(world.leader) as w:
        answered = w.reports.record_answer(summary.id, "not_opened", note="Henlagt etter samtale.")
        log = w.log.entries(case_id)
    assert answered.answer is not None and answered.answer.value == "not_opened"
    assert log[-1].kind is LogEntryKind.CHILD_WELFARE_ANSWER and not log[-1].shared_with_family
