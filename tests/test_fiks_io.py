"""The Fiks IO sender against a Fiks IO peer on loopback (tests/fiks_peer.py): Maskinporten token,
the receiver's public key from the catalogue, the encrypted ASiC-E posted to the send API; with the
receiver down then up the report arrives exactly once, and decrypts to a message KS's schema takes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from adapters.fiks import message
from adapters.fiks.senders import FiksSender
from contracts import OutboxStatus, ReportStatus
from core.config import DeploymentConfig
from core.outbox import RetryPolicy
from core.outbox_worker import run_reports
from core.platform import Platform
from tests.conftest import Clock, World
from tests.fiks_peer import PASSWORD, FiksIoPeer
from tests.test_fiks import SPECS, case_with_history, fiks_config, send


@pytest.fixture
def peer(tmp_path: Path) -> FiksIoPeer:
    return FiksIoPeer(tmp_path)


@pytest.fixture
def peer_url(peer: FiksIoPeer, serve_app, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIKS_TEST_PASSWORD", PASSWORD)
    return serve_app(peer.app)


@pytest.fixture
def config(peer: FiksIoPeer, peer_url: str) -> DeploymentConfig:
    table = {
        "receiver": f"fiks-io:{peer.receiver_account}",
        "account_id": peer.sender_account,
        "integration_id": peer.integration_id,
        "integration_password_env": "FIKS_TEST_PASSWORD",
        "certificate_file": str(peer.certificate_file),
        "certificate_key_file": str(peer.certificate_key_file),
        "maskinporten_client_id": peer.client_id,
        "maskinporten_url": f"{peer_url}/token",
        "fiks_url": peer_url,
    }
    return fiks_config(table)


def test_fiks_io_down_then_up_gets_the_report_once_encrypted_to_barnevern(
    world: World, platform: Platform, peer: FiksIoPeer, clock: Clock
) -> None:
    case_id, measure_id = case_with_history(world)
    summary = send(world, case_id, measure_ids=[measure_id], urgent=True)
    sender = FiksSender(platform, timeout=10)
    policy = RetryPolicy(first_delay=dt.timedelta(seconds=30))
    try:
        peer.down = True
        [failed] = run_reports(platform, sender, policy=policy)
        assert failed.status is OutboxStatus.PENDING and "503" in failed.last_error
        peer.down = False
        clock.advance(seconds=31)
        [done] = run_reports(platform, sender, policy=policy)
        assert done.status is OutboxStatus.DELIVERED, done.last_error
        clock.advance(hours=1)
        assert run_reports(platform, sender, policy=policy) == []
    finally:
        sender.close()
    [sent] = peer.received
    assert sent.metadata["meldingType"] == message.MESSAGE_TYPE
    assert sent.metadata["avsenderKontoId"] == peer.sender_account
    assert sent.metadata["mottakerKontoId"] == peer.receiver_account
    assert sent.metadata["headere"]["klientMeldingId"] == summary.id
    body = json.loads(sent.files["bekymringsmelding.json"])
    assert message.problems(body, message.validator(SPECS)) == []
    assert body["melding"]["melding"].startswith("HASTER: ")
    assert sent.files["bekymringsmelding.pdf"].startswith(b"%PDF")
    with world.as_(world.teacher) as w:
        [report] = w.reports.list(case_id)
    assert report.status is ReportStatus.DELIVERED
