"""``stafett import oneroster`` as an operator runs it: a summary table, a refusal naming file and line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from core.cli import main
from tests.oneroster import RestPeer, Roster


@pytest.fixture
def run(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STAFETT_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "160")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["import", "oneroster", *args], catch_exceptions=False)


@pytest.fixture
def roster() -> Roster:
    return Roster.build(pupils=12, pupils_per_class=6, subject_classes=1)


def row(output: str, label: str) -> list[str]:
    line = next(line for line in output.splitlines() if label in line)
    return [cell.strip() for cell in line.split("│") if cell.strip()][1:]


def test_import_prints_the_summary_and_a_second_run_changes_nothing(run, roster, tmp_path) -> None:
    path = roster.write(tmp_path / "pakke")
    first = run(str(path))
    assert first.exit_code == 0, first.output
    assert "Import fra Fjordvik SAS" in first.output
    assert row(first.output, "barn og elever") == ["12", "0", "0", "0"]
    assert row(first.output, "Avvist") == ["0"]
    second = run(str(path))
    assert row(second.output, "barn og elever") == ["0", "0", "0", "12"]
    assert row(second.output, "Sum")[:3] == ["0", "0", "0"]


def test_dry_run_says_so_and_saves_nothing(run, roster, tmp_path) -> None:
    path = roster.write(tmp_path / "pakke")
    trial = run(str(path), "--dry-run")
    assert "prøvekjøring, ingenting er lagret" in trial.output
    assert row(trial.output, "barn og elever") == ["12", "0", "0", "0"]
    assert row(run(str(path)).output, "barn og elever") == ["12", "0", "0", "0"]


def test_a_refused_package_lists_file_line_and_reason_and_exits_1(run, roster, tmp_path) -> None:
    roster.tables["roles"]["r-p1-skole-1-student"]["orgSourcedId"] = "skole-9"
    path = roster.write(tmp_path / "pakke")
    result = run(str(path))
    assert result.exit_code == 1
    assert "Avvist: 1 feil – ingenting er endret" in result.output
    line = 2 + [r["sourcedId"] for r in roster.rows("roles")].index("r-p1-skole-1-student")
    assert f"roles.csv:{line}" in result.output and "viser til org «skole-9»" in result.output


def test_a_path_that_is_no_package_is_a_clear_error(run, tmp_path) -> None:
    result = run(str(tmp_path / "finnes-ikke"))
    assert result.exit_code == 1
    assert "finner ingen mappe eller zip-fil med en OneRoster-pakke" in result.output


def test_rest_sync_from_the_command_line(run, roster) -> None:
    with RestPeer(roster) as peer:
        result = run(peer.url, "--client-id", "stafett", "--client-secret", "hemmelig")
    assert result.exit_code == 0, result.output
    assert row(result.output, "barn og elever") == ["12", "0", "0", "0"]


def test_a_source_is_declared_and_a_mass_end_needs_the_flag(run, database_url, roster, tmp_path) -> None:
    assert run(str(roster.write(tmp_path / "full"))).exit_code == 0
    for sid in [s for s, r in roster.tables["roles"].items() if r["role"] in ("student", "parent")]:
        del roster.tables["roles"][sid]  # a package that lost every pupil's and parent's school link
    path = roster.write(tmp_path / "lost")
    refused = run(str(path))
    assert refused.exit_code == 1 and "--allow-mass-end" in refused.output

    def declare(share: str):
        options = ["--database-url", database_url, "--max-end-share", share]
        return CliRunner().invoke(main, ["import", "oneroster-source", "Fjordvik SAS", *options])

    declared = declare("1")
    assert declared.exit_code == 0, declared.output
    assert "kan avslutte høyst 100%" in declared.output and "userIds {FNR:…}" in declared.output
    assert run(str(path)).exit_code == 0
    bad = declare("2")
    assert bad.exit_code == 1 and "mellom 0 og 1" in bad.output
