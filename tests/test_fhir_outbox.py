"""Sharing under consent with a FHIR journal Stafett did not write: Medplum's router on loopback.

The peer validates every resource it receives with Medplum's validateResource (FHIR R4 structure
definitions and invariants) and refuses invalid ones, so every delivery below is also a check of
the mapping by an independent validator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import select

from adapters.fhir import delivery, mapping, scope
from adapters.fhir.delivery import FhirSender
from contracts import OutboxStatus
from core import outbox_worker as outbox
from core.app import create_app
from core.auth import issue_token
from core.cli import main
from core.config import DeploymentConfig, default_config
from core.outbox import OutboxService, RetryPolicy
from core.platform import Platform
from core.pluginhost import PluginHost
from core.storage.models import AuditEventRow
from tests.conftest import HEALTH, World
from tests.fhir_peer.peer import FhirPeer, ensure_installed


@pytest.fixture(scope="session")
def fhir_peer_installed() -> None:
    ensure_installed()


@pytest.fixture
def peer(fhir_peer_installed: None) -> Iterator[FhirPeer]:
    with FhirPeer() as p:
        yield p


@pytest.fixture
def config(peer: FhirPeer) -> DeploymentConfig:
    """The demo municipality, with the health station's journal at the peer."""
    return with_journal(default_config(), peer.base)


def with_journal(base: DeploymentConfig, url: str) -> DeploymentConfig:
    """The config with the health station's FHIR journal at ``url`` (its ``adapters.fhir`` table)."""
    [municipality, *others] = base.municipalities
    units = [
        msgspec.structs.replace(u, adapters={"fhir": {"url": url}}) if u.id == HEALTH else u
        for u in municipality.units
    ]
    return msgspec.structs.replace(
        base, municipalities=[msgspec.structs.replace(municipality, units=units), *others]
    )


@pytest.fixture
def sender(platform: Platform) -> Iterator[FhirSender]:
    s = FhirSender(platform, timeout=5)
    yield s
    s.close()


def shared_case(world: World, days: int = 365) -> str:
    """A case at level 1 with the health station taking part; the parents consent to sharing with it."""
    case = world.open_case()
    world.level_1(case.id)
    world.join(case.id, HEALTH, area="health", days=days)
    return case.id


def messages(world: World, status: str | None = None):
    with world.system("drift") as w:
        return OutboxService(w).list(status)


def note(world: World, case_id: str, text: str) -> None:
    with world.as_(world.teacher) as w:
        w.log.add_note(case_id, text)


def observations(world: World, case_id: str) -> int:
    """How many log entries the consent's one category ("observasjoner") lets the journal have."""
    with world.as_(world.teacher) as w:
        return sum(e.kind in scope.KINDS[scope.OBSERVATIONS] for e in w.log.entries(case_id))


def test_a_case_is_shared_once_consent_is_in_force_and_can_be_read_back(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    case_id = world.open_case().id
    world.level_1(case_id)
    world.consent(case_id, [HEALTH], area="health")
    assert messages(world) == []  # a consent is not enough: the health station does not take part yet
    with world.as_(world.teacher) as w:
        w.cases.add_participant(case_id, HEALTH)
    [pending] = messages(world, "pending")
    assert (pending.unit_id, pending.event_kind.value) == (HEALTH, "participant_added")

    [done] = outbox.run(platform, sender)
    assert done.status is OutboxStatus.DELIVERED

    [episode] = peer.search("EpisodeOfCare", identifier=f"urn:stafett:case|{case_id}")
    [patient] = peer.search("Patient", _id=episode["patient"]["reference"].split("/")[1])
    assert patient["name"][0]["given"] == ["Ola"]
    assert patient["identifier"][0]["system"] == mapping.FNR
    assert patient["meta"]["profile"] == [mapping.NO_BASIS + "Patient"]
    guardians = peer.search("RelatedPerson", patient=f"Patient/{patient['id']}")
    assert sorted(g["name"][0]["given"][0] for g in guardians) == ["Kari", "Nils", "Per"]
    [consent] = peer.search("Consent", patient=f"Patient/{patient['id']}")
    assert consent["status"] == "active"

    note(world, case_id, "Helsesøster kommer på besøk torsdag.")
    [done] = outbox.run(platform, sender)
    assert done.status is OutboxStatus.DELIVERED
    texts = [
        c["payload"][0]["contentString"]
        for c in peer.search("Communication", subject=f"Patient/{patient['id']}")
    ]
    assert "Helsesøster kommer på besøk torsdag." in texts
    assert len(texts) == observations(world, case_id)  # sent twice, stored once
    assert len(peer.search("Patient", identifier=f"{mapping.FNR}|{patient['identifier'][0]['value']}")) == 1
    with platform.database.session() as session:
        outcomes = session.scalars(
            select(AuditEventRow.outcome).where(
                AuditEventRow.case_id == case_id, AuditEventRow.action == "case.share"
            )
        ).all()
    assert outcomes.count("delivered") == 2 and outcomes.count("allowed") == 2  # consent checked, then sent


def test_peer_down_for_a_while_then_every_event_arrives_exactly_once(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    peer.stop()
    case_id = shared_case(world)
    note(world, case_id, "Første notat mens journalen er nede.")
    note(world, case_id, "Andre notat mens journalen er nede.")
    assert len(messages(world, "pending")) == 3

    failed = outbox.run(platform, sender)
    assert [m.status for m in failed] == [OutboxStatus.PENDING] * 3
    assert all("Fikk ikke kontakt" in m.last_error and m.attempts == 1 for m in failed)
    assert outbox.run(platform, sender) == []  # backing off: nothing is due yet
    world.clock.advance(seconds=31)
    assert [m.attempts for m in outbox.run(platform, sender)] == [2, 2, 2]

    peer.start()
    world.clock.advance(minutes=1)
    done = outbox.run(platform, sender)
    assert [m.status for m in done] == [OutboxStatus.DELIVERED] * 3
    assert outbox.run(platform, sender) == []
    world.clock.advance(hours=7)
    assert outbox.run(platform, sender) == []  # delivered messages are never sent again

    [episode] = peer.search("EpisodeOfCare", identifier=f"urn:stafett:case|{case_id}")
    patient = episode["patient"]["reference"]
    assert len(peer.search("Patient", _id=patient.split("/")[1])) == 1
    communications = peer.search("Communication", subject=patient)
    identifiers = [c["identifier"][0]["value"] for c in communications]
    assert len(identifiers) == len(set(identifiers)) == observations(world, case_id)


def test_withdrawn_consent_cancels_pending_deliveries_and_nothing_more_is_sent(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    case_id = shared_case(world)
    outbox.run(platform, sender)
    note(world, case_id, "Skrevet før samtykket ble trukket.")
    [pending] = messages(world, "pending")
    consent_id = next(c for c in world_consents(world, case_id)).id
    with world.as_(world.mother, "trekk samtykke") as w:
        w.consents.withdraw(consent_id, reason="Vi vil ikke dele mer")
    [cancelled] = [m for m in messages(world) if m.id == pending.id]
    assert cancelled.status is OutboxStatus.CANCELLED
    assert "samtykke" in cancelled.last_error.lower()

    note(world, case_id, "Skrevet etter at samtykket ble trukket.")
    [notice] = messages(world, "pending")  # only the withdrawal notice, which a later event leaves alone
    assert notice.event_kind.value == "consent_withdrawn"
    assert [m.status for m in outbox.run(platform, sender)] == [OutboxStatus.DELIVERED]
    received = peer.received()
    note(world, case_id, "Skrevet enda senere.")
    assert messages(world, "pending") == []
    assert outbox.run(platform, sender) == []
    assert peer.received() == received
    texts = [c["payload"][0]["contentString"] for c in peer.search("Communication", _count="1000")]
    assert not any("samtykket ble trukket" in t for t in texts)


def world_consents(world: World, case_id: str):
    with world.as_(world.teacher) as w:
        return w.consents.list(case_id)


def test_delivery_rechecks_consent_when_it_has_run_out(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    case_id = world.open_case().id
    world.level_1(case_id)
    world.join(case_id, HEALTH, area="health", days=10)
    world.clock.advance(days=11)  # the consent's period ends while the message waits
    [done] = outbox.run(platform, sender)
    assert done.status is OutboxStatus.CANCELLED
    assert peer.search("EpisodeOfCare", identifier=f"urn:stafett:case|{case_id}") == []
    with platform.database.session() as session:
        refused = session.scalars(
            select(AuditEventRow).where(AuditEventRow.case_id == case_id, AuditEventRow.outcome == "refused")
        ).all()
    assert [r.action for r in refused] == ["case.share"]


def test_a_malformed_answer_is_recorded_retried_and_dead_lettered_without_stopping_the_worker(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    shared_case(world)
    policy = RetryPolicy(max_attempts=2)
    peer.misbehave("garbage", 1)
    [first] = outbox.run(platform, sender, policy=policy)
    assert first.status is OutboxStatus.PENDING
    assert "uten gyldig JSON" in first.last_error

    peer.misbehave("not-bundle", 1)
    world.clock.advance(minutes=1)
    [dead] = outbox.run(platform, sender, policy=policy)
    assert dead.status is OutboxStatus.DEAD
    assert "ikke med en Bundle" in dead.last_error

    # an administrator sees the dead delivery and its error through the API, and retries it there
    base = "http://testserver.local"
    with TestClient(create_app(platform, public_url=base), base_url=base) as client:
        headers = {"Authorization": f"Bearer {issue_token(platform, world.admin, public_url=base)}"}
        listed = client.get("/api/v1/outbox?status=dead", headers=headers)
        assert listed.status_code == 200, listed.text
        [shown] = listed.json()["items"]
        assert shown["id"] == dead.id and "ikke med en Bundle" in shown["last_error"]
        retried = client.post(f"/api/v1/outbox/{dead.id}/retry", headers=headers)
        assert retried.status_code == 200 and retried.json()["status"] == "pending"
    [done] = outbox.run(platform, sender, policy=policy)
    assert done.status is OutboxStatus.DELIVERED


def test_outbox_command_lists_runs_and_retries(
    world: World, peer: FhirPeer, database_url: str, tmp_path: Path
) -> None:
    shared_case(world, days=3650)  # the command runs on the real clock, years after the test clock
    demo = Path(default_config().path).read_text(encoding="utf-8")
    config = tmp_path / "stafett.toml"
    unit = f'id = "{HEALTH}"\n'
    assert unit in demo
    config.write_text(
        demo.replace(unit, unit + f'adapters = {{ fhir = {{ url = "{peer.base}" }} }}\n'), encoding="utf-8"
    )
    args = ["--config", str(config), "--database-url", database_url]
    runner = CliRunner()
    listed = runner.invoke(main, ["outbox", *args, "--status", "pending"])
    assert listed.exit_code == 0, listed.output
    assert "1 melding(er)" in listed.output and "pending" in listed.output
    peer.misbehave("error", 1)
    ran = runner.invoke(main, ["outbox", *args, "run"])
    assert ran.exit_code == 0, ran.output
    assert "Leverte 0 av 1" in ran.output and "503" in ran.output
    bad = runner.invoke(main, ["outbox", *args, "--status", "lost"])
    assert bad.exit_code == 1 and "Ukjent status «lost»" in bad.output
    retry = runner.invoke(main, ["outbox", *args, "retry", "no-such-id"])
    assert retry.exit_code == 1 and "Fant ingen døde meldinger" in retry.output


@pytest.mark.parametrize(
    ("table", "fault"),
    [
        ({"url": "ftp://journal.example"}, "adapters.fhir"),  # the FHIR channel's schema refuses it
        ({"url": "https://journal.example", "tokn_env": "X"}, "tokn_env"),
    ],
)
def test_a_bad_journal_table_stops_the_start_naming_the_unit(table: dict, fault: str) -> None:
    config = with_journal(default_config(), "https://journal.example/fhir/R4")
    [municipality, *_] = config.municipalities
    units = [
        msgspec.structs.replace(u, adapters={"fhir": table}) if u.id == HEALTH else u
        for u in municipality.units
    ]
    config = msgspec.structs.replace(
        config, municipalities=[msgspec.structs.replace(municipality, units=units)]
    )
    with pytest.raises(ValueError, match=f"enhet «{HEALTH}».*{fault}"):
        PluginHost.load(config)


def test_a_table_for_a_channel_no_enabled_plugin_offers_stops_the_start() -> None:
    config = with_journal(default_config(), "https://journal.example/fhir/R4")
    [municipality, *others] = config.municipalities
    without_fhir = msgspec.structs.replace(
        municipality, plugins=[p for p in municipality.plugins if p != "fhir"]
    )
    config = msgspec.structs.replace(config, municipalities=[without_fhir, *others])
    with pytest.raises(ValueError, match="ingen av kommunens programtillegg gir en kanal med navnet «fhir»"):
        PluginHost.load(config)


def recording(sender: FhirSender, platform: Platform, sent: list[dict]):
    """The sender, keeping every transaction Bundle it posts (the body is built the same way)."""

    def send(msg, record) -> None:
        sent.append(delivery.transaction(record, now=platform.clock(), unit_id=msg.unit_id))
        sender(msg, record)

    return send


def test_a_delivery_carries_only_what_the_consent_covers(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    case_id = world.open_case().id
    world.level_1(case_id)
    note(world, case_id, "Skrevet før samtykkets periode.")
    world.measure(case_id, "Samtalegruppe", "Ola trives i friminuttene")  # tiltak: not in the consent
    world.clock.advance(days=2)
    world.join(case_id, HEALTH, area="health")  # categories: ["observasjoner"], from today
    note(world, case_id, "Skrevet mens samtykket gjelder.")
    sent: list[dict] = []
    assert {m.status for m in outbox.run(platform, recording(sender, platform, sent))} == {
        OutboxStatus.DELIVERED
    }
    body = msgspec.json.encode(sent).decode()
    assert "Skrevet mens samtykket gjelder." in body
    assert "Skrevet før samtykkets periode." not in body and "Virker trist" not in body
    assert "Samtalegruppe" not in body and '"Goal"' not in body and '"CarePlan"' not in body
    texts = [c["payload"][0]["contentString"] for c in peer.search("Communication", _count="1000")]
    assert texts == ["Skrevet mens samtykket gjelder."]
    assert peer.search("Goal", _count="1000") == [] and peer.search("CarePlan", _count="1000") == []
    for bundle in sent:
        for entry in bundle["entry"]:
            assert mapping.r4_fault(entry["resource"]) is None


def test_withdrawal_sends_the_inactive_consent_and_audits_the_cancellations(
    world: World, peer: FhirPeer, sender: FhirSender, platform: Platform
) -> None:
    case_id = shared_case(world)
    outbox.run(platform, sender)
    [active] = peer.search("Consent", _count="100")
    assert active["status"] == "active"
    note(world, case_id, "Skrevet før samtykket ble trukket.")
    [pending] = messages(world, "pending")
    consent_id = next(c for c in world_consents(world, case_id)).id
    world.clock.advance(days=3)
    with world.as_(world.mother, "trekk samtykke") as w:
        w.consents.withdraw(consent_id, reason="Vi vil ikke dele mer")
    [notice] = messages(world, "pending")
    assert notice.event_kind.value == "consent_withdrawn" and notice.id != pending.id
    with platform.database.session() as session:
        cancelled = session.scalars(
            select(AuditEventRow.reason).where(
                AuditEventRow.case_id == case_id,
                AuditEventRow.action == "case.share",
                AuditEventRow.outcome == "cancelled",
            )
        ).all()
    assert len(cancelled) == 1 and pending.id in cancelled[0]

    sent: list[dict] = []
    [done] = outbox.run(platform, recording(sender, platform, sent))
    assert done.status is OutboxStatus.DELIVERED
    [bundle] = sent
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} <= {
        "Patient",
        "RelatedPerson",
        "Organization",
        "Consent",
    }
    [withdrawn] = peer.search("Consent", _count="100")  # the same Consent, updated
    assert withdrawn["status"] == "inactive"
    assert withdrawn["provision"]["period"]["end"] == world.clock.today().isoformat()
    texts = [c["payload"][0]["contentString"] for c in peer.search("Communication", _count="1000")]
    assert "Skrevet før samtykket ble trukket." not in texts
    with platform.database.session() as session:
        outcomes = session.scalars(
            select(AuditEventRow.action).where(
                AuditEventRow.case_id == case_id, AuditEventRow.outcome == "allowed"
            )
        ).all()
    assert "case.share_withdrawal" in outcomes
    note(world, case_id, "Skrevet etter at samtykket ble trukket.")
    assert messages(world, "pending") == []  # one notice, nothing more
