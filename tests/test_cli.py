"""The stafett command as an operator uses it: seed, verify, plugins, check-config, schema, serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from configs import CONFIG_DIR
from core.cli import main
from core.storage.database import Database
from tests.processes import free_port


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Invoke the CLI against this test's database (the env var overrides every config's database)."""
    monkeypatch.setenv("STAFETT_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_seed_then_audit_verify_passes(run) -> None:
    seeded = run("demo", "seed", "--children", "6", "--cases", "3", "--log-entries", "5")
    assert seeded.exit_code == 0, seeded.output
    assert "Laget 6 barn" in seeded.output and "3 saker" in seeded.output
    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    assert "Revisjonssporet er helt" in verified.output


def test_audit_verify_names_the_tampered_event(run, database_url: str) -> None:
    assert run("demo", "seed", "--children", "3", "--cases", "1").exit_code == 0
    db = Database(database_url)
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_event SET purpose = 'skjult' WHERE seq = 5"))
    db.dispose()
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "hendelse nr. 5" in result.output and "endret" in result.output


def test_seed_refuses_more_municipalities_than_configured(run) -> None:
    result = run("demo", "seed", "--municipalities", "3")
    assert result.exit_code == 1
    assert "har 1 kommune(r)" in result.output


def test_plugins_lists_versions_hooks_and_where_enabled(run) -> None:
    result = run("plugins", "--config", str(CONFIG_DIR / "agder.toml"))
    assert result.exit_code == 0, result.output
    assert "bti-standard" in result.output and "check_relay_holder" in result.output
    for municipality in ("4204", "4225", "4206"):
        assert municipality in result.output


def test_check_config_accepts_shipped_configs(run) -> None:
    for name in ("demo.toml", "agder.toml", "rakkestad.toml"):
        result = run("check-config", str(CONFIG_DIR / name))
        assert result.exit_code == 0, result.output
        assert "OK" in result.output


def test_check_config_names_the_faulty_field(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "x"\n[[municipality]]\nid = "9901"\nname = "X"\nplugins = ["finnes-ikke"]\n'
        '[[municipality.unit]]\nid = "x-skole"\nname = "X skole"\nservice_type = "skole"\n'
    )
    result = run("check-config", str(bad))
    assert result.exit_code == 1
    assert "finnes-ikke" in result.output
    bad.write_text('name = "x"\n[[municipality]]\nid = "99"\nname = "X"\nplugins = []\nunit = []\n')
    result = run("check-config", str(bad))
    assert result.exit_code == 1
    assert "municipality[0].id" in result.output and "kommunenummer" in result.output


def test_contracts_schema_is_json_schema_with_every_contract(run, tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert run("contracts", "schema", "-o", str(out)).exit_code == 0
    schema = json.loads(out.read_text())
    assert schema["$schema"].endswith("2020-12/schema")
    for name in (
        "Case",
        "Consent",
        "LogEntry",
        "Measure",
        "ActionGuide",
        "ToolDefinition",
        "CaseEvent",
        "Indicator",
    ):
        assert name in schema["$defs"], name
    assert schema["$defs"]["Case"]["properties"]["level"] == {"$ref": "#/$defs/Level"}
    assert schema["$defs"]["Level"]["enum"] == [0, 1, 2, 3]


def test_serve_starts_the_embedded_default_with_demo_data(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "STAFETT_DATABASE_URL": database_url}
    log = tmp_path / "serve.log"  # a file, not a pipe: a full pipe would stop the server mid-start
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "core.cli", "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 120  # it seeds the demo municipality first; a busy CI machine is slow
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5)
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        index = httpx.get(f"http://127.0.0.1:{port}/", timeout=5).json()
        assert index["municipalities"] == [{"id": "9901", "name": "Fjordvik kommune"}]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    output = log.read_text()
    assert "Demodata: 40 fiktive barn" in output
